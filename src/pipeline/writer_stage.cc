#include "pipeline/writer_stage.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "row/row_builder.h"

namespace td::pipeline {

void write_rows(PartWriter& writer, size_t in_flight, RunState& st, BoundedQueue<row::ObjectOutcome>& outcomes,
                BoundedQueue<WorkItem>& keys, Slots& slots) {
  std::vector<row::ObjectOutcome> batch;
  // The writer takes rows in bursts of an eighth of the slots (or what came
  // within 2 ms of the first): one wake-up per burst, not per row, while 7/8
  // of the slots stay in flight. 100k objects over HTTP: faster in 8 of 9
  // alternating A/B runs, within the noise of one full bench run.
  const size_t burst = std::max<size_t>(1, in_flight / 8);
  while (outcomes.pop_batch(batch, burst, std::chrono::milliseconds(2))) {
    for (const row::ObjectOutcome& outcome : batch) {
      if (st.failed.load()) break;
      if (auto written = writer.write(outcome); written.ok()) {
        st.done++;
        // Counted from the row made: a header can still become an error row (its row budget).
        if (*written == row::RowKind::error) st.errors++;
        if (*written == row::RowKind::warned) st.warned++;
      } else {
        const Error& e = written.error();
        st.fail(Error{e.kind, "writing Parquet failed: " + e.message});
        keys.close();
      }
    }
    slots.release(batch.size());
  }
  if (!st.failed.load()) {
    if (Status s = writer.finish(); !s.ok()) st.fail(Error{s.error().kind, "writing Parquet failed: " + s.error().message});
  }
  if (st.failed.load()) writer.abandon();
}

}  // namespace td::pipeline
