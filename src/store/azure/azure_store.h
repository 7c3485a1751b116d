// Azure Blob Storage as a Store: az://container/prefix, azure://...,
// abfs[s]://container@account.dfs.core.windows.net/prefix and
// https://ACCOUNT.blob.core.windows.net/container/prefix. Keys are blob names
// relative to the URL's prefix. Configuration: azure_config.h. The store is
// the shared HttpObjectStore with an AzureBackend (azure_client.h).
#pragma once

#include <memory>

#include "store/azure/azure_client.h"
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

Result<std::unique_ptr<Store>> open_azure_store(const StoreUrl& url, const StoreOptions& options);

}  // namespace td::store
