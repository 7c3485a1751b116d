#include "pipeline/run_cleanup.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <map>
#include <new>
#include <thread>
#include <unordered_set>

#include "util/log.h"

namespace td::pipeline {

struct RunCleanup::State {
  std::timed_mutex commit_mu;  // held by hold()
  std::mutex mu;               // guards temps and actions; exit_now keeps it
  std::unordered_set<std::string> temps;
  std::map<int, std::function<void()>> actions;
  int next_id = 0;
};

RunCleanup& RunCleanup::instance() {
  // Placement into static storage: never destroyed, so the signal thread can
  // use it while exit() runs destructors.
  alignas(RunCleanup) static unsigned char storage[sizeof(RunCleanup)];
  static RunCleanup* const cleanup = ::new (storage) RunCleanup();
  return *cleanup;
}

RunCleanup::State& RunCleanup::state() const {
  alignas(State) static unsigned char storage[sizeof(State)];
  static State* const s = ::new (storage) State();
  return *s;
}

void RunCleanup::add_temp(const std::string& path) {
  std::lock_guard lock(state().mu);
  state().temps.insert(path);
}

void RunCleanup::drop_temp(const std::string& path) {
  std::lock_guard lock(state().mu);
  state().temps.erase(path);
}

int RunCleanup::add_action(std::function<void()> action) {
  std::lock_guard lock(state().mu);
  int id = state().next_id++;
  state().actions.emplace(id, std::move(action));
  return id;
}

void RunCleanup::remove_action(int id) {
  std::lock_guard lock(state().mu);
  state().actions.erase(id);
}

bool RunCleanup::has_output() const {
  std::lock_guard lock(state().mu);
  return !state().actions.empty();
}

std::unique_lock<std::timed_mutex> RunCleanup::hold() { return std::unique_lock(state().commit_mu); }

void RunCleanup::exit_now(int code, const std::string& line) {
  State& s = state();
  // Let a commit in progress finish (a rename pair), but never wait on a
  // stuck file system for long.
  (void)s.commit_mu.try_lock_for(std::chrono::seconds(5));
  s.mu.lock();  // kept: no temporary is recorded (or created) after this
  for (const auto& path : s.temps) ::unlink(path.c_str());
  for (auto& [id, action] : s.actions) action();
  log::final_line(line);
  ::_exit(code);
}

void install_signal_handling() {
  ::signal(SIGPIPE, SIG_IGN);
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old {};
    if (::sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;  // nohup, `cmd &`
    sigaddset(&set, sig);
  }
  ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::thread([set] {
    int sig = 0;
    while (::sigwait(&set, &sig) != 0) {
    }
    const char* name = sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : sig == SIGHUP ? "SIGHUP" : "a signal";
    RunCleanup& cleanup = RunCleanup::instance();
    std::string line = std::string("interrupted by ") + name;
    if (cleanup.has_output()) line += ": temporary files removed, committed parts kept; rerun with --resume to continue";
    cleanup.exit_now(128 + sig, line);
  }).detach();
}

}  // namespace td::pipeline
