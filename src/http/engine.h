// One HTTP engine for every store: libcurl's multi interface driven by
// event-loop threads (one per core by default, each with its own
// connections; whatever a callback does runs on its loop's thread).
// Keep-alive connection reuse, HTTP/2 where offered, many requests in flight,
// TLS verification on by default, connect, low-speed and per-attempt time
// limits, bounded bodies (see Request), redirects only to http(s), and retries
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

// The largest body a request without a range window keeps (listing pages,
// token and error documents): a longer one fails the request with
// `limit_exceeded` instead of being buffered whole.
inline constexpr uint64_t kMaxResponseBodyBytes = 64ull << 20;
// What a ranged GET keeps of a response that is neither 200 nor 206 (an
// error document, for its message); the rest is not read.
inline constexpr uint64_t kMaxErrorBodyBytes = 64ull << 10;

struct Request {
  std::string method = "GET";
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // name, value
  std::string body;
  // Ranged GET window (range_length > 0): the object bytes [range_offset,
  // range_offset + range_length) asked for with a Range header. Whatever the
  // server does, the engine keeps at most range_length bytes and stops the
  // transfer once they are in hand:
  //   206: the first range_length bytes of the body (a longer body is cut);
  //   200 (Range ignored, the body is the object from byte 0): the bytes
  //        before range_offset are discarded as they stream in; when
  //        range_offset lies past EngineOptions::max_discard_bytes the request
  //        fails at once with `limit_exceeded` (the range is unreachable);
  //   other statuses: the first kMaxErrorBodyBytes (an error document).
  uint64_t range_offset = 0;
  uint64_t range_length = 0;
  // Without a window: a body longer than this fails the request with
  // `limit_exceeded` (it is never buffered whole). 0: no cap.
  uint64_t max_body_bytes = kMaxResponseBodyBytes;
  // Follow up to 5 redirects, only to http/https (only https from an https
  // URL). curl sends Authorization (and URL user info) to the original
  // host and port only; other credential headers would follow the redirect,
  // so never set this on signed requests.
  bool follow_redirects = false;
};

struct Response {
  long status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lowercased
  std::string body;
  // Object offset of body[0]: range_offset for a 200 whose leading bytes the
  // engine discarded (a ranged request the server answered from byte 0), else 0.
  uint64_t body_offset = 0;
  // Body bytes received on the wire over every attempt of this request
  // (retried ones too), including bytes discarded or cut: what it really cost.
  uint64_t wire_bytes = 0;
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
  // Time limit of one attempt, connect to last byte (the `timeout` store
  // option). A server trickling bytes beats the low-speed limit; this does
  // not. Timed-out attempts are retried like other transport errors, then the
  // request fails (kind io). 0: none.
  long total_timeout_ms = 60000;
  // Bytes a ranged GET may discard when a server ignores Range (see
  // Request::range_offset); the CLI sets 4 x --max-header-bytes.
  uint64_t max_discard_bytes = 64ull << 20;
  bool verify_tls = true;
  std::string ca_bundle;                // PEM file of extra/private CAs; empty: system store
  int max_retries = 5;                  // per request (the per-object retry budget)
  long backoff_base_ms = 100;
  long backoff_max_ms = 15000;
};

struct EngineStats {
  uint64_t requests = 0;   // attempts, including retries
  uint64_t retries = 0;
  uint64_t bytes_received = 0;  // body bytes on the wire, discarded ones included
};

// Called before every attempt (first and retries): signers set Date and
// Authorization here, so a retried request is signed afresh.
using PrepareFn = std::function<Status(Request&)>;
// The final outcome: a Response with any status once retries are exhausted
// or the status is not retryable; an Error for transport failures: kind
// `config` when the server's TLS certificate is not trusted (every request
// would fail alike), `limit_exceeded` when a body passes its cap or a ranged
// read's discard budget (see Request), `io` otherwise (timeouts included).
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
