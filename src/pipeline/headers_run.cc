#include "pipeline/headers_run.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "pipeline/bounded_queue.h"
#include "pipeline/fetch_stage.h"
#include "pipeline/lister_stage.h"
#include "pipeline/part_writer.h"
#include "pipeline/run_state.h"
#include "pipeline/watchdog.h"
#include "pipeline/writer_stage.h"
#include "util/log.h"

namespace td::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

constexpr size_t kMaxQueuedKeys = 10000;

}  // namespace

std::optional<std::string> key_list_entry(const std::string& line) {
  auto begin = line.find_first_not_of(" \t\r");
  if (begin == std::string::npos || line[begin] == '#') return std::nullopt;
  return line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
}

Result<HeadersSummary> run_headers(store::Store& store, const HeadersOptions& options, const OutputDir& out) {
  const auto start = Clock::now();
  RunState st;
  // max_buffer_size is the reference tool's bound on buffered keys; a few
  // listing pages ahead of the readers is all that helps, and a million
  // queued keys would cost hundreds of MiB, so buffer at most kMaxQueuedKeys.
  BoundedQueue<WorkItem> keys(std::min(options.max_buffer_size, kMaxQueuedKeys));
  const size_t in_flight = std::max<size_t>(1, options.n_consumers);
  Slots slots(in_flight);
  // Capacity >= objects in flight: a finished fetch never blocks the store's thread.
  BoundedQueue<row::ObjectOutcome> outcomes(in_flight + 1);
  log::debug("up to " + std::to_string(in_flight) + " objects in flight");

  std::thread lister([&] { run_lister(store, options, out, st, keys); });

  // Dispatcher: starts one fetch per key, at most `in_flight` at once.
  std::thread dispatcher([&] { dispatch_fetches(store, options, in_flight, st, keys, slots, outcomes); });

  // Monitor: the progress line, and a watchdog so the run never hangs. Every
  // transfer has its own timeouts; this catches whatever slips past them.
  std::atomic<bool> finished{false};
  std::thread monitor([&] { watch_run(options, st, start, finished); });

  HeadersSummary summary;
  PartWriter writer(options.writer, options.write_chunk_size, out, summary.files);
  write_rows(writer, in_flight, st, outcomes, keys, slots);
  lister.join();
  dispatcher.join();
  finished = true;
  monitor.join();
  if (options.show_progress) print_progress(st, start, true);

  if (st.fatal) return *st.fatal;
  summary.listed = st.listed;
  summary.resumed = st.resumed;
  summary.other_shards = st.other_shards;
  summary.skipped = st.skipped;
  summary.errors = st.errors;
  summary.ok = st.done - st.errors;
  summary.with_warnings = st.warned;
  summary.requests = st.requests;
  summary.bytes_read = st.bytes_read;
  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (st.done + st.resumed != st.listed) {
    return Error{ErrorKind::internal, "wrote " + std::to_string(st.done.load()) + " rows (+" +
                                          std::to_string(st.resumed.load()) + " kept) for " +
                                          std::to_string(st.listed.load()) + " listed objects"};
  }
  std::vector<std::string> all_files = out.existing_parts();
  all_files.insert(all_files.end(), summary.files.begin(), summary.files.end());
  RunCounts counts{summary.listed, summary.ok, summary.errors, summary.resumed, summary.with_warnings};
  if (Status m = out.write_manifest(counts, all_files); !m.ok()) return m.error();
  return summary;
}

}  // namespace td::pipeline
