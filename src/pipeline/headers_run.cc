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
#include "row/row_builder.h"
#include "row/row_schema.h"
#include "store/store_url.h"
#include "util/log.h"

namespace td::pipeline {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

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
  void release() {
    std::lock_guard lock(mu_);
    ++free_;
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
  std::atomic<uint64_t> listed{0}, skipped{0}, done{0}, errors{0}, requests{0}, bytes_read{0};
  std::atomic<bool> failed{false};
  std::mutex mu;
  std::optional<Error> fatal;

  void fail(Error e) {
    std::lock_guard lock(mu);
    if (!fatal) fatal = std::move(e);
    failed = true;
  }
};

// Writes rows into part files of at most `chunk` rows, each under a temporary
// name until complete, so a reader never sees a half-written file.
class PartWriter {
 public:
  PartWriter(const HeadersOptions& options, std::vector<std::string>& files) : options_(options), files_(files) {}

  Status write(const parquet::Value& row) {
    if (!writer_) {
      if (Status s = open(); !s.ok()) return s;
    }
    if (Status s = writer_->write_row(row); !s.ok()) return s;
    if (writer_->rows_written() >= options_.write_chunk_size) return finish();
    return Status();
  }

  Status finish() {
    // An empty listing still yields one (empty) file, so the dataset and its
    // schema are there to query.
    if (!writer_ && files_.empty()) {
      if (Status s = open(); !s.ok()) return s;
    }
    if (!writer_) return Status();
    Status s = writer_->close();
    writer_.reset();
    if (!s.ok()) return s;
    std::error_code ec;
    fs::rename(tmp_path_, final_path_, ec);
    if (ec) return Error{ErrorKind::io, "cannot rename " + tmp_path_ + ": " + ec.message()};
    files_.push_back(final_path_);
    log::debug("wrote " + final_path_);
    return Status();
  }

  Status open() {
    std::string name = part_file_name(files_.size());
    tmp_path_ = (fs::path(options_.out_dir) / ("." + name + ".tmp")).string();
    final_path_ = (fs::path(options_.out_dir) / name).string();
    parquet::WriterOptions w = options_.writer;
    w.row_group_rows = std::min<uint64_t>(w.row_group_rows, options_.write_chunk_size);
    auto opened = parquet::FileWriter::open(tmp_path_, row::row_schema(), w);
    if (!opened.ok()) return opened.error();
    writer_ = std::move(*opened);
    return Status();
  }

  // After a fatal error: drop the incomplete file so nothing half-written remains.
  void abandon() {
    if (!writer_) return;
    writer_.reset();
    std::error_code ec;
    fs::remove(tmp_path_, ec);
  }

 private:
  const HeadersOptions& options_;
  std::vector<std::string>& files_;
  std::unique_ptr<parquet::FileWriter> writer_;
  std::string tmp_path_, final_path_;
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

Status list_store(store::Store& store, const HeadersOptions& options, RunState& st, BoundedQueue<WorkItem>& keys) {
  std::vector<std::string> prefixes = options.prefixes;
  if (prefixes.empty()) prefixes.push_back("");
  for (const auto& prefix : prefixes) {
    Status s = store.list(prefix, options.list_chunk_size, [&](std::vector<store::ObjectInfo>&& page) {
      for (auto& object : page) {
        if (!matches_suffix(object.key, options.suffixes)) {
          st.skipped++;
          continue;
        }
        st.listed++;
        if (!keys.push(WorkItem{std::move(object), std::nullopt, std::nullopt})) return false;
      }
      return !st.failed.load();
    });
    if (!s.ok()) return Error{s.error().kind, "listing prefix '" + prefix + "' failed: " + s.error().message};
  }
  return Status();
}

Status read_key_list(const HeadersOptions& options, RunState& st, BoundedQueue<WorkItem>& keys) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (options.keys_file != "-") {
    file.open(options.keys_file);
    if (!file) return Error{ErrorKind::config, "cannot read key list " + options.keys_file};
    in = &file;
  }
  std::string line;
  while (std::getline(*in, line)) {
    auto begin = line.find_first_not_of(" \t\r");
    auto end = line.find_last_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#') continue;
    line = line.substr(begin, end - begin + 1);
    WorkItem item;
    auto key = store::key_in_store(options.store_url, line);
    item.object.key = key.ok() ? *key : line;
    if (!key.ok()) item.error = key.error();
    item.path = line;
    st.listed++;
    if (!keys.push(std::move(item))) break;
  }
  if (in->bad()) return Error{ErrorKind::io, "error reading key list " + options.keys_file};
  return Status();
}

}  // namespace

std::string part_file_name(uint64_t index) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "part-%05llu.parquet", static_cast<unsigned long long>(index));
  return buf;
}

Result<HeadersSummary> run_headers(store::Store& store, const HeadersOptions& options) {
  const auto start = Clock::now();
  RunState st;
  BoundedQueue<WorkItem> keys(options.max_buffer_size);
  const size_t in_flight = std::max<size_t>(1, options.n_consumers);
  Slots slots(in_flight);
  // Capacity >= objects in flight: a finished fetch never blocks the store's thread.
  BoundedQueue<parquet::Value> rows(in_flight + 1);
  log::debug("up to " + std::to_string(in_flight) + " objects in flight");

  std::thread lister([&] {
    Status s = options.keys_file.empty() ? list_store(store, options, st, keys) : read_key_list(options, st, keys);
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
          st.errors++;
          log::debug(store.describe(outcome.object.key) + ": " + outcome.error->describe());
          // A setup problem (untrusted TLS certificate, ...) would fail every
          // object alike: stop early with one clear error instead of crawling.
          if (outcome.error->kind == ErrorKind::config) st.fail(*outcome.error);
        }
        if (!rows.push(row::build_row(outcome))) slots.release();  // writer gone after a failure
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

  std::atomic<bool> finished{false};
  std::thread progress;
  if (options.show_progress) {
    progress = std::thread([&] {
      while (!finished.load()) {
        print_progress(st, start, false);
        for (int i = 0; i < 5 && !finished.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    });
  }

  HeadersSummary summary;
  PartWriter writer(options, summary.files);
  while (auto row = rows.pop()) {
    if (!st.failed.load()) {
      if (Status s = writer.write(*row); s.ok()) {
        st.done++;
      } else {
        st.fail(Error{s.error().kind, "writing Parquet failed: " + s.error().message});
        keys.close();
      }
    }
    slots.release();
  }
  if (!st.failed.load()) {
    if (Status s = writer.finish(); !s.ok()) st.fail(Error{s.error().kind, "writing Parquet failed: " + s.error().message});
  }
  if (st.failed.load()) writer.abandon();
  lister.join();
  dispatcher.join();
  finished = true;
  if (progress.joinable()) {
    progress.join();
    print_progress(st, start, true);
  }

  if (st.fatal) return *st.fatal;
  summary.listed = st.listed;
  summary.skipped = st.skipped;
  summary.errors = st.errors;
  summary.ok = st.done - st.errors;
  summary.requests = st.requests;
  summary.bytes_read = st.bytes_read;
  summary.elapsed_seconds = std::chrono::duration<double>(Clock::now() - start).count();
  if (st.done != st.listed) {
    return Error{ErrorKind::internal, "wrote " + std::to_string(st.done.load()) + " rows for " +
                                          std::to_string(st.listed.load()) + " listed objects"};
  }
  return summary;
}

}  // namespace td::pipeline
