#include "util/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>

#include "util/redact.h"

namespace td::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::info)};
std::mutex g_mu;
}  // namespace

void set_level(Level level) { g_level = static_cast<int>(level); }
bool enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

void write(Level level, const std::string& message) {
  if (!enabled(level)) return;
  static const char* names[] = {"debug", "info", "warning", "error"};
  std::string safe = redact(message);  // no secret reaches a log line, whatever path built it
  std::lock_guard lock(g_mu);
  std::fprintf(stderr, "%s: %s\n", names[static_cast<int>(level)], safe.c_str());
}

}  // namespace td::log
