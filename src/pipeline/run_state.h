// What the stages of a `headers` run share: counters every stage bumps (read
// by the watchdog and the final summary) and the run's first fatal error. Any
// stage may fail the run; the others see `failed` and wind down.
#pragma once

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

#include "util/status.h"

namespace td::pipeline {

// Shared counters and the first fatal error, visible to every stage.
struct RunState {
  std::atomic<uint64_t> listed{0}, skipped{0}, other_shards{0}, resumed{0}, done{0}, errors{0}, warned{0},
      requests{0}, bytes_read{0};
  std::atomic<bool> failed{false};
  // The listing (key list) is exhausted: `listed` is the run's total from now on.
  std::atomic<bool> listing_done{false};
  std::mutex mu;
  std::optional<Error> fatal;

  void fail(Error e) {
    std::lock_guard lock(mu);
    if (!fatal) fatal = std::move(e);
    failed = true;
  }
};

}  // namespace td::pipeline
