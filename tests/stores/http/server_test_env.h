// What run_server_tests.py started, passed through the environment, plus
// small helpers shared by the server tests. Tests skip when it is absent
// (running the binary by hand without servers).
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace td::testing {

struct ServerEnv {
  std::string http, https, norange, fault;     // base URLs, ending with '/'
  std::string ca;                              // the test CA's PEM
  std::string data;                            // the directory nginx serves
  std::string http_log, https_log, norange_log;  // nginx access logs
};

inline const ServerEnv* server_env() {
  static const ServerEnv* env = [] () -> const ServerEnv* {
    auto get = [](const char* name) { const char* v = std::getenv(name); return std::string(v ? v : ""); };
    static ServerEnv e{get("TD_HTTP_URL"), get("TD_HTTPS_URL"), get("TD_NORANGE_URL"), get("TD_FAULT_URL"),
                       get("TD_CA_PEM"), get("TD_DATA_DIR"), get("TD_HTTP_LOG"), get("TD_HTTPS_LOG"),
                       get("TD_NORANGE_LOG")};
    return e.http.empty() ? nullptr : &e;
  }();
  return env;
}

#define REQUIRE_SERVERS()                                                                \
  if (::td::testing::server_env() == nullptr) GTEST_SKIP() << "servers not started (run via run_server_tests.py)"; \
  const ::td::testing::ServerEnv& env = *::td::testing::server_env(); \
  (void)env

inline std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

// One nginx access-log line: see tests/servers/nginx.py LOG_FIELDS.
struct LogEntry {
  std::string connection, connection_requests, status, body_bytes_sent, method, request_uri, range, protocol;
};

inline std::vector<LogEntry> read_access_log(const std::string& path) {
  std::vector<LogEntry> out;
  std::ifstream f(path);
  std::string line;
  while (std::getline(f, line)) {
    std::vector<std::string> p;
    std::stringstream ss(line);
    std::string field;
    while (std::getline(ss, field, '\t')) p.push_back(field);
    if (p.size() == 8) out.push_back({p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7]});
  }
  return out;
}

// Entries whose request URI contains `tag`, and how many connections they used.
inline std::vector<LogEntry> log_entries_tagged(const std::string& path, const std::string& tag) {
  std::vector<LogEntry> out;
  for (auto& e : read_access_log(path)) {
    if (e.request_uri.find(tag) != std::string::npos) out.push_back(e);
  }
  return out;
}

inline size_t distinct_connections(const std::vector<LogEntry>& entries) {
  std::set<std::string> c;
  for (const auto& e : entries) c.insert(e.connection);
  return c.size();
}

// Figures the runner collects into its summary.
inline void figure(const std::string& name, const std::string& value) {
  std::printf("[figure] %s = %s\n", name.c_str(), value.c_str());
  std::fflush(stdout);
}

}  // namespace td::testing
