// Google Cloud Storage as a Store: gs://bucket/prefix. Keys are object names
// relative to the URL's prefix. Service-account / gcloud user credentials or
// anonymous access go through the JSON API (gcs_client.h); HMAC keys go
// through the S3-compatible XML API (the S3 backend's open_gcs_hmac_store).
// Configuration: gcs_config.h.
#pragma once

#include <memory>

#include "store/gcs/gcs_client.h"
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

class GcsStore : public Store {
 public:
  GcsStore(gcs::GcsConfig config, const http::EngineOptions& http, std::shared_ptr<gcs::TokenProvider> tokens);
  ~GcsStore() override { engine_.reset(); }  // drain in-flight reads while the client is alive

  Status list(const std::string& prefix, size_t page_size,
              const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) override;
  void read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) override;
  Result<ObjectInfo> stat(const std::string& key) override;
  std::string describe(const std::string& key) const override;

 private:
  std::unique_ptr<http::Engine> engine_;
  gcs::GcsClient client_;
};

Result<std::unique_ptr<Store>> open_gcs_store(const StoreUrl& url, const StoreOptions& options);

}  // namespace td::store
