// Lister stage of a `headers` run. Consumes the store listing (the prefixes,
// in parallel, split one level down where options.list_split says so) or the
// key list (options.keys_file, "-": stdin). Produces one WorkItem per object
// that matches the suffixes, belongs to this shard and is not in a kept part,
// pushed to the `keys` queue (blocking while it is full); counts listed,
// skipped, other_shards and resumed objects in RunState.
// Threads: runs on the caller's thread; a store listing uses up to
// options.list_concurrency threads of its own, joined before it returns.
// Ends when the listing (key list) is exhausted, the queue is closed, or the
// run has failed; then closes `keys`. Errors: a failed listing or unreadable
// key list fails the run (RunState::fail).
#pragma once

#include <optional>
#include <string>

#include "pipeline/bounded_queue.h"
#include "pipeline/headers_run.h"
#include "pipeline/output_dir.h"
#include "pipeline/run_state.h"
#include "store/store.h"
#include "util/status.h"

namespace td::pipeline {

// One object to read; `error` is set when it is known unreadable up front (a
// key-list line outside the store): it still becomes a row.
struct WorkItem {
  store::ObjectInfo object;
  std::optional<Error> error;
  std::optional<std::string> path;  // key-list line as the user wrote it
};

// Lists the store (or reads the key list) into `keys`, records a failure in
// `st`, then closes `keys`.
void run_lister(store::Store& store, const HeadersOptions& options, const OutputDir& out, RunState& st,
                BoundedQueue<WorkItem>& keys);

}  // namespace td::pipeline
