#include "pipeline/headers_run.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <thread>

#include "pipeline/bounded_queue.h"
#include "pipeline/part_writer.h"
#include "pipeline/run_cleanup.h"
#include "row/row_builder.h"
#include "row/row_schema.h"
#include "store/store_url.h"
#include "util/redact.h"
#include "util/log.h"

namespace td::pipeline {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

constexpr size_t kMaxQueuedKeys = 10000;

bool matches_suffix(const std::string& key, const std::vector<std::string>& suffixes) {
  if (suffixes.empty()) return true;
  for (const auto& s : suffixes) {
    if (key.size() < s.size()) continue;
    bool same = std::equal(s.begin(), s.end(), key.end() - static_cast<std::ptrdiff_t>(s.size()),
                           [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    if (same) return true;
  }
  return false;
}

// Counts requests in flight: acquire before starting an object, release once
// its row has been written, so in-flight + queued rows never exceed the limit.
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

// One object to read; `error` is set when it is known unreadable up front (a
// key-list line outside the store): it still becomes a row.
struct WorkItem {
  store::ObjectInfo object;
  std::optional<Error> error;
  std::optional<std::string> path;  // key-list line as the user wrote it
};

// Shared counters and the first fatal error, visible to every stage.
struct RunState {
  std::atomic<uint64_t> listed{0}, skipped{0}, other_shards{0}, resumed{0}, done{0}, errors{0}, warned{0},
      requests{0}, bytes_read{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::optional<Error> fatal;

  void fail(Error e) {
    std::lock_guard lock(mu);
    if (!fatal) fatal = std::move(e);
    failed = true;
  }
};

void print_progress(const RunState& st, Clock::time_point start, bool final_line) {
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t done = st.done.load();
  std::fprintf(stderr, "\r\033[Klisted %llu  done %llu  errors %llu  %.0f headers/s  %.1fs%s",
               static_cast<unsigned long long>(st.listed.load()), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(st.errors.load()), elapsed > 0 ? done / elapsed : 0.0, elapsed,
               final_line ? "\n" : "");
  std::fflush(stderr);
}

// Queues an object unless another shard owns it or a kept part holds it.
bool enqueue(WorkItem item, const HeadersOptions& options, const OutputDir& out, RunState& st,
             BoundedQueue<WorkItem>& keys) {
  const std::string& id = item.path ? *item.path : item.object.key;
  if (!options.shard.owns(id)) {
    st.other_shards++;
    return true;
  }
  st.listed++;
  if (out.done_keys().count(id)) {
    st.resumed++;
    return true;
  }
  return keys.push(std::move(item));
}

Status list_store(store::Store& store, const HeadersOptions& options, const OutputDir& out, RunState& st,
                  BoundedQueue<WorkItem>& keys) {
  std::vector<std::string> prefixes = options.prefixes;
  if (prefixes.empty()) prefixes.push_back("");
  auto on_page = [&](std::vector<store::ObjectInfo>&& page) {
    for (auto& object : page) {
      if (!matches_suffix(object.key, options.suffixes)) {
        st.skipped++;
        continue;
      }
      if (!enqueue(WorkItem{std::move(object), std::nullopt, std::nullopt}, options, out, st, keys)) return false;
    }
    return !st.failed.load();
  };
  auto failed = [](const std::string& prefix, const Status& s) {
    return Error{s.error().kind, "listing prefix '" + prefix + "' failed: " + s.error().message};
  };
  // One page round trip per 1,000 keys caps a single lister: list the
  // prefixes in parallel, each split one level down first where trusted.
  using Split = HeadersOptions::ListSplit;
  bool split = options.list_split == Split::on ||
               (options.list_split == Split::auto_ && store.delimiter_listing_trusted());
  std::vector<std::string> parts;
  for (const auto& prefix : prefixes) {
    if (!split) {
      parts.push_back(prefix);
      continue;
    }
    std::vector<std::string> children;
    if (Status s = store.list_level(prefix, options.list_chunk_size, on_page, children); !s.ok()) {
      return failed(prefix, s);
    }
    parts.insert(parts.end(), children.begin(), children.end());
  }
  log::debug("listing " + std::to_string(parts.size()) + " prefixes in parallel");
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;
  std::vector<std::thread> listers;
  for (size_t i = 0; i < std::min(std::max<size_t>(options.list_concurrency, 1), parts.size()); ++i) {
    listers.emplace_back([&] {
      for (size_t k = next++; k < parts.size() && !st.failed.load(); k = next++) {
        if (Status s = store.list(parts[k], options.list_chunk_size, on_page); !s.ok()) {
          std::lock_guard lock(mu);
          if (!first_error) first_error = failed(parts[k], s);
          st.failed = true;  // stop the other listers; the caller records the error
          return;
        }
      }
    });
  }
  for (auto& t : listers) t.join();
  if (first_error) return *first_error;
  return Status();
}

Status read_key_list(const HeadersOptions& options, const OutputDir& out, RunState& st, BoundedQueue<WorkItem>& keys) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (options.keys_file != "-") {
    file.open(options.keys_file);
    if (!file) return Error{ErrorKind::config, "cannot read key list " + options.keys_file};
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    auto entry = key_list_entry(line);
    if (!entry) continue;
    line = *entry;
    WorkItem item;
    auto key = store::key_in_store(options.store_url, line);
    item.object.key = key.ok() ? *key : line;
    if (!key.ok()) item.error = key.error();
    item.path = store::key_line_for_output(options.store_url, line);  // the line minus any query or password
    if (!enqueue(std::move(item), options, out, st, keys)) break;
  }
  if (in->bad()) return Error{ErrorKind::io, "error reading key list " + options.keys_file};
  return Status();
}

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
  BoundedQueue<parquet::Value> rows(in_flight + 1);
  log::debug("up to " + std::to_string(in_flight) + " objects in flight");

  std::thread lister([&] {
    Status s = options.keys_file.empty() ? list_store(store, options, out, st, keys)
                                         : read_key_list(options, out, st, keys);
    if (!s.ok()) st.fail(s.error());
    keys.close();
  });

  // Dispatcher: starts one fetch per key, at most `in_flight` at once.
  std::thread dispatcher([&] {
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
        parquet::Value row = row::build_row(outcome);
        // Counted from the row: a header can still become an error row (its row budget).
        if (row::row_is_error(row)) st.errors++;
        if (!rows.push(std::move(row))) slots.release();  // writer gone after a failure
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
    rows.close();
  });

  // Monitor: the progress line, and a watchdog so the run never hangs. Every
  // transfer has its own timeouts; this catches whatever slips past them.
  std::atomic<bool> finished{false};
  std::thread monitor([&] {
    uint64_t last_activity = 0;
    auto last_change = Clock::now();
    while (!finished.load()) {
      if (options.show_progress) print_progress(st, start, false);
      for (int i = 0; i < 5 && !finished.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      uint64_t activity = st.done.load() + st.listed.load() + st.other_shards.load() + st.skipped.load();
      if (activity != last_activity) {
        last_activity = activity;
        last_change = Clock::now();
      } else if (std::chrono::duration<double>(Clock::now() - last_change).count() > options.stall_timeout_seconds) {
        // Threads are stuck in I/O we cannot cancel: report and leave. Only
        // committed parts remain (this run's temporaries are removed, its
        // locks released); no manifest claims the run complete.
        RunCleanup::instance().exit_now(
            1, "no progress for " + std::to_string(static_cast<int>(options.stall_timeout_seconds)) + " s (listed " +
                   std::to_string(st.listed.load()) + ", done " + std::to_string(st.done.load()) +
                   "); giving up. Rerun with --resume to continue.");
      }
    }
  });

  HeadersSummary summary;
  PartWriter writer(options.writer, options.write_chunk_size, out, summary.files);
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
