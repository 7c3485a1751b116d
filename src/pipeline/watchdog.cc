#include "pipeline/watchdog.h"

#include <cinttypes>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "pipeline/run_cleanup.h"
#include "store/store_url.h"
#include "util/log.h"

namespace td::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

// Counts the keys of this shard in a key-list file (not stdin), stopping
// early when the run ends. nullopt when it cannot tell.
std::optional<uint64_t> count_keys(const HeadersOptions& options, const std::atomic<bool>& finished) {
  if (options.keys_file.empty() || options.keys_file == "-") return std::nullopt;
  std::error_code ec;
  if (!std::filesystem::is_regular_file(options.keys_file, ec)) return std::nullopt;  // a FIFO is read once, by the lister
  std::ifstream in(options.keys_file);
  if (!in) return std::nullopt;
  uint64_t n = 0;
  std::string line;
  while (std::getline(in, line)) {
    if ((n & 0xfff) == 0 && finished.load()) return std::nullopt;
    auto entry = key_list_entry(line);
    if (!entry) continue;
    // As the lister decides: a shard owns a line by the `path` it records.
    if (options.shard.count > 1 && !options.shard.owns(store::key_line_for_output(options.store_url, *entry))) continue;
    ++n;
  }
  if (in.bad()) return std::nullopt;
  return n;
}

}  // namespace

std::string human_duration(double seconds) {
  if (seconds < 0) seconds = 0;
  auto s = static_cast<uint64_t>(seconds + 0.5);
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 "s", s);
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%" PRIu64 "m%02" PRIu64 "s", s / 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%" PRIu64 "h%02" PRIu64 "m", s / 3600, (s % 3600) / 60);
  }
  return buf;
}

std::string progress_text(const RunState& st, double elapsed, std::optional<uint64_t> total) {
  uint64_t done = st.done.load();
  double rate = elapsed > 0 ? done / elapsed : 0.0;
  char buf[160];
  std::snprintf(buf, sizeof buf, "listed %" PRIu64 ", done %" PRIu64 ", errors %" PRIu64 ", %.0f headers/s, elapsed %s",
                st.listed.load(), done, st.errors.load(), rate, human_duration(elapsed).c_str());
  std::string text = buf;
  if (total) {
    uint64_t finished = done + st.resumed.load();
    uint64_t left = *total > finished ? *total - finished : 0;
    text += ", " + std::to_string(left) + " to go";
    if (rate > 0) text += ", ETA " + human_duration(left / rate);
  }
  return text;
}

void print_progress(const RunState& st, Clock::time_point start, bool final_line) {
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  std::optional<uint64_t> total;
  if (st.listing_done.load() && !final_line) total = st.listed.load();
  std::fprintf(stderr, "\r\033[K%s%s", progress_text(st, elapsed, total).c_str(), final_line ? "\n" : "");
  std::fflush(stderr);
}

void watch_run(const HeadersOptions& options, RunState& st, Clock::time_point start,
               const std::atomic<bool>& finished) {
  // The key count, for the ETA: a key list can be long, so it is counted aside.
  std::atomic<bool> counted{false};
  std::optional<uint64_t> key_count;
  std::thread counter;
  bool reporting = options.show_progress || options.progress_interval_seconds > 0;
  if (reporting && !options.keys_file.empty() && options.keys_file != "-") {
    counter = std::thread([&] {
      key_count = count_keys(options, finished);
      counted = true;
    });
  }
  auto total = [&]() -> std::optional<uint64_t> {
    if (st.listing_done.load()) return st.listed.load();
    if (counted.load() && key_count) return *key_count;
    return std::nullopt;
  };
  uint64_t last_activity = 0;
  auto last_change = Clock::now();
  auto next_report = start + std::chrono::duration_cast<Clock::duration>(
                                 std::chrono::duration<double>(options.progress_interval_seconds));
  while (!finished.load()) {
    double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    if (options.show_progress) {
      std::fprintf(stderr, "\r\033[K%s", progress_text(st, elapsed, total()).c_str());
      std::fflush(stderr);
    } else if (options.progress_interval_seconds > 0 && Clock::now() >= next_report) {
      log::info("progress: " + progress_text(st, elapsed, total()));
      while (next_report <= Clock::now()) {
        next_report += std::chrono::duration_cast<Clock::duration>(
            std::chrono::duration<double>(options.progress_interval_seconds));
      }
    }
    for (int i = 0; i < 5 && !finished.load(); ++i) {
      if (options.stop && options.stop->load() && !st.failed.load()) st.fail(Error{ErrorKind::internal, kRunStopped});
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
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
  if (counter.joinable()) counter.join();
}

}  // namespace td::pipeline
