// Writer stage of a `headers` run. Consumes object outcomes from the
// `outcomes` queue, in bursts of an eighth of the `in_flight` slots (or what
// came within 2 ms of the first); makes each one's row straight into the open
// part's column buffers (PartWriter, row::append_row), then commits the last
// part (finish) or, after a failure, drops the incomplete one (abandon). Gives
// each written row's slot back to the fetch stage, and counts done, error and
// warned rows in RunState. Threads: runs on the caller's thread. Ends when
// `outcomes` is closed and drained. Errors: a write or finish failure ("writing Parquet failed: ...")
// fails the run and closes `keys` so the lister stops; once the run has
// failed (any stage) rows are no longer written.
#pragma once

#include <cstddef>

#include "pipeline/bounded_queue.h"
#include "pipeline/fetch_stage.h"
#include "pipeline/lister_stage.h"
#include "pipeline/part_writer.h"
#include "pipeline/run_state.h"

namespace td::pipeline {

// Writes the rows of `outcomes` with `writer` until it is closed and drained,
// then finishes (or, after a failure, abandons) the open part.
void write_rows(PartWriter& writer, size_t in_flight, RunState& st, BoundedQueue<row::ObjectOutcome>& outcomes,
                BoundedQueue<WorkItem>& keys, Slots& slots);

}  // namespace td::pipeline
