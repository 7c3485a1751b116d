#include "util/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "util/redact.h"
#include <unistd.h>

namespace td::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
constexpr int kSilent = 99;
std::mutex g_mu;
}  // namespace

void set_level(Level level) { g_level = static_cast<int>(level); }
bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void write(Level level, const std::string& message) {
  if (!enabled(level)) return;
  static const char* names[] = {"debug", "info", "warning", "error"};
  std::string safe = redact(message);  // no secret reaches a log line, whatever path built it
  std::lock_guard lock(g_mu);
  if (!enabled(level)) return;  // final_line() came first
  std::fprintf(stderr, "%s: %s\n", names[static_cast<int>(level)], safe.c_str());
}

void final_line(const std::string& line) {
  std::lock_guard lock(g_mu);
  g_level = kSilent;
  // On a terminal, first clear a progress line the run may have left.
  std::fprintf(stderr, "%serror: %s\n", ::isatty(STDERR_FILENO) ? "\r\033[K" : "", line.c_str());
  std::fflush(stderr);
}

}  // namespace td::log
