// Watchdog of a `headers` run: the progress report and the guard that the run
// never hangs. Consumes the RunState counters and produces nothing but
// progress lines on stderr:
//   - options.show_progress (stderr is a terminal): a live line, rewritten
//     every 0.5 s, with an ETA once the total is known;
//   - options.progress_interval_seconds > 0 (stderr is a log: Slurm,
//     Kubernetes, CI): a plain `info: progress: ...` line that often.
// The total is known once the listing (key list) is exhausted, or, for a key
// list that is a regular file, once a helper thread has counted its keys
// (those of this shard).
// Every transfer has its own timeouts; the watchdog catches whatever slips
// past them: when no object is listed, skipped or done for
// options.stall_timeout_seconds, it ends the process at once
// (RunCleanup::exit_now, exit code 1, one line on stderr; only committed parts
// remain, no manifest claims the run complete).
// options.stop, once set, fails the run (RunState::fail, kRunStopped) so every
// stage winds down; the stall guard keeps watching while they do.
// Threads: runs on the caller's thread, waking every 0.5 s (in 0.1 s steps),
// plus the key-counting thread, joined before it returns.
// Ends when `finished` is set.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "pipeline/headers_run.h"
#include "pipeline/run_state.h"

namespace td::pipeline {

// The live progress line (`final_line`: ended by a newline) for a run started at `start`.
void print_progress(const RunState& st, std::chrono::steady_clock::time_point start, bool final_line);

// "listed 120, done 100, errors 2, 50 headers/s, elapsed 2.0s[, ETA 10s]": the
// counters, the rate, and an ETA when `total` (objects of this run) is known.
std::string progress_text(const RunState& st, double elapsed_seconds, std::optional<uint64_t> total);

// "45s", "3m05s", "2h03m": a duration for people.
std::string human_duration(double seconds);

// Prints progress and watches for a stall until `finished` is set.
void watch_run(const HeadersOptions& options, RunState& st, std::chrono::steady_clock::time_point start,
               const std::atomic<bool>& finished);

}  // namespace td::pipeline
