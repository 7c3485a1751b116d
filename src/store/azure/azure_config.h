// Azure Blob store configuration: which account, container and endpoint, and
// how to authorize. Read from store.obstore_config (obstore key names), then
// the environment, in this order of precedence:
//
//   account      URL (abfss://c@ACCOUNT..., https://ACCOUNT.blob...) >
//                azure_storage_account_name | account_name > AZURE_STORAGE_ACCOUNT_NAME
//   key          azure_storage_account_key | account_key | access_key > AZURE_STORAGE_ACCOUNT_KEY
//   SAS token    the store URL's query (a SAS URL) > azure_storage_sas_token | sas_token | sas_key > AZURE_STORAGE_SAS_TOKEN
//   bearer token azure_storage_token | bearer_token > AZURE_STORAGE_TOKEN
//   endpoint     azure_storage_endpoint | azure_endpoint | endpoint > AZURE_STORAGE_ENDPOINT
//                (default https://ACCOUNT.blob.core.windows.net; Azurite:
//                http://127.0.0.1:10000/devstoreaccount1)
//   emulator     azure_storage_use_emulator | use_emulator > AZURE_STORAGE_USE_EMULATOR:
//                Azurite at 127.0.0.1:10000, account devstoreaccount1 and its well-known key
//   anonymous    azure_skip_signature | skip_signature, or no credential at all
//   allow_http   allow_http: permit a plain-http endpoint (the emulator always may)
//
// Authorization: a key signs with Shared Key; else a SAS token is appended
// to each query; else a bearer token; else requests go anonymously (a public
// container).
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "store/store_url.h"
#include "util/status.h"

namespace td::store::azure {

enum class AzureAuth { shared_key, sas, bearer, anonymous };

struct AzureConfig {
  std::string account;
  std::string container;
  std::string root;       // key prefix the store is rooted at ("" or ending in '/')
  std::string endpoint;   // base URL without trailing '/': container URLs are endpoint + "/" + container
  AzureAuth auth = AzureAuth::anonymous;
  // Secrets: never put these in messages.
  std::string account_key;   // base64
  std::string sas_token;     // query string without the leading '?'
  std::string bearer_token;
  bool emulator = false;
};

inline constexpr const char* kEmulatorAccount = "devstoreaccount1";
inline constexpr const char* kEmulatorKey =
    "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> process_env(const std::string& name);

// Errors are ErrorKind::config with the offending option named (never its value).
Result<AzureConfig> resolve_azure_config(const StoreUrl& url, const std::map<std::string, std::string>& options,
                                         const EnvLookup& env = process_env);

// Whether `key` is an Azure option this store interprets (see above).
bool is_azure_option(const std::string& key);

}  // namespace td::store::azure
