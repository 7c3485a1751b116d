#include "store/store.h"

#include <future>

namespace td::store {

Result<RangeRead> Store::read_range_sync(const ObjectInfo& object, uint64_t offset, uint64_t length) {
  std::promise<Result<RangeRead>> promise;
  auto future = promise.get_future();
  read_range(object, offset, length, [&promise](Result<RangeRead> r) { promise.set_value(std::move(r)); });
  return future.get();
}

}  // namespace td::store
