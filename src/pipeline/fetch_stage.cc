#include "pipeline/fetch_stage.h"

#include <utility>

#include "pipeline/fetch_header.h"
#include "row/row_builder.h"
#include "util/log.h"
#include "util/redact.h"

namespace td::pipeline {

void dispatch_fetches(store::Store& store, const HeadersOptions& options, size_t in_flight, RunState& st,
                      BoundedQueue<WorkItem>& keys, Slots& slots, BoundedQueue<row::ObjectOutcome>& outcomes) {
  while (auto item = keys.pop()) {
    slots.acquire();
    if (st.failed.load()) {
      slots.release();
      continue;  // drain the lister
    }
    auto on_done = [&, path = item->path](row::ObjectOutcome outcome) {
      outcome.path = path;
      st.requests += outcome.cost.requests;
      st.bytes_read += outcome.cost.bytes_read;
      if (outcome.error) {
        // The `error` column: no secret, whatever path built the message.
        outcome.error->message = redact(outcome.error->message);
        log::debug(store.describe(outcome.object.key) + ": " + outcome.error->describe());
        // A setup problem (untrusted TLS certificate, ...) would fail every
        // object alike: stop early with one clear error instead of crawling.
        if (outcome.error->kind == ErrorKind::config) st.fail(*outcome.error);
      }
      // The writer makes the row (straight into its column buffers) and counts it.
      if (!outcomes.push(std::move(outcome))) slots.release();  // writer gone after a failure
    };
    if (item->error) {
      row::ObjectOutcome outcome;
      outcome.object = item->object;
      outcome.error = item->error;
      on_done(std::move(outcome));
    } else {
      fetch_header_async(store, item->object, options.fetch, on_done);
    }
  }
  slots.wait_all_free(in_flight);
  outcomes.close();
}

}  // namespace td::pipeline
