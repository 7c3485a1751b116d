#include "store/store.h"

#include <future>
#include <memory>

namespace td::store {

Result<RangeRead> Store::read_range_sync(const ObjectInfo& object, uint64_t offset, uint64_t length) {
  // The callback shares ownership of the promise: set_value may still be
  // running on a store thread when get() returns here.
  auto promise = std::make_shared<std::promise<Result<RangeRead>>>();
  auto future = promise->get_future();
  read_range(object, offset, length, [promise](Result<RangeRead> r) { promise->set_value(std::move(r)); });
  return future.get();
}

}  // namespace td::store
