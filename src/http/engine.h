// One HTTP engine for every store: libcurl's multi interface driven by
// event-loop threads (one per core by default, each with its own
// connections; whatever a callback does runs on its loop's thread).
// Keep-alive connection reuse, HTTP/2 where offered, many requests in flight,
// TLS verification on by default, connect and low-speed timeouts, and retries
// with exponential backoff and full jitter on connection errors, timeouts,
// 429 and 5xx (honouring Retry-After).
//
// Thread-safe: submit() from any thread; callbacks run on a loop thread and
// must not wait on the engine (never call perform() from one).
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "util/status.h"

namespace td::http {

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  // Stop reading the body after this many bytes and succeed with what came
  // (a server that ignores Range must not make us download a whole object).
  // 0: no cap.
  uint64_t max_body_bytes = 0;
  bool follow_redirects = false;  // never for signed requests
};

struct Response {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  std::optional<std::string> header(const std::string& lowercase_name) const;
};

struct EngineOptions {
  size_t max_in_flight = 64;            // concurrent transfers
  // Event-loop threads sharing max_in_flight; 0: one per core (at most 8).
  // Completion callbacks (header parsing, row building) run on these threads,
  // so one loop would cap a run at one core.
  size_t loops = 0;
  long connect_timeout_ms = 10000;
  long low_speed_limit_bytes = 1;       // abort a transfer slower than this ...
  long low_speed_time_s = 30;           // ... for this long
  long total_timeout_ms = 0;            // 0: none
  bool verify_tls = true;
  std::string ca_bundle;                // PEM file of extra/private CAs; empty: system store
  int max_retries = 5;                  // per request (the per-object retry budget)
  long backoff_base_ms = 100;
  long backoff_max_ms = 15000;
};

struct EngineStats {
  uint64_t requests = 0;   // attempts, including retries
  uint64_t retries = 0;
  uint64_t bytes_received = 0;
};

// Called before every attempt (first and retries): signers set Date and
// Authorization here, so a retried request is signed afresh.
using PrepareFn = std::function<Status(Request&)>;
// The final outcome: a Response with any status once retries are exhausted
// or the status is not retryable; an Error for transport failures: kind
// `config` when the server's TLS certificate is not trusted (every request
// would fail alike), `io` otherwise.
using DoneFn = std::function<void(Result<Response>)>;

class Engine {
 public:
  explicit Engine(EngineOptions options);
  ~Engine();  // cancels nothing: waits for every request's callback, then stops
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  void submit(Request request, DoneFn done, PrepareFn prepare = {});  // spread over the loops
  // Blocking; always on the first loop, so sequential calls (listing pages)
  // reuse one connection.
  Result<Response> perform(Request request, PrepareFn prepare = {});
  EngineStats stats() const;

 private:
  class Loop;
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<size_t> next_loop_{0};
  std::atomic<uint64_t> submitted_{0};
};

// Whether a status is worth retrying (408, 429, 5xx except 501/505).
bool is_retryable_status(long status);

// Seconds to wait from a Retry-After value (delta-seconds or an HTTP date), if valid.
std::optional<long> parse_retry_after(const std::string& value, long now_epoch_seconds);

// "https://host/path" without the query string or user info: safe to log
// (query strings carry SAS tokens and presigned signatures).
std::string redact_url(const std::string& url);

}  // namespace td::http
