#include "http/engine.h"

#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <future>
#include <mutex>
#include <queue>
#include <random>
#include <string_view>
#include <thread>

#include "util/log.h"
#include "util/version.h"

namespace td::http {

std::optional<std::string> Response::header(const std::string& lowercase_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lowercase_name) return value;
  }
  return std::nullopt;
}

bool is_retryable_status(long status) {
  return status == 408 || status == 429 || (status >= 500 && status != 501 && status != 505);
}

std::optional<long> parse_retry_after(const std::string& value, long now_epoch_seconds) {
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return std::nullopt;
    return std::stol(value);
  }
  std::time_t when = curl_getdate(value.c_str(), nullptr);
  if (when < 0) return std::nullopt;
  return std::max<long>(0, static_cast<long>(when) - now_epoch_seconds);
}

std::string redact_url(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    auto at = out.find('@', scheme + 3);
    auto slash = out.find('/', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash)) out.erase(scheme + 3, at - scheme - 2);
  }
  return out;
}

namespace {

using Clock = std::chrono::steady_clock;

// curl_global_init once per process, before any thread uses curl.
void init_curl_once() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Transport errors worth another attempt. TLS and URL errors are not transient.
// A 206 body shorter than its Content-Range was cut short: curl cannot tell
// when the body is delimited by the connection's close (no Content-Length).
bool short_partial_body(const Response& r, uint64_t body_bytes) {
  auto cr = r.header("content-range");
  if (!cr || cr->rfind("bytes ", 0) != 0) return false;
  const char* p = cr->data() + 6;
  const char* end = cr->data() + cr->size();
  uint64_t first = 0, last = 0;
  auto a = std::from_chars(p, end, first);
  if (a.ec != std::errc() || a.ptr == end || *a.ptr != '-') return false;
  auto b = std::from_chars(a.ptr + 1, end, last);
  if (b.ec != std::errc() || last < first) return false;
  return body_bytes < last - first + 1;
}

// A 200 answer to a ranged GET (Range ignored) that ended before the wanted
// window with nothing to frame it (HTTP/1.x, no Content-Length, not chunked:
// the connection's close ends it) may have been cut short by the network;
// only another attempt can tell. HTTP/2 frames every body.
bool short_unframed_body(const Response& r, const Request& request, uint64_t body_bytes, long http_version) {
  if (request.range_length == 0 || http_version >= CURL_HTTP_VERSION_2_0) return false;
  if (r.header("content-length")) return false;
  if (auto te = r.header("transfer-encoding"); te && te->find("chunked") != std::string::npos) return false;
  return body_bytes < request.range_offset + request.range_length;
}

bool is_retryable_curl(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
      return true;
    default:
      return false;
  }
}

// The server's certificate is not trusted: a configuration problem.
bool is_tls_trust_error(CURLcode code) {
  return code == CURLE_PEER_FAILED_VERIFICATION || code == CURLE_SSL_CACERT_BADFILE ||
         code == CURLE_SSL_ISSUER_ERROR || code == CURLE_SSL_PINNEDPUBKEYNOTMATCH;
}

struct Transfer {
  Request request;
  DoneFn done;
  PrepareFn prepare;
  int attempt = 0;
  Clock::time_point due;  // when a retry may start
  // Per-attempt state.
  CURL* easy = nullptr;
  curl_slist* header_list = nullptr;
  Response response;
  uint64_t body_seen = 0;  // body bytes of the current response (after a redirect: of the last one)
  bool capped = false;  // stopped on purpose with what was wanted in hand: a success
  std::optional<Error> refused;  // stopped on purpose: a body past its cap or budget
  bool special_method = false;  // not a GET: its handle needs a reset before reuse
  uint64_t max_discard_bytes = 0;
  uint64_t wire_total = 0;  // body bytes received over every attempt so far
  char error_buffer[CURL_ERROR_SIZE] = {0};
};

// Keeps the part of a body chunk that lies in [from, from + want) of the
// body, where the chunk starts at body offset `pos`.
void keep_slice(std::string& body, const char* data, size_t len, uint64_t pos, uint64_t from, uint64_t want) {
  uint64_t lo = std::max(pos, from), hi = std::min<uint64_t>(pos + len, from + want);
  if (hi > lo) body.append(data + (lo - pos), hi - lo);
}

