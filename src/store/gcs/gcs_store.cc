#include "store/gcs/gcs_store.h"

#include <algorithm>

#include "store/common/list_progress.h"
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

GcsStore::GcsStore(gcs::GcsConfig config, const http::EngineOptions& http, std::shared_ptr<gcs::TokenProvider> tokens)
    : engine_(std::make_unique<http::Engine>(http)), client_(std::move(config), *engine_, std::move(tokens)) {}

std::string GcsStore::describe(const std::string& key) const {
  const auto& c = client_.config();
  return "gs://" + c.bucket + "/" + c.root + key;
}

Status GcsStore::list(const std::string& prefix, size_t page_size,
                      const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) {
  const std::string& root = client_.config().root;
  size_t max_results = std::clamp<size_t>(page_size, 1, 1000);  // the JSON API's page limit
  std::string token;
  ListProgress progress("GCS listing of " + describe(prefix), "page token");
  do {
    auto page = client_.list_page(root + prefix, max_results, token);
    if (!page.ok()) return page.error();
    // Before any key is passed on: a page that repeats or loops is never handed out.
    if (Status s = progress.check_page(page->objects, page->objects.size(), !page->next_page_token.empty(),
                                       page->next_page_token);
        !s.ok()) {
      return s;
    }
    std::vector<ObjectInfo> objects;
    objects.reserve(page->objects.size());
    for (auto& o : page->objects) {
      if (o.key.compare(0, root.size(), root) != 0) continue;  // the service filters by prefix
      o.key.erase(0, root.size());
      objects.push_back(std::move(o));
    }
    token = page->next_page_token;
    if (!on_page(std::move(objects))) break;
  } while (!token.empty());
  return Status();
}

void GcsStore::read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) {
  client_.get_range(client_.config().root + object.key, offset, length, std::move(done));
}

Result<ObjectInfo> GcsStore::stat(const std::string& key) {
  auto info = client_.stat(client_.config().root + key);
  if (info.ok()) info->key = key;
  return info;
}

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
  std::unique_ptr<Store> store = std::make_unique<GcsStore>(std::move(*config), http, std::move(tokens));
  return store;
}

}  // namespace td::store
