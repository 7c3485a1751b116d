#include "store/azure/azure_store.h"

#include <algorithm>

#include "store/common/http_object_store.h"
#include "store/common/transport_options.h"
#include "util/log.h"
#include "util/redact.h"
#include "store/common/url_encoding.h"

namespace td::store {

Result<std::unique_ptr<Store>> open_azure_store(const StoreUrl& url, const StoreOptions& options) {
  // Credentials obstore knows but we do not implement: refuse rather than
  // silently fall back to anonymous access.
  for (const char* key : {"azure_storage_client_id", "client_id", "azure_storage_client_secret", "client_secret",
                          "azure_storage_tenant_id", "tenant_id", "azure_federated_token_file", "federated_token_file",
                          "azure_storage_use_azure_cli", "use_azure_cli", "azure_msi_endpoint", "msi_endpoint",
                          "azure_object_id", "object_id", "azure_msi_resource_id", "msi_resource_id"}) {
    if (options.config.count(key)) {
      return Error{ErrorKind::config, std::string("store.obstore_config.") + key +
                                          " is not supported for Azure; use account_key, sas_token or bearer_token"};
    }
  }
  auto config = azure::resolve_azure_config(url, options.config);
  if (!config.ok()) return config.error();
  // What the credentials hold, for redact(): the key, the SAS token and each of its values (sig=...).
  register_secret(config->account_key);
  register_secret(config->bearer_token);
  register_secret(config->sas_token);
  for (size_t start = 0; start < config->sas_token.size();) {
    size_t end = config->sas_token.find('&', start);
    if (end == std::string::npos) end = config->sas_token.size();
    std::string param = config->sas_token.substr(start, end - start);
    if (param.rfind("sig=", 0) == 0) {
      register_secret(param.substr(4));
      register_secret(percent_decode(param.substr(4), false));
    }
    start = end + 1;
  }
  http::EngineOptions http = options.http;
  http.max_in_flight = std::max<size_t>(1, options.concurrency);  // one transfer per pipeline slot
  if (Status s = apply_transport_options(options.config, http); !s.ok()) return s.error();
  for (const auto& [key, value] : options.config) {
    if (!azure::is_azure_option(key) && !is_transport_option(key)) {
      log::warn("store option '" + key + "' does not apply to an Azure store; ignored");
    }
  }
  std::string root = config->root;
  std::unique_ptr<Store> store =
      std::make_unique<HttpObjectStore>(std::make_unique<azure::AzureBackend>(std::move(*config)), http, root);
  return store;
}

}  // namespace td::store