// Bounds what a response costs in memory, whatever the server sends (see
// Request): returning short of `len` stops the transfer.
size_t on_body(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  const Request& r = t->request;
  Response& resp = t->response;
  uint64_t pos = t->body_seen;
  t->body_seen += len;
  resp.wire_bytes += len;
  if (r.range_length == 0) {
    if (r.max_body_bytes > 0 && t->body_seen > r.max_body_bytes) {
      t->refused = Error{ErrorKind::limit_exceeded, "the response body exceeds " + std::to_string(r.max_body_bytes) +
                                                        " bytes, the cap for one response "
                                                        "(a listing page or document this large is refused)"};
      return 0;
    }
    resp.body.append(data, len);
    return len;
  }
  long status = 0;
  curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &status);
  uint64_t from = 0, want = r.range_length;
  if (status == 200) {
    // Range ignored: the body is the object from byte 0. Discard up to the
    // wanted offset as it streams; give up at once if that is past the budget.
    from = r.range_offset;
    resp.body_offset = r.range_offset;
    if (from > t->max_discard_bytes) {
      t->refused = Error{ErrorKind::limit_exceeded,
                         "the server ignored Range (HTTP 200 from byte 0) and the wanted bytes start at offset " +
                             std::to_string(from) + ", past the discard budget of " +
                             std::to_string(t->max_discard_bytes) + " bytes (--max-discard-bytes)"};
      return 0;
    }
  } else if (status != 206) {
    want = kMaxErrorBodyBytes;  // an error document: its start says enough
  }
  keep_slice(resp.body, data, len, pos, from, want);
  // Stop only when data goes *past* the window: a body that ends exactly at
  // it (every satisfied Range) completes normally and keeps its connection.
  if (t->body_seen > from + want) {
    t->capped = true;
    return 0;
  }
  return len;
}

size_t on_header(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t len = size * n;
  std::string_view line(data, len);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (line.substr(0, 5) == "HTTP/") {
    // A new response (after 100-continue or a redirect): its body starts afresh.
    t->response.headers.clear();
    t->response.body.clear();
    t->response.body_offset = 0;
    t->body_seen = 0;
    return len;
  }
  auto colon = line.find(':');
  if (colon == std::string_view::npos) return len;
  std::string name(line.substr(0, colon));
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t v = colon + 1;
  while (v < line.size() && (line[v] == ' ' || line[v] == '\t')) ++v;
  t->response.headers.emplace_back(std::move(name), std::string(line.substr(v)));
  return len;
}

}  // namespace

class Engine::Loop {
 public:
  explicit Loop(EngineOptions options) : options_(std::move(options)), rng_(std::random_device{}()) {
    init_curl_once();
    multi_ = curl_multi_init();
    curl_multi_setopt(multi_, CURLMOPT_PIPELINING, CURLPIPE_MULTIPLEX);
    curl_multi_setopt(multi_, CURLMOPT_MAX_TOTAL_CONNECTIONS, static_cast<long>(options_.max_in_flight));
    thread_ = std::thread([this] { run(); });
  }

