// Watchdog of a `headers` run: the live progress line (options.show_progress)
// and the guard that the run never hangs. Consumes the RunState counters and
// produces nothing but the progress line on stderr. Every transfer has its
// own timeouts; this catches whatever slips past them: when no object is
// listed, skipped or done for options.stall_timeout_seconds, it ends the
// process at once (RunCleanup::exit_now, exit code 1, one line on stderr;
// only committed parts remain, no manifest claims the run complete).
// Threads: runs on the caller's thread, waking every 0.5 s (in 0.1 s steps).
// Ends when `finished` is set.
#pragma once

#include <atomic>
#include <chrono>

#include "pipeline/headers_run.h"
#include "pipeline/run_state.h"

namespace td::pipeline {

// The progress line (`final_line`: ended by a newline) for a run started at `start`.
void print_progress(const RunState& st, std::chrono::steady_clock::time_point start, bool final_line);

// Prints progress and watches for a stall until `finished` is set.
void watch_run(const HeadersOptions& options, const RunState& st, std::chrono::steady_clock::time_point start,
               const std::atomic<bool>& finished);

}  // namespace td::pipeline
