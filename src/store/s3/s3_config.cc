#include "store/s3/s3_config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <set>

#include "store/common/transport_options.h"

namespace td::store::s3 {

namespace {

// Option aliases, obstore names; the first of each list names it in messages.
const std::vector<std::string> kAccessKey = {"aws_access_key_id", "access_key_id"};
const std::vector<std::string> kSecret = {"aws_secret_access_key", "secret_access_key"};
const std::vector<std::string> kToken = {"aws_session_token", "session_token", "token"};
const std::vector<std::string> kRegion = {"aws_region", "region", "aws_default_region", "default_region"};
const std::vector<std::string> kEndpoint = {"aws_endpoint", "endpoint", "aws_endpoint_url", "endpoint_url"};
const std::vector<std::string> kVirtualHosted = {"aws_virtual_hosted_style_request", "virtual_hosted_style_request"};
const std::vector<std::string> kSkipSignature = {"aws_skip_signature", "skip_signature"};
const std::vector<std::string> kAllowHttp = {"allow_http", "aws_allow_http"};
const std::vector<std::string> kRequestPayer = {"aws_request_payer", "request_payer"};
// Accepted without effect: the bucket comes from the URL.
const std::set<std::string> kHarmless = {"aws_bucket", "bucket", "aws_bucket_name", "bucket_name"};

struct Found {
  std::string key;  // which alias or variable supplied it
  std::string value;
};

std::optional<Found> option(const std::map<std::string, std::string>& options, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (auto it = options.find(n); it != options.end()) return Found{n, it->second};
  }
  return std::nullopt;
}

std::optional<Found> env_var(const EnvLookup& env, const std::vector<std::string>& names) {
  for (const auto& n : names) {
    if (auto v = env(n); v && !v->empty()) return Found{n, *v};
  }
  return std::nullopt;
}

std::string trim(const std::string& s) {
  auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// One profile's key = value pairs from an AWS INI file. `section` is the
// header to look for ("default", "profile x"). Indented lines (nested
// settings such as "s3 =\n  addressing_style = path") are skipped.
std::optional<std::map<std::string, std::string>> read_profile(const std::string& path,
                                                                const std::vector<std::string>& sections) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::optional<std::map<std::string, std::string>> found;
  bool inside = false;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) continue;
    std::string t = trim(line);
    if (t.empty() || t[0] == '#' || t[0] == ';') continue;
    if (t.front() == '[' && t.back() == ']') {
      std::string name = trim(t.substr(1, t.size() - 2));
      inside = std::find(sections.begin(), sections.end(), name) != sections.end();
      if (inside && !found) found.emplace();
      continue;
    }
    auto eq = t.find('=');
    if (!inside || eq == std::string::npos) continue;
    std::string key = trim(t.substr(0, eq));
    std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    (*found)[key] = trim(t.substr(eq + 1));
  }
  return found;
}

Error config_error(const std::string& m) { return Error{ErrorKind::config, "S3: " + m}; }

// A bool option: store.obstore_config first, then environment variables.
Result<std::optional<bool>> bool_setting(const std::map<std::string, std::string>& options,
                                         const std::vector<std::string>& names, const EnvLookup& env,
                                         const std::vector<std::string>& env_names) {
  std::optional<Found> f = option(options, names);
  if (!f) f = env_var(env, env_names);
  if (!f) return std::optional<bool>();
  auto b = parse_bool_option(f->key, f->value);
  if (!b.ok()) return b.error();
  return std::optional<bool>(*b);
}

Result<std::optional<Credentials>> credentials_from(const std::optional<Found>& key, const std::optional<Found>& secret,
                                                    const std::optional<Found>& token, const std::string& where) {
  if (!key && !secret) return std::optional<Credentials>();
  if (!key) return config_error(secret->key + " is set in " + where + " but no access key id");
  if (!secret) return config_error(key->key + " is set in " + where + " but no secret access key");
  return std::optional<Credentials>(Credentials{key->value, secret->value, token ? token->value : ""});
}

}  // namespace

EnvLookup process_environment() {
  return [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (!v) return std::nullopt;
    return std::string(v);
  };
}

