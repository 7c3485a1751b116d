#include "store/gcs/gcs_store.h"

#include <algorithm>

#include "store/common/http_object_store.h"
#include "store/common/transport_options.h"
#include "store/s3/s3_store.h"
#include "util/log.h"
#include "util/redact.h"

namespace td::store {

namespace {

// Every secret the credentials hold, for redact(): the PEM body line by line
// (a message could quote any part), the OAuth client secret and refresh token.
void register_gcs_secrets(const gcs::GoogleCredentials& c) {
  size_t start = 0;
  while (start < c.private_key.size()) {
    size_t end = c.private_key.find('\n', start);
    if (end == std::string::npos) end = c.private_key.size();
    std::string line = c.private_key.substr(start, end - start);
    if (line.rfind("-----", 0) != 0) register_secret(line);
    start = end + 1;
  }
  register_secret(c.client_secret);
  register_secret(c.refresh_token);
}

}  // namespace

Result<std::unique_ptr<Store>> open_gcs_store(const StoreUrl& url, const StoreOptions& options) {
  // HMAC keys: the XML API, signed like S3 (the S3 backend's code).
  if (options.config.count("aws_access_key_id") || options.config.count("access_key_id")) {
    return open_gcs_hmac_store(url, options);
  }
  auto config = gcs::resolve_gcs_config(url, options.config);
  if (!config.ok()) return config.error();
  register_gcs_secrets(config->credentials);
  http::EngineOptions http = options.http;
  http.max_in_flight = std::max<size_t>(1, options.concurrency);  // one transfer per pipeline slot
  if (Status s = apply_transport_options(options.config, http); !s.ok()) return s.error();
  for (const auto& [key, value] : options.config) {
    if (!gcs::is_gcs_option(key) && !is_transport_option(key)) {
      log::warn("store option '" + key + "' does not apply to a GCS store; ignored");
    }
  }
  std::shared_ptr<gcs::TokenProvider> tokens;
  if (config->credentials.type != gcs::GcsAuth::anonymous) {
    // The first token is fetched by the first request (no I/O at open, as
    // for the other stores): bad credentials fail the listing with the token
    // endpoint's answer.
    tokens = std::make_shared<gcs::TokenProvider>(config->credentials, config->credentials_source, http);
    log::debug("GCS: credentials from " + config->credentials_source);
  } else {
    log::debug("GCS: no credentials, anonymous access to gs://" + config->bucket);
  }
  std::string root = config->root;
  std::unique_ptr<Store> store = std::make_unique<HttpObjectStore>(
      std::make_unique<gcs::GcsBackend>(std::move(*config), std::move(tokens)), http, root);
  return store;
}

}  // namespace td::store
