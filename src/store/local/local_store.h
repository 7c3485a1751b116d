// A local directory as a store: keys are paths relative to the root, with '/'.
#pragma once

#include <string>

#include "store/store.h"

namespace td::store {

class LocalStore : public Store {
 public:
  explicit LocalStore(std::string root);  // root: an existing directory

  Status list(const std::string& prefix, size_t page_size,
              const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) override;
  Result<std::vector<uint8_t>> read_range(const std::string& key, uint64_t offset,
                                          uint64_t length) override;
  Result<ObjectInfo> stat(const std::string& key) override;
  std::string describe(const std::string& key) const override;

 private:
  std::string root_;  // no trailing slash (except "/")
};

}  // namespace td::store
