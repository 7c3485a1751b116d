#include "store/azure/azure_config.h"

#include <algorithm>
#include <cstdlib>
#include <initializer_list>
#include <set>

#include "store/azure/shared_key.h"
#include "store/common/transport_options.h"

namespace td::store::azure {

namespace {

struct Source {
  std::string value;
  std::string from;  // the option or variable name, for messages
};

// The first of `names` set in the config, else env var `env_name`.
std::optional<Source> lookup(const std::map<std::string, std::string>& options, std::initializer_list<const char*> names,
                             const char* env_name, const EnvLookup& env) {
  for (const char* n : names) {
    if (auto it = options.find(n); it != options.end() && !it->second.empty()) {
      return Source{it->second, std::string("store.obstore_config.") + n};
    }
  }
  if (env_name) {
    if (auto v = env(env_name); v && !v->empty()) return Source{*v, env_name};
  }
  return std::nullopt;
}

bool is_loopback(const std::string& url) {
  std::string rest = url.substr(url.find("://") + 3);
  std::string host = rest.substr(0, rest.find_first_of("/"));
  for (const char* h : {"127.0.0.1", "localhost", "[::1]"}) {
    if (host == h || host.rfind(std::string(h) + ":", 0) == 0) return true;
  }
  return false;
}

}  // namespace

std::optional<std::string> process_env(const std::string& name) {
  const char* v = std::getenv(name.c_str());
  if (!v) return std::nullopt;
  return std::string(v);
}

bool is_azure_option(const std::string& key) {
  static const std::set<std::string> keys = {
      "azure_storage_account_name", "account_name", "azure_storage_account_key", "account_key", "access_key",
      "azure_storage_sas_token", "sas_token", "sas_key", "azure_storage_token", "bearer_token",
      "azure_storage_endpoint", "azure_endpoint", "endpoint", "azure_storage_use_emulator", "use_emulator",
      "azure_skip_signature", "skip_signature", "allow_http"};
  return keys.count(key) > 0;
}

Result<AzureConfig> resolve_azure_config(const StoreUrl& url, const std::map<std::string, std::string>& options,
                                         const EnvLookup& env) {
  auto bad = [](const std::string& m) { return Error{ErrorKind::config, m}; };
  AzureConfig c;
  c.container = url.bucket;
  c.root = url.prefix;
  while (!c.root.empty() && c.root.front() == '/') c.root.erase(0, 1);
  if (!c.root.empty() && c.root.back() != '/') c.root += '/';

  auto flag = [&](std::initializer_list<const char*> names, const char* env_name) -> Result<bool> {
    auto s = lookup(options, names, env_name, env);
    if (!s) return false;
    return parse_bool_option(s->from, s->value);
  };
  auto emulator = flag({"azure_storage_use_emulator", "use_emulator"}, "AZURE_STORAGE_USE_EMULATOR");
  auto skip_signature = flag({"azure_skip_signature", "skip_signature"}, nullptr);
  auto allow_http = flag({"allow_http"}, nullptr);
  for (const auto* r : {&emulator, &skip_signature, &allow_http}) {
    if (!r->ok()) return r->error();
  }
  c.emulator = *emulator;

  if (!url.account.empty()) {
    c.account = url.account;
  } else if (auto a = lookup(options, {"azure_storage_account_name", "account_name"}, "AZURE_STORAGE_ACCOUNT_NAME", env)) {
    c.account = a->value;
  } else if (c.emulator) {
    c.account = kEmulatorAccount;
  }

  auto endpoint = lookup(options, {"azure_storage_endpoint", "azure_endpoint", "endpoint"}, "AZURE_STORAGE_ENDPOINT", env);
  if (endpoint) {
    c.endpoint = endpoint->value;
    if (c.endpoint.find("://") == std::string::npos) {
      return bad(endpoint->from + " must be a URL such as https://ACCOUNT.blob.core.windows.net");
    }
  } else if (c.emulator) {
    c.endpoint = "http://127.0.0.1:10000/" + (c.account.empty() ? std::string(kEmulatorAccount) : c.account);
  } else {
    if (c.account.empty()) {
      return bad("no Azure storage account: set store.obstore_config.account_name (or AZURE_STORAGE_ACCOUNT_NAME), "
                 "or use a URL naming it (https://ACCOUNT.blob.core.windows.net/container)");
    }
    c.endpoint = "https://" + c.account + ".blob.core.windows.net";
  }
  while (!c.endpoint.empty() && c.endpoint.back() == '/') c.endpoint.pop_back();
  if (c.account.empty()) {
    // An explicit endpoint in the emulator's path style names the account.
    std::string rest = c.endpoint.substr(c.endpoint.find("://") + 3);
    auto slash = rest.find('/');
    if (slash != std::string::npos) c.account = rest.substr(slash + 1, rest.find('/', slash + 1) - slash - 1);
  }
  if (c.endpoint.rfind("http://", 0) == 0 && !*allow_http && !(c.emulator && is_loopback(c.endpoint))) {
    return bad("the Azure endpoint " + c.endpoint + " is plain http: set store.obstore_config.allow_http: true to permit it");
  }

  if (*skip_signature) {
    c.auth = AzureAuth::anonymous;
    return c;
  }
  if (!url.query.empty()) {
    // A SAS URL copied from the portal (https://ACCOUNT.blob.core.windows.net/container?sv=...&sig=...):
    // its query is the SAS token, and it wins, being the most specific.
    if (url.query.find("sig=") == std::string::npos) {
      return bad("the query of the Azure store URL is not a SAS token (no sig=); give options in "
                 "store.obstore_config");
    }
    c.sas_token = url.query;
    c.auth = AzureAuth::sas;
    return c;
  }
  if (auto key = lookup(options, {"azure_storage_account_key", "account_key", "access_key"}, "AZURE_STORAGE_ACCOUNT_KEY", env)) {
    if (!base64_decode(key->value)) return bad(key->from + " is not a valid base64 Azure account key");
    c.account_key = key->value;
    c.auth = AzureAuth::shared_key;
  } else if (auto sas = lookup(options, {"azure_storage_sas_token", "sas_token", "sas_key"}, "AZURE_STORAGE_SAS_TOKEN", env)) {
    c.sas_token = sas->value;
    if (!c.sas_token.empty() && c.sas_token.front() == '?') c.sas_token.erase(0, 1);
    if (c.sas_token.find("sig=") == std::string::npos) return bad(sas->from + " does not look like a SAS token (no sig=)");
    c.auth = AzureAuth::sas;
  } else if (auto token = lookup(options, {"azure_storage_token", "bearer_token"}, "AZURE_STORAGE_TOKEN", env)) {
    c.bearer_token = token->value;
    c.auth = AzureAuth::bearer;
  } else if (c.emulator) {
    c.account_key = kEmulatorKey;
    c.auth = AzureAuth::shared_key;
  }
  if (c.auth == AzureAuth::shared_key && c.account.empty()) {
    return bad("an Azure account key needs the account name (store.obstore_config.account_name)");
  }
  return c;
}

}  // namespace td::store::azure
