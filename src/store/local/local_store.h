// A local directory as a store: keys are paths relative to the root, with '/'.
#pragma once

#include <string>

#include "store/store.h"
#include "util/thread_pool.h"

namespace td::store {

class LocalStore : public Store {
 public:
  // root: an existing directory. Reads run on `io_threads` threads (local
  // reads block, so concurrency means threads here).
  explicit LocalStore(std::string root, size_t io_threads = 4);

  Status list(const std::string& prefix, size_t page_size,
              const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) override;
  void read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) override;
  // Listing skips directories' non-regular entries (FIFOs, sockets, devices,
  // links to them) with a warning: they are not objects. A key naming one
  // (key lists, `info`) is an ErrorKind::not_a_file error, found without
  // blocking: files are opened O_NONBLOCK and checked with fstat.
  Result<ObjectInfo> stat(const std::string& key) override;
  std::string describe(const std::string& key) const override;

 private:
  Result<RangeRead> read_file_range(const std::string& key, uint64_t offset, uint64_t length) const;

  std::string root_;  // no trailing slash (except "/")
  ThreadPool pool_;
};

}  // namespace td::store
