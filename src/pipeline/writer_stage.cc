#include "pipeline/writer_stage.h"

#include <algorithm>
#include <chrono>
#include <vector>

#include "row/row_builder.h"

namespace td::pipeline {

void write_rows(PartWriter& writer, size_t in_flight, RunState& st, BoundedQueue<parquet::Value>& rows,
                BoundedQueue<WorkItem>& keys, Slots& slots) {
  std::vector<parquet::Value> batch;
  // The writer takes rows in bursts of an eighth of the slots (or what came
  // within 2 ms of the first): one wake-up per burst, not per row, while 7/8
  // of the slots stay in flight. 100k objects over HTTP: faster in 8 of 9
  // alternating A/B runs, within the noise of one full bench run.
  const size_t burst = std::max<size_t>(1, in_flight / 8);
  while (rows.pop_batch(batch, burst, std::chrono::milliseconds(2))) {
    for (const parquet::Value& row : batch) {
      if (st.failed.load()) break;
      if (auto written = writer.write(row); written.ok()) {
        st.done++;
        if (*written == PartWriter::Written::error_row) {
          st.errors++;  // rejected by the writer: its error row
        } else if (row::row_has_warnings(row)) {
          st.warned++;
        }
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