  ~Loop() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    curl_multi_wakeup(multi_);
    thread_.join();
    for (const IdleHandle& h : idle_handles_) curl_easy_cleanup(h.easy);
    curl_multi_cleanup(multi_);
  }

  void submit(std::unique_ptr<Transfer> t) {
    bool wake = false;
    {
      std::lock_guard lock(mu_);
      incoming_.push_back(std::move(t));
      ++pending_;
      // One wake-up (a write to curl's socketpair) per batch, none from the
      // loop's own callbacks: it looks at incoming_ before it polls again.
      if (!wake_pending_ && std::this_thread::get_id() != thread_.get_id()) wake = wake_pending_ = true;
    }
    if (wake) curl_multi_wakeup(multi_);
  }

  // Until every submitted transfer has run its callback.
  void wait_idle() {
    std::unique_lock lock(mu_);
    idle_cv_.wait(lock, [&] { return pending_ == 0; });
  }

  EngineStats stats() const {
    return EngineStats{requests_.load(), retries_.load(), bytes_received_.load()};
  }

 private:
  struct ByDue {
    bool operator()(const std::unique_ptr<Transfer>& a, const std::unique_ptr<Transfer>& b) const {
      return a->due > b->due;
    }
  };

  void run() {
    for (;;) {
      {
        std::lock_guard lock(mu_);
        wake_pending_ = false;  // a submit from now on wakes the poll below
        while (!incoming_.empty()) {
          waiting_.push_back(std::move(incoming_.front()));
          incoming_.pop_front();
        }
        if (stopping_ && waiting_.empty() && retries_due_.empty() && active_ == 0) return;
      }
      auto now = Clock::now();
      while (!retries_due_.empty() && retries_due_.top()->due <= now) {
        waiting_.push_back(std::move(const_cast<std::unique_ptr<Transfer>&>(retries_due_.top())));
        retries_due_.pop();
      }
      while (active_ < options_.max_in_flight && !waiting_.empty()) {
        start(std::move(waiting_.front()));
        waiting_.pop_front();
      }
      int running = 0;
      curl_multi_perform(multi_, &running);
      int left = 0;
      while (CURLMsg* msg = curl_multi_info_read(multi_, &left)) {
        if (msg->msg == CURLMSG_DONE) complete(msg->easy_handle, msg->data.result);
      }
      int timeout_ms = 100;
      if (!retries_due_.empty()) {
        auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(retries_due_.top()->due - Clock::now());
        timeout_ms = static_cast<int>(std::clamp<long>(wait.count(), 0, timeout_ms));
      }
      if (!waiting_.empty() && active_ < options_.max_in_flight) timeout_ms = 0;
      {
        std::lock_guard lock(mu_);
        if (!incoming_.empty()) timeout_ms = 0;  // submitted by this iteration's callbacks
      }
      curl_multi_poll(multi_, nullptr, 0, timeout_ms, nullptr);
    }
  }

  void start(std::unique_ptr<Transfer> t) {
    t->response = Response{};
    t->body_seen = 0;
    t->capped = false;
    t->refused.reset();
    t->max_discard_bytes = options_.max_discard_bytes;
    t->error_buffer[0] = 0;
    const Request* attempt = &t->request;
    if (t->prepare) {
      attempt_request_ = t->request;  // signed afresh per attempt, the original kept
      if (Status s = t->prepare(attempt_request_); !s.ok()) {
        finish(*t, s.error());
        return;
      }
      attempt = &attempt_request_;
    }
    const Request& r = *attempt;
    if (r.range_length > 0) t->response.body.reserve(std::min<uint64_t>(r.range_length, 1u << 20));
    t->special_method = r.method != "GET";
    CURL* e = take_handle(t->special_method);
    t->easy = e;
    curl_easy_setopt(e, CURLOPT_URL, r.url.c_str());
    curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
    curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
    curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->error_buffer);
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, r.follow_redirects ? 1L : 0L);
    // Redirects only to http(s), and never from https down to plain http
    // (curl itself would follow to ftp://, and downgrade).
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, r.url.rfind("https://", 0) == 0 ? "https" : "http,https");
    if (r.method == "HEAD") {
      curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else if (r.method != "GET") {
      curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
      curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, r.body.c_str());
    }
    curl_slist* list = nullptr;
    for (const auto& [name, value] : r.headers) list = curl_slist_append(list, (name + ": " + value).c_str());
    list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
    t->header_list = list;
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);
    t->attempt++;
    requests_++;
    active_++;
    curl_multi_add_handle(multi_, e);
    t.release();  // owned by the easy handle's CURLOPT_PRIVATE until complete()
  }

  // An idle easy handle with the options every request shares. Setting them
  // once per handle rather than per request: curl_easy_reset plus two dozen
  // setopts was a measurable share of the loop thread. A handle that served a
  // HEAD or a body-carrying method is reset first.
  CURL* take_handle(bool special_method) {
    CURL* e = nullptr;
    if (!idle_handles_.empty()) {
      e = idle_handles_.back().easy;
      bool dirty = idle_handles_.back().special_method;
      idle_handles_.pop_back();
      if (!dirty && !special_method) return e;
      if (dirty) {
        curl_easy_reset(e);
        apply_shared_options(e);
      }
    } else {
      e = curl_easy_init();
      apply_shared_options(e);
    }
    return e;
  }

  void apply_shared_options(CURL* e) {
    // Send the path as built: object keys may hold "." and ".." segments, which curl
    // would squash (reading another object, or breaking the request's signature).
    curl_easy_setopt(e, CURLOPT_PATH_AS_IS, 1L);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
    curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, options_.connect_timeout_ms);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, options_.low_speed_limit_bytes);
    curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, options_.low_speed_time_s);
    if (options_.total_timeout_ms > 0) curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, options_.total_timeout_ms);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, options_.verify_tls ? 1L : 0L);
    curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, options_.verify_tls ? 2L : 0L);
    if (!options_.ca_bundle.empty()) curl_easy_setopt(e, CURLOPT_CAINFO, options_.ca_bundle.c_str());
    curl_easy_setopt(e, CURLOPT_MAXREDIRS, 5L);
    static const std::string agent = td::user_agent();
    curl_easy_setopt(e, CURLOPT_USERAGENT, agent.c_str());
  }

  void complete(CURL* e, CURLcode code) {
    Transfer* raw = nullptr;
    curl_easy_getinfo(e, CURLINFO_PRIVATE, reinterpret_cast<char**>(&raw));
    std::unique_ptr<Transfer> t(raw);
    curl_multi_remove_handle(multi_, e);
    curl_slist_free_all(t->header_list);
    t->header_list = nullptr;
    active_--;
    long status = 0;
    curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
    idle_handles_.push_back(IdleHandle{e, t->special_method});
    t->easy = nullptr;
    bytes_received_ += t->response.wire_bytes;
    t->wire_total += t->response.wire_bytes;

    if (code == CURLE_WRITE_ERROR && t->refused) {
      // Refusing a body is final: another attempt would meet the same body.
      finish(*t, Error{t->refused->kind, t->request.method + " " + redact_url(t->request.url) + ": " +
                                             t->refused->message});
      return;
    }
    if (code == CURLE_WRITE_ERROR && t->capped) code = CURLE_OK;
    if (code == CURLE_OK && status == 206 && !t->capped && short_partial_body(t->response, t->body_seen)) code = CURLE_PARTIAL_FILE;
    if (code == CURLE_OK && status == 200 && !t->capped && t->attempt <= options_.max_retries) {
      // Retried while attempts remain; the last one is taken as the object's end.
      long version = 0;
      curl_easy_getinfo(e, CURLINFO_HTTP_VERSION, &version);
      if (short_unframed_body(t->response, t->request, t->body_seen, version)) code = CURLE_PARTIAL_FILE;
    }
    bool retry = code == CURLE_OK ? is_retryable_status(status) : is_retryable_curl(code);
    if (retry && t->attempt <= options_.max_retries) {
      long delay_ms = backoff_ms(t->attempt);
      if (code == CURLE_OK) {
        if (auto ra = t->response.header("retry-after")) {
          if (auto seconds = parse_retry_after(*ra, static_cast<long>(std::time(nullptr)))) {
            delay_ms = std::min<long>(*seconds * 1000, 60000);
          }
        }
      }
      retries_++;
      if (log::enabled(log::Level::debug)) {  // --loud: every retry and its cause
        std::string cause;
        if (code == CURLE_OK) {
          cause = "HTTP " + std::to_string(status);
        } else if (code == CURLE_PARTIAL_FILE) {
          cause = "body cut short (" + std::to_string(t->body_seen) + " bytes)";
        } else {
          cause = t->error_buffer[0] ? std::string(t->error_buffer) : std::string(curl_easy_strerror(code));
        }
        log::debug("retry " + std::to_string(t->attempt) + "/" + std::to_string(options_.max_retries) + " of " +
                   t->request.method + " " + redact_url(t->request.url) + " in " + std::to_string(delay_ms) +
                   " ms: " + cause);
      }
      t->due = Clock::now() + std::chrono::milliseconds(delay_ms);
      retries_due_.push(std::move(t));
      return;
    }
    if (code != CURLE_OK) {
      std::string detail = t->error_buffer[0] ? t->error_buffer : curl_easy_strerror(code);
      std::string tries = t->attempt > 1 ? " (after " + std::to_string(t->attempt) + " attempts)" : "";
      std::string what = t->request.method + " " + redact_url(t->request.url) + ": " + detail + tries;
      if (code == CURLE_OPERATION_TIMEDOUT) {
        what += " (per-attempt limits: the `timeout` store option, " + std::to_string(options_.total_timeout_ms) +
                " ms; under " + std::to_string(options_.low_speed_limit_bytes) + " B/s for " +
                std::to_string(options_.low_speed_time_s) + " s)";
      }
      if (code == CURLE_UNSUPPORTED_PROTOCOL && t->request.follow_redirects) {
        what += " (redirects are followed only to http/https, and from https only to https)";
      }
      if (is_tls_trust_error(code)) {
        // Every request to this store would fail the same way: a setup error, not an object's.
        finish(*t, Error{ErrorKind::config, what + " (give your CA's PEM file with the ca_bundle option, "
                                                "or set allow_invalid_certificates: true)"});
        return;
      }
      if (code == CURLE_COULDNT_CONNECT || code == CURLE_COULDNT_RESOLVE_HOST) {
        // No server there even after every retry: the store is down or misnamed, which
        // fails the run (exit 1, resumable), never one object.
        finish(*t, Error{ErrorKind::config, what + " (the store is unreachable: check the endpoint and that the "
                                                "server is up)"});
        return;
      }
      finish(*t, Error{ErrorKind::io, what});
      return;
    }
    t->response.status = status;
    t->response.wire_bytes = t->wire_total;  // every attempt's bytes, not only the last one's
    finish(*t, std::move(t->response));
  }

  // Runs the transfer's callback, then counts it out (wait_idle watches that).
  void finish(Transfer& t, Result<Response> result) {
    t.done(std::move(result));
    std::lock_guard lock(mu_);
    --pending_;
    if (pending_ == 0) idle_cv_.notify_all();
  }

  // Exponential backoff with full jitter: uniform in [0, min(max, base * 2^attempt)].
  long backoff_ms(int attempt) {
    long cap = options_.backoff_base_ms << std::min(attempt, 20);
    cap = std::min(cap, options_.backoff_max_ms);
    std::uniform_int_distribution<long> dist(cap / 4, std::max<long>(cap, 1));
    return dist(rng_);
  }

  EngineOptions options_;
  CURLM* multi_ = nullptr;
  std::thread thread_;
  std::mutex mu_;
  std::deque<std::unique_ptr<Transfer>> incoming_;  // guarded by mu_
  bool stopping_ = false;                           // guarded by mu_
  bool wake_pending_ = false;                       // guarded by mu_: a wake-up is on its way
  size_t pending_ = 0;                              // guarded by mu_: submitted, callback not yet run
  std::condition_variable idle_cv_;
  // Loop-thread only:
  std::deque<std::unique_ptr<Transfer>> waiting_;
  std::priority_queue<std::unique_ptr<Transfer>, std::vector<std::unique_ptr<Transfer>>, ByDue> retries_due_;
  struct IdleHandle {
    CURL* easy;
    bool special_method;  // served a HEAD, PUT, POST...: options to reset before a GET
  };
  std::vector<IdleHandle> idle_handles_;
  size_t active_ = 0;
  Request attempt_request_;  // backing storage is copied by curl (URL, headers) per attempt
  std::mt19937_64 rng_;
  std::atomic<uint64_t> requests_{0}, retries_{0}, bytes_received_{0};
};

