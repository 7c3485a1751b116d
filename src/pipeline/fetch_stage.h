// Fetch stage of a `headers` run. Consumes WorkItems from the `keys` queue;
// produces one row::ObjectOutcome (its parsed header or its error) per item on
// the `outcomes` queue; the writer stage makes the rows. Starts one asynchronous fetch per key
// (fetch_header_async; the store's own threads run it), at most `in_flight`
// at once: a slot is taken before a fetch starts and given back by the writer
// once the row is written (or here, if the writer is gone), so fetches in
// flight plus outcomes queued never exceed the limit. Counts requests and
// bytes_read in RunState.
// Threads: runs on the caller's thread (the dispatcher); callbacks run on
// the store's threads. Ends when `keys` is closed and drained and every slot
// is free again; then closes `outcomes`. After the run failed it drains `keys`
// without fetching. Errors: an object's error becomes its row; an error of
// kind `config` (a setup problem that would fail every object alike) also
// fails the run.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <mutex>

#include "row/row_builder.h"
#include "pipeline/bounded_queue.h"
#include "pipeline/headers_run.h"
#include "pipeline/lister_stage.h"
#include "pipeline/run_state.h"
#include "store/store.h"

namespace td::pipeline {

// Counts objects in flight: acquire before starting an object, release once
// its row has been written, so in-flight + queued outcomes never exceed the limit.
class Slots {
 public:
  explicit Slots(size_t n) : free_(n) {}
  void acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ > 0; });
    --free_;
  }
  void release(size_t n = 1) {
    std::lock_guard lock(mu_);
    free_ += n;
    cv_.notify_all();
  }
  void wait_all_free(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return free_ == n; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  size_t free_;
};

// Starts one fetch per key of `keys` (at most `in_flight` at once, counted by
// `slots`), pushes each object's outcome (its parsed header or its error) to
// `outcomes`, then closes `outcomes`. The writer stage makes the rows.
void dispatch_fetches(store::Store& store, const HeadersOptions& options, size_t in_flight, RunState& st,
                      BoundedQueue<WorkItem>& keys, Slots& slots, BoundedQueue<row::ObjectOutcome>& outcomes);

}  // namespace td::pipeline
