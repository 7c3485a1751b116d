#include "store/gcs/gcs_config.h"

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "store/common/transport_options.h"

namespace td::store::gcs {

namespace {

struct Source {
  std::string value;
  std::string from;
};

std::optional<Source> option(const std::map<std::string, std::string>& options, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto it = options.find(n); it != options.end() && !it->second.empty()) {
      return Source{it->second, std::string("store.obstore_config.") + n};
    }
  }
  return std::nullopt;
}

std::optional<Source> env_var(const EnvLookup& env, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto v = env(n); v && !v->empty()) return Source{*v, std::string("$") + n};
  }
  return std::nullopt;
}

Result<std::string> read_file(const std::string& path, const std::string& from) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error{ErrorKind::config, "cannot read the Google credentials file " + path + " (from " + from + ")"};
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

bool is_loopback_url(const std::string& url) {
  auto scheme = url.find("://");
  std::string rest = scheme == std::string::npos ? url : url.substr(scheme + 3);
  std::string host = rest.substr(0, rest.find('/'));
  for (const char* h : {"127.0.0.1", "localhost", "[::1]"}) {
    if (host == h || host.rfind(std::string(h) + ":", 0) == 0) return true;
  }
  return false;
}

bool is_gcs_option(const std::string& key) {
  static const std::set<std::string> keys = {
      "google_service_account", "service_account", "google_service_account_path", "service_account_path",
      "google_service_account_key", "service_account_key", "google_application_credentials",
      "google_skip_signature", "skip_signature", "endpoint", "allow_http"};
  return keys.count(key) > 0;
}

Result<GoogleCredentials> parse_credentials_json(const std::string& text, const std::string& source) {
  auto bad = [&](const std::string& why) { return Error{ErrorKind::config, "Google credentials from " + source + ": " + why}; };
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return bad("not a JSON object (expected a service-account key file)");
  auto str = [&](const char* k) { return j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string(); };
  GoogleCredentials c;
  std::string type = str("type");
  if (!str("token_uri").empty()) c.token_uri = str("token_uri");
  if (type == "service_account") {
    c.type = GcsAuth::service_account;
    c.client_email = str("client_email");
    c.private_key = str("private_key");
    c.private_key_id = str("private_key_id");
    if (c.client_email.empty()) return bad("no client_email");
    if (c.private_key.find("PRIVATE KEY-----") == std::string::npos) return bad("no PEM private_key");
  } else if (type == "authorized_user") {
    c.type = GcsAuth::authorized_user;
    c.client_id = str("client_id");
    c.client_secret = str("client_secret");
    c.refresh_token = str("refresh_token");
    if (c.client_id.empty() || c.client_secret.empty() || c.refresh_token.empty()) {
      return bad("authorized_user credentials need client_id, client_secret and refresh_token");
    }
  } else {
    return bad("unsupported credentials type '" + type + "' (supported: service_account, authorized_user)");
  }
  return c;
}

Result<GcsConfig> resolve_gcs_config(const StoreUrl& url, const std::map<std::string, std::string>& options,
                                     const EnvLookup& env) {
  GcsConfig c;
  c.bucket = url.bucket;
  c.root = url.prefix;
  while (!c.root.empty() && c.root.front() == '/') c.root.erase(0, 1);
  if (!c.root.empty() && c.root.back() != '/') c.root += '/';

  if (auto a = option(options, {"allow_http"})) {
    auto b = parse_bool_option(a->from, a->value);
    if (!b.ok()) return b.error();
    c.allow_http = *b;
  }
  bool emulator = false;
  if (auto e = option(options, {"endpoint"})) {
    c.endpoint = e->value;
    if (c.endpoint.find("://") == std::string::npos) {
      return Error{ErrorKind::config, e->from + " must be a URL such as https://storage.googleapis.com"};
    }
  } else if (auto host = env_var(env, {"STORAGE_EMULATOR_HOST"})) {
    c.endpoint = host->value.find("://") == std::string::npos ? "http://" + host->value : host->value;
    emulator = true;
  }
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  if (c.endpoint.rfind("http://", 0) == 0 && !c.allow_http && !emulator) {
    return Error{ErrorKind::config, "the GCS endpoint " + c.endpoint +
                                        " is plain http: set store.obstore_config.allow_http: true to permit it"};
  }

  if (auto skip = option(options, {"google_skip_signature", "skip_signature"})) {
    auto b = parse_bool_option(skip->from, skip->value);
    if (!b.ok()) return b.error();
    if (*b) return c;  // anonymous
  }

  // Credentials: JSON text, else a file path, else gcloud's default file.
  std::optional<Source> text = option(options, {"google_service_account_key", "service_account_key"});
  std::optional<Source> path;
  if (!text) {
    path = option(options, {"google_service_account", "service_account", "google_service_account_path",
                            "service_account_path", "google_application_credentials"});
  }
  if (!text && !path) text = env_var(env, {"GOOGLE_SERVICE_ACCOUNT_KEY"});
  if (!text && !path) {
    path = env_var(env, {"GOOGLE_SERVICE_ACCOUNT", "GOOGLE_SERVICE_ACCOUNT_PATH", "GOOGLE_APPLICATION_CREDENTIALS"});
  }
  if (!text && !path) {
    std::string dir;
    if (auto d = env("CLOUDSDK_CONFIG"); d && !d->empty()) {
      dir = *d;
    } else if (auto home = env("HOME"); home && !home->empty()) {
      dir = *home + "/.config/gcloud";
    }
    std::string adc = dir + "/application_default_credentials.json";
    if (!dir.empty() && std::ifstream(adc).good()) path = Source{adc, "gcloud application default credentials"};
  }
  if (!text && !path) return c;  // anonymous

  std::string json, source;
  if (text) {
    json = text->value;
    source = text->from;
  } else {
    auto content = read_file(path->value, path->from);
    if (!content.ok()) return content.error();
    json = *content;
    source = path->value + " (" + path->from + ")";
  }
  auto creds = parse_credentials_json(json, source);
  if (!creds.ok()) return creds.error();
  c.credentials = *creds;
  c.credentials_source = source;
  const std::string& t = c.credentials.token_uri;
  if (t.rfind("https://", 0) != 0 && !(t.rfind("http://", 0) == 0 && (c.allow_http || is_loopback_url(t)))) {
    return Error{ErrorKind::config, "the token_uri " + t + " in " + source +
                                        " must be https (plain http only with allow_http or on loopback)"};
  }
  return c;
}

}  // namespace td::store::gcs
