#include <algorithm>
#include <filesystem>
#include <thread>

#include "store/local/local_store.h"
#include "store/store.h"

namespace td::store {

Result<std::unique_ptr<Store>> open_store(const std::string& url, const StoreOptions& options) {
  std::string path = url;
  auto scheme_end = url.find("://");
  if (scheme_end != std::string::npos) {
    std::string scheme = url.substr(0, scheme_end);
    if (scheme != "file") {
      return Error{ErrorKind::config, "store URL scheme '" + scheme + "://' is not supported yet (" + url +
                                          "); supported: a local directory path or file:// URL"};
    }
    path = url.substr(scheme_end + 3);
    if (path.empty() || path[0] != '/') {
      return Error{ErrorKind::config, "file:// URL must hold an absolute path: " + url};
    }
  }
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

}  // namespace td::store
