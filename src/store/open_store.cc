#include <algorithm>
#include <filesystem>
#include <thread>

#include "store/http/http_store.h"
#include "store/azure/azure_store.h"
#include "store/gcs/gcs_store.h"
#include "store/local/local_store.h"
#include "store/s3/s3_store.h"
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

namespace {

Result<std::unique_ptr<Store>> open_local(const std::string& path, const StoreOptions& options) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    return Error{ErrorKind::config, "store directory does not exist: " + path};
  }
  if (!std::filesystem::is_directory(path, ec)) {
    return Error{ErrorKind::config, "store is not a directory: " + path};
  }
  size_t cores = std::max(1u, std::thread::hardware_concurrency());
  std::unique_ptr<Store> store = std::make_unique<LocalStore>(path, std::clamp<size_t>(options.concurrency, 1, 4 * cores));
  return store;
}

}  // namespace

Result<std::unique_ptr<Store>> open_store(const std::string& url, const StoreOptions& options) {
  auto parsed = parse_store_url(url);
  if (!parsed.ok()) return parsed.error();
  const StoreUrl& u = *parsed;
  if (!u.query.empty() && u.kind != StoreKind::azure) {
    // Only Azure has a use for it (the SAS token); anything else would be
    // silently dropped, or sent where it does not belong. Never repeated here.
    return Error{ErrorKind::config, "store URL '" + redact_store_url(url) +
                                        "' has a query string, which this store does not use; give options in "
                                        "store.obstore_config (an http(s) key list takes presigned URLs per line)"};
  }
  switch (u.kind) {
    case StoreKind::local:
      return open_local(u.path, options);
    // Backends register here, one line each.
    case StoreKind::azure: return open_azure_store(u, options);
    case StoreKind::gcs: return open_gcs_store(u, options);
    case StoreKind::http: return open_http_store(u, options);
    case StoreKind::s3: return open_s3_store(u, options);
    default:
      break;
  }
  return Error{ErrorKind::config, "store URL scheme '" + u.scheme + "://' is not supported yet (" + redact_store_url(url) +
                                      "); supported: a local directory path or file:// URL"};
}

}  // namespace td::store
