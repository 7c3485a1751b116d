// Minimal leveled logging to stderr, safe from many threads. `--quiet` keeps
// only warnings and errors, `--loud` adds debug lines.
#pragma once

#include <string>

namespace td::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(Level level);
bool enabled(Level level);
void write(Level level, const std::string& message);
// Prints `line` ("error: line") as the last line: every later write is dropped.
// For a process about to _exit (signal, watchdog).
void final_line(const std::string& line);

inline void debug(const std::string& m) { if (enabled(Level::debug)) write(Level::debug, m); }
inline void info(const std::string& m) { write(Level::info, m); }
inline void warn(const std::string& m) { write(Level::warn, m); }
inline void error(const std::string& m) { write(Level::error, m); }

}  // namespace td::log
