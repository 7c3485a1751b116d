#include "pipeline/watchdog.h"

#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>

#include "pipeline/run_cleanup.h"

namespace td::pipeline {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

void print_progress(const RunState& st, Clock::time_point start, bool final_line) {
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  uint64_t done = st.done.load();
  std::fprintf(stderr, "\r\033[Klisted %llu  done %llu  errors %llu  %.0f headers/s  %.1fs%s",
               static_cast<unsigned long long>(st.listed.load()), static_cast<unsigned long long>(done),
               static_cast<unsigned long long>(st.errors.load()), elapsed > 0 ? done / elapsed : 0.0, elapsed,
               final_line ? "\n" : "");
  std::fflush(stderr);
}

void watch_run(const HeadersOptions& options, const RunState& st, Clock::time_point start,
               const std::atomic<bool>& finished) {
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
}

}  // namespace td::pipeline
