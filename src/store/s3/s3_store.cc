#include "store/s3/s3_store.h"

#include "store/common/http_object_store.h"
#include "store/common/transport_options.h"
#include "util/log.h"
#include "util/redact.h"

namespace td::store {

namespace {

std::string as_root(const std::string& prefix) {
  if (prefix.empty() || prefix.back() == '/') return prefix;
  return prefix + "/";
}

std::optional<std::string> first_option(const std::map<std::string, std::string>& config,
                                        std::initializer_list<const char*> names) {
  for (const char* n : names) {
    if (auto it = config.find(n); it != config.end()) return it->second;
  }
  return std::nullopt;
}

// What the credentials hold, for redact().
void register_s3_secrets(const s3::Credentials& c) {
  register_secret(c.secret_access_key);
  register_secret(c.session_token);
}

void report(const s3::S3Config& c) {
  for (const auto& note : c.notes) log::warn("S3: " + note);
  if (c.credentials.empty() && !c.skip_signature) {
    log::info("S3: no AWS credentials found; sending unsigned requests (set skip_signature: true for public buckets)");
  } else if (!c.credentials.empty()) {
    log::debug("S3: credentials from " + c.credentials_source + ", region " + c.region + ", " + c.origin);
  }
}

std::unique_ptr<Store> make_s3_store(s3::S3Config config, const http::EngineOptions& engine, std::string root,
                                     std::string scheme) {
  return std::make_unique<HttpObjectStore>(std::make_unique<s3::S3Backend>(std::move(config), std::move(scheme)),
                                           engine, std::move(root));
}

}  // namespace

Result<std::unique_ptr<Store>> open_s3_store(const StoreUrl& u, const StoreOptions& options) {
  auto config = s3::resolve_s3_config(u.bucket, options.config, s3::process_environment());
  if (!config.ok()) return config.error();
  http::EngineOptions engine = options.http;
  if (Status s = apply_transport_options(options.config, engine); !s.ok()) return s.error();
  register_s3_secrets(config->credentials);
  report(*config);
  return make_s3_store(std::move(*config), engine, as_root(u.prefix), "s3");
}

Result<std::unique_ptr<Store>> open_s3_compatible_store(const std::string& bucket, const std::string& prefix,
                                                        const std::string& endpoint, const std::string& region,
                                                        const s3::Credentials& credentials,
                                                        const StoreOptions& options, const std::string& url_scheme) {
  s3::S3Config c;
  c.bucket = bucket;
  c.endpoint = endpoint;
  c.region = region;
  c.credentials = credentials;
  register_s3_secrets(credentials);
  c.skip_signature = credentials.empty();
  c.credentials_source = url_scheme == "gs" ? "the HMAC key in store.obstore_config" : "the given credentials";
  if (auto allow = first_option(options.config, {"allow_http", "aws_allow_http"})) {
    auto b = parse_bool_option("allow_http", *allow);
    if (!b.ok()) return b.error();
    c.allow_http = *b;
  }
  if (Status s = s3::resolve_addressing(c, false); !s.ok()) return s.error();
  http::EngineOptions engine = options.http;
  if (Status s = apply_transport_options(options.config, engine); !s.ok()) return s.error();
  return make_s3_store(std::move(c), engine, as_root(prefix), url_scheme);
}

bool wants_gcs_xml_api(const std::map<std::string, std::string>& config) {
  if (first_option(config, {"aws_access_key_id", "access_key_id"})) return true;
  auto skip = first_option(config, {"google_skip_signature", "skip_signature", "aws_skip_signature"});
  if (!skip) return false;
  auto b = parse_bool_option("skip_signature", *skip);
  return b.ok() && *b;
}

Result<std::unique_ptr<Store>> open_gcs_hmac_store(const StoreUrl& u, const StoreOptions& options) {
  s3::Credentials credentials;
  auto skip = first_option(options.config, {"google_skip_signature", "skip_signature", "aws_skip_signature"});
  bool anonymous = false;
  if (skip) {
    auto b = parse_bool_option("skip_signature", *skip);
    if (!b.ok()) return b.error();
    anonymous = *b;
  }
  if (!anonymous) {
    auto id = first_option(options.config, {"aws_access_key_id", "access_key_id"});
    auto secret = first_option(options.config, {"aws_secret_access_key", "secret_access_key"});
    if (!id || !secret) {
      return Error{ErrorKind::config, "GCS HMAC access needs both aws_access_key_id (the HMAC access id) and "
                                      "aws_secret_access_key (its secret) in store.obstore_config"};
    }
    credentials = s3::Credentials{*id, *secret, ""};
  }
  std::string endpoint = first_option(options.config, {"aws_endpoint", "endpoint", "aws_endpoint_url", "endpoint_url"})
                             .value_or("https://storage.googleapis.com");
  return open_s3_compatible_store(u.bucket, u.prefix, endpoint, "auto", credentials, options, "gs");
}

}  // namespace td::store