Engine::Engine(EngineOptions options) {
  options.max_in_flight = std::max<size_t>(1, options.max_in_flight);
  size_t n = options.loops;
  if (n == 0) n = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  n = std::min(n, options.max_in_flight);
  for (size_t i = 0; i < n; ++i) {
    EngineOptions mine = options;
    mine.max_in_flight = options.max_in_flight / n + (i < options.max_in_flight % n ? 1 : 0);
    loops_.push_back(std::make_unique<Loop>(std::move(mine)));
  }
}

Engine::~Engine() {
  // A callback on one loop may submit to another (an object's next read):
  // wait until a whole pass finds every loop idle, then stop them.
  for (;;) {
    size_t before = submitted_.load();
    for (auto& loop : loops_) loop->wait_idle();
    if (submitted_.load() == before) break;
  }
}

void Engine::submit(Request request, DoneFn done, PrepareFn prepare) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  t->prepare = std::move(prepare);
  submitted_++;
  loops_[next_loop_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->submit(std::move(t));
}

Result<Response> Engine::perform(Request request, PrepareFn prepare) {
  // The callback shares ownership of the promise: set_value may still be
  // running on the loop thread when get() returns here.
  auto promise = std::make_shared<std::promise<Result<Response>>>();
  auto future = promise->get_future();
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = [promise](Result<Response> r) { promise->set_value(std::move(r)); };
  t->prepare = std::move(prepare);
  submitted_++;
  loops_.front()->submit(std::move(t));
  return future.get();
}

EngineStats Engine::stats() const {
  EngineStats total;
  for (const auto& loop : loops_) {
    EngineStats s = loop->stats();
    total.requests += s.requests;
    total.retries += s.retries;
    total.bytes_received += s.bytes_received;
  }
  return total;
}

}  // namespace td::http