Result<S3Config> resolve_s3_config(const std::string& bucket, const std::map<std::string, std::string>& options,
                                   const EnvLookup& env) {
  S3Config c;
  c.bucket = bucket;

  auto skip = bool_setting(options, kSkipSignature, env, {"AWS_SKIP_SIGNATURE"});
  auto allow_http = bool_setting(options, kAllowHttp, env, {"AWS_ALLOW_HTTP"});
  auto vhost = bool_setting(options, kVirtualHosted, env, {"AWS_VIRTUAL_HOSTED_STYLE_REQUEST"});
  for (auto* r : {&skip, &allow_http, &vhost}) {
    if (!r->ok()) return r->error();
  }
  c.skip_signature = skip->value_or(false);
  c.allow_http = allow_http->value_or(false);
  // obstore's request payer is a bool; "requester" (the header's value) is accepted too.
  std::optional<Found> payer = option(options, kRequestPayer);
  if (!payer) payer = env_var(env, {"AWS_REQUEST_PAYER"});
  if (payer) {
    if (payer->value == "requester") {
      c.request_payer = true;
    } else {
      auto b = parse_bool_option(payer->key, payer->value);
      if (!b.ok()) return b.error();
      c.request_payer = *b;
    }
  }

  // The shared files, read only when a setting is still missing.
  std::string home = env("HOME").value_or("");
  auto profile_env = env("AWS_PROFILE");
  c.profile = profile_env && !profile_env->empty() ? *profile_env : "default";
  std::string credentials_file = env("AWS_SHARED_CREDENTIALS_FILE").value_or(home + "/.aws/credentials");
  std::string config_file = env("AWS_CONFIG_FILE").value_or(home + "/.aws/config");
  std::optional<std::map<std::string, std::string>> cred_profile, conf_profile;
  bool files_read = false;
  auto read_files = [&]() -> Status {
    if (files_read) return Status();
    files_read = true;
    cred_profile = read_profile(credentials_file, {c.profile});
    conf_profile = read_profile(config_file, c.profile == "default" ? std::vector<std::string>{"default", "profile default"}
                                                                   : std::vector<std::string>{"profile " + c.profile});
    if (profile_env && !profile_env->empty() && !cred_profile && !conf_profile) {
      return config_error("AWS_PROFILE=" + c.profile + " names a profile found in neither " + credentials_file +
                          " nor " + config_file);
    }
    return Status();
  };
  auto file_value = [&](const std::string& key) -> std::optional<Found> {
    if (cred_profile) {
      if (auto it = cred_profile->find(key); it != cred_profile->end() && !it->second.empty()) {
        return Found{credentials_file + " [" + c.profile + "] " + key, it->second};
      }
    }
    if (conf_profile) {
      if (auto it = conf_profile->find(key); it != conf_profile->end() && !it->second.empty()) {
        return Found{config_file + " [" + c.profile + "] " + key, it->second};
      }
    }
    return std::nullopt;
  };

  // Credentials, as one set from the first source that has any.
  if (!c.skip_signature) {
    auto from_options = credentials_from(option(options, kAccessKey), option(options, kSecret), option(options, kToken),
                                         "store.obstore_config");
    if (!from_options.ok()) return from_options.error();
    if (*from_options) {
      c.credentials = **from_options;
      c.credentials_source = "store.obstore_config";
    }
    if (c.credentials.empty()) {
      auto from_env = credentials_from(env_var(env, {"AWS_ACCESS_KEY_ID"}), env_var(env, {"AWS_SECRET_ACCESS_KEY"}),
                                       env_var(env, {"AWS_SESSION_TOKEN"}), "the environment");
      if (!from_env.ok()) return from_env.error();
      if (*from_env) {
        c.credentials = **from_env;
        c.credentials_source = "environment (AWS_ACCESS_KEY_ID)";
      }
    }
    if (c.credentials.empty()) {
      if (Status s = read_files(); !s.ok()) return s.error();
      auto from_files = credentials_from(file_value("aws_access_key_id"), file_value("aws_secret_access_key"),
                                         file_value("aws_session_token"), "profile " + c.profile);
      if (!from_files.ok()) return from_files.error();
      if (*from_files) {
        c.credentials = **from_files;
        c.credentials_source = "profile '" + c.profile + "' of the AWS shared files";
      } else {
        for (const char* k : {"sso_session", "sso_start_url", "role_arn", "credential_process", "web_identity_token_file"}) {
          if (file_value(k)) {
            c.notes.push_back(std::string("profile '") + c.profile + "' uses " + k +
                              ", which tiff-dumper does not support; export static credentials instead (e.g. `aws "
                              "configure export-credentials --format env`)");
            break;
          }
        }
      }
    }
  }

  if (auto r = option(options, kRegion)) {
    c.region = r->value;
  } else if (auto e = env_var(env, {"AWS_REGION", "AWS_DEFAULT_REGION"})) {
    c.region = e->value;
  } else {
    if (Status s = read_files(); !s.ok()) return s.error();
    if (auto f = file_value("region")) c.region = f->value;
  }
  if (auto e = option(options, kEndpoint)) {
    c.endpoint = e->value;
  } else if (auto v = env_var(env, {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_ENDPOINT"})) {
    c.endpoint = v->value;
  } else {
    if (Status s = read_files(); !s.ok()) return s.error();
    if (auto f = file_value("endpoint_url")) c.endpoint = f->value;
  }

  for (const auto& [key, value] : options) {
    bool used = false;
    for (const auto* names : {&kAccessKey, &kSecret, &kToken, &kRegion, &kEndpoint, &kVirtualHosted, &kSkipSignature,
                              &kAllowHttp, &kRequestPayer}) {
      used = used || std::find(names->begin(), names->end(), key) != names->end();
    }
    if (!used && !kHarmless.count(key) && !is_transport_option(key)) c.notes.push_back("store option '" + key + "' is not used by the S3 store; ignored");
  }

  if (Status s = resolve_addressing(c, *vhost); !s.ok()) return s.error();
  return c;
}

Status resolve_addressing(S3Config& c, std::optional<bool> virtual_hosted_request) {
  if (c.endpoint.empty()) {
    // Dotted bucket names do not match *.s3.<region>.amazonaws.com's certificate.
    c.virtual_hosted = virtual_hosted_request.value_or(c.bucket.find('.') == std::string::npos);
    c.host = c.virtual_hosted ? c.bucket + ".s3." + c.region + ".amazonaws.com" : "s3." + c.region + ".amazonaws.com";
    c.origin = "https://" + c.host;
    c.base_path = c.virtual_hosted ? "" : "/" + uri_encode(c.bucket, false);
    return Status();
  }
  std::string e = c.endpoint;
  while (!e.empty() && e.back() == '/') e.pop_back();
  auto sep = e.find("://");
  std::string scheme = sep == std::string::npos ? "" : e.substr(0, sep);
  std::transform(scheme.begin(), scheme.end(), scheme.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (scheme != "http" && scheme != "https") {
    return config_error("endpoint '" + c.endpoint + "' must start with https:// (or http:// with allow_http)");
  }
  if (scheme == "http" && !c.allow_http) {
    return config_error("endpoint '" + c.endpoint +
                        "' is plain HTTP; set allow_http: true in store.obstore_config (or AWS_ALLOW_HTTP=true) "
                        "to allow unencrypted requests");
  }
  std::string rest = e.substr(sep + 3);
  auto slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  std::string path = slash == std::string::npos ? "" : rest.substr(slash);
  if (authority.empty() || authority.find('@') != std::string::npos) {
    return config_error("endpoint '" + c.endpoint + "' needs a host name (and no user info)");
  }
  c.virtual_hosted = virtual_hosted_request.value_or(false);
  if (c.virtual_hosted) {
    if (authority.rfind(c.bucket + ".", 0) != 0) authority = c.bucket + "." + authority;
    c.base_path = path;
  } else {
    c.base_path = path + "/" + uri_encode(c.bucket, false);
  }
  c.host = authority;
  c.origin = scheme + "://" + authority;
  return Status();
}

}  // namespace td::store::s3
