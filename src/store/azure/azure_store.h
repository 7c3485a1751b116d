// Azure Blob Storage as a Store: az://container/prefix, azure://...,
// abfs[s]://container@account.dfs.core.windows.net/prefix and
// https://ACCOUNT.blob.core.windows.net/container/prefix. Keys are blob names
// relative to the URL's prefix. Configuration: azure_config.h.
#pragma once

#include <memory>

#include "store/azure/azure_client.h"
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

class AzureStore : public Store {
 public:
  AzureStore(azure::AzureConfig config, const http::EngineOptions& http);
  ~AzureStore() override { engine_.reset(); }  // drain in-flight reads while the client is alive

  Status list(const std::string& prefix, size_t page_size,
              const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) override;
  void read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) override;
  Result<ObjectInfo> stat(const std::string& key) override;
  std::string describe(const std::string& key) const override;

 private:
  std::unique_ptr<http::Engine> engine_;
  azure::AzureClient client_;
};

Result<std::unique_ptr<Store>> open_azure_store(const StoreUrl& url, const StoreOptions& options);

}  // namespace td::store
