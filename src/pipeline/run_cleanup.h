// What an abrupt end of a run must undo. A signal (SIGINT, SIGTERM, SIGHUP)
// or the watchdog ends the process at once, from another thread, while the
// writer may be mid-part: this records the run's temporary files (hidden
// `.part-*.tmp`, manifest temporaries) and the output locks it holds, so
// exit_now() can remove the temporaries, release the locks and leave with one
// line on stderr. Committed parts are never touched: the rename that commits
// one runs under hold(), so an exit sees a part either committed or not.
#pragma once

#include <functional>
#include <mutex>
#include <string>

namespace td::pipeline {

class RunCleanup {
 public:
  // The process-wide instance; never destroyed (a signal may arrive while
  // static destructors run).
  static RunCleanup& instance();

  // Records `path` as a temporary to delete on an abrupt exit. Call before the
  // file is created. Blocks forever once exit_now() has begun.
  void add_temp(const std::string& path);
  // Forgets `path` (it was renamed into place or deleted).
  void drop_temp(const std::string& path);

  // Registers an action run by exit_now() after the temporaries are gone
  // (releasing an output lock); returns an id for remove_action().
  int add_action(std::function<void()> action);
  void remove_action(int id);

  // Held around commit steps (renames): exit_now() waits for it (up to 5 s).
  std::unique_lock<std::timed_mutex> hold();

  // Removes every recorded temporary, runs the actions, prints `line` as the
  // process's last stderr line (later log lines are dropped) and calls
  // _exit(code). Safe to call from any thread, once; a second caller blocks.
  [[noreturn]] void exit_now(int code, const std::string& line);

  // Whether an output directory was prepared (a headers run is writing).
  bool has_output() const;

 private:
  RunCleanup() = default;
  struct State;
  State& state() const;
};

// Blocks SIGINT, SIGTERM and SIGHUP in every thread (call first in main,
// before any thread starts) except a detached one that waits for them and
// ends the run through RunCleanup::exit_now with 128 + the signal number
// (130, 143, 129). A signal the parent set to "ignore" (nohup, `cmd &`) stays
// ignored. SIGPIPE is ignored: a closed stdout/stderr pipe makes writes fail,
// never ends the run.
void install_signal_handling();

}  // namespace td::pipeline
