// The HTTP engine against real servers: nginx (HTTP, HTTPS with a test CA,
// a site that ignores Range) and the fault server (tests/servers/fault_server.py).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <random>
#include <thread>

#include <curl/curl.h>

#include "http/engine.h"
#include "server_test_env.h"
#include "store/common/transport_options.h"

namespace td::http {
namespace {

using td::testing::distinct_connections;
using td::testing::figure;
using td::testing::log_entries_tagged;
using td::testing::read_file;
using Clock = std::chrono::steady_clock;

Request ranged_get(const std::string& url, uint64_t offset, uint64_t length) {
  Request r;
  r.url = url;
  r.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  r.range_offset = offset;
  r.range_length = length;
  return r;
}

// nginx writes a request's log line after its last byte is sent, which can
// be after the client has the whole body: wait (up to 5 s) for `n` lines.
std::vector<td::testing::LogEntry> wait_for_entries(const std::string& log, const std::string& tag, size_t n) {
  auto entries = log_entries_tagged(log, tag);
  for (int i = 0; i < 50 && entries.size() < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    entries = log_entries_tagged(log, tag);
  }
  return entries;
}

TEST(EngineServer, RangedGetMatchesTheFile) {
  REQUIRE_SERVERS();
  std::string big = read_file(env.data + "/big.bin");
  Engine engine({});
  auto r = engine.perform(ranged_get(env.http + "big.bin", 1000, 4096));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, big.substr(1000, 4096));
  EXPECT_EQ(r->header("content-range"), "bytes 1000-5095/" + std::to_string(big.size()));
}

TEST(EngineServer, KeepAliveReusesOneConnection) {
  REQUIRE_SERVERS();
  Engine engine({});
  const int n = 300;
  for (int i = 0; i < n; ++i) {
    auto r = engine.perform(ranged_get(env.http + "big.bin?t=keepalive&i=" + std::to_string(i), i * 100, 100));
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->status, 206);
  }
  auto entries = wait_for_entries(env.http_log, "t=keepalive", n);
  ASSERT_EQ(entries.size(), static_cast<size_t>(n));
  size_t connections = distinct_connections(entries);
  figure("keepalive_sequential_requests", std::to_string(n));
  figure("keepalive_sequential_connections", std::to_string(connections));
  EXPECT_EQ(connections, 1u);
  EXPECT_EQ(engine.stats().requests, static_cast<uint64_t>(n));
}

// 500 ranged GETs submitted at once, max_in_flight 64: every body right, and
// at most 64 connections (HTTP/1.1) or a handful (HTTP/2 multiplexing).
void concurrent_reads(const std::string& base, const std::string& log, const std::string& ca, const std::string& tag) {
  const ::td::testing::ServerEnv& env = *::td::testing::server_env();
  std::string big = read_file(env.data + "/big.bin");
  EngineOptions o;
  o.max_in_flight = 64;
  o.ca_bundle = ca;
  Engine engine(o);
  const int n = 500;
  std::mt19937_64 rng(42);
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, wrong = 0;
  std::string first_error;
  auto start = Clock::now();
  for (int i = 0; i < n; ++i) {
    uint64_t len = 1 + rng() % 20000;
    uint64_t off = rng() % (big.size() - len);
    std::string expect = big.substr(off, len);
    engine.submit(ranged_get(base + "big.bin?t=" + tag + "&i=" + std::to_string(i), off, len),
                  [&, expect = std::move(expect)](Result<Response> r) {
                    std::lock_guard lock(mu);
                    if (!r.ok() || r->status != 206 || r->body != expect) {
                      ++wrong;
                      if (first_error.empty()) first_error = r.ok() ? "status " + std::to_string(r->status) : r.error().message;
                    }
                    if (++done == n) cv.notify_all();
                  });
  }
  {
    std::unique_lock lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(60), [&] { return done == n; }));
  }
  double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_EQ(wrong, 0) << first_error;
  auto entries = wait_for_entries(log, "t=" + tag, n);
  EXPECT_EQ(entries.size(), static_cast<size_t>(n));
  size_t connections = distinct_connections(entries);
  figure(tag + "_requests", std::to_string(n));
  figure(tag + "_connections", std::to_string(connections));
  figure(tag + "_protocol", entries.empty() ? "?" : entries[0].protocol);
  figure(tag + "_ms", std::to_string(static_cast<int>(ms)));
  EXPECT_LE(connections, 64u);
  EXPECT_GE(connections, 1u);
  EXPECT_EQ(engine.stats().retries, 0u);
}

TEST(EngineServer, ConcurrentRangedGetsHttp) {
  REQUIRE_SERVERS();
  concurrent_reads(env.http, env.http_log, "", "concurrent_http");
}

TEST(EngineServer, ConcurrentRangedGetsHttps) {
  REQUIRE_SERVERS();
  concurrent_reads(env.https, env.https_log, env.ca, "concurrent_https");
}

// TLS options go through the shared obstore-key mapping, as a store would.
Result<Response> get_with(const std::map<std::string, std::string>& config, const std::string& url) {
  EngineOptions o;
  o.max_retries = 1;
  o.backoff_base_ms = 1;
  if (Status s = store::apply_transport_options(config, o); !s.ok()) return s.error();
  Engine engine(o);
  return engine.perform(ranged_get(url, 0, 16));
}

// Chains of requests whose callbacks submit the next link (as an object's
// next read does), over 3 loops, with the engine destroyed right after the
// first links go out: the destructor waits for every link of every chain,
// wherever its loop; the stats add up over the loops.
TEST(EngineServer, DestructorWaitsForChainsAcrossLoops) {
  REQUIRE_SERVERS();
  const int chains = 20, links = 5;
  std::atomic<int> finished{0}, failed{0};
  {
    std::function<void(int, int)> step;  // outlives the engine: its callbacks call it
    EngineOptions o;
    o.max_in_flight = 12;
    o.loops = 3;
    Engine engine(o);
    step = [&](int chain, int link) {
      std::string url = env.http + "big.bin?t=chain&c=" + std::to_string(chain) + "&l=" + std::to_string(link);
      engine.submit(ranged_get(url, link * 10, 10), [&, chain, link](Result<Response> r) {
        if (!r.ok() || r->status != 206) failed++;
        if (link + 1 < links) {
          step(chain, link + 1);
        } else {
          finished++;
        }
      });
    };
    for (int c = 0; c < chains; ++c) step(c, 0);
  }  // ~Engine
  EXPECT_EQ(finished.load(), chains);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(log_entries_tagged(env.http_log, "t=chain").size(), static_cast<size_t>(chains * links));
}

TEST(EngineServer, HttpsWithCaBundleVerifies) {
  REQUIRE_SERVERS();
  auto r = get_with({{"ca_bundle", env.ca}}, env.https + "big.bin");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 206);
  EXPECT_EQ(r->body, read_file(env.data + "/big.bin").substr(0, 16));
}

TEST(EngineServer, HttpsWithoutCaFailsWithCertificateError) {
  REQUIRE_SERVERS();
  auto r = get_with({}, env.https + "big.bin");
  ASSERT_FALSE(r.ok()) << "status " << r->status;
  EXPECT_EQ(r.error().kind, ErrorKind::config);  // an untrusted certificate is a setup error
  EXPECT_NE(r.error().message.find("certificate"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find(env.https + "big.bin"), std::string::npos) << r.error().message;
  figure("tls_without_ca_error", r.error().message);
}

TEST(EngineServer, HttpsAllowInvalidCertificates) {
  REQUIRE_SERVERS();
  auto r = get_with({{"allow_invalid_certificates", "true"}}, env.https + "big.bin");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 206);
}

TEST(EngineServer, ServerIgnoringRangeIsCapped) {
  REQUIRE_SERVERS();
  std::string big = read_file(env.data + "/big.bin");
  Result<Response> r = Error{ErrorKind::internal, "not run"};
  EngineStats stats;
  {
    Engine engine({});
    r = engine.perform(ranged_get(env.norange + "big.bin?t=norange", 0, 65536));
    stats = engine.stats();
  }  // the capped transfer's connection is closed, so nginx logs the request
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);  // Range ignored
  EXPECT_EQ(r->body.size(), 65536u);
  EXPECT_EQ(r->body, big.substr(0, 65536));
  // Counted as received: whole chunks, so a little past the window.
  EXPECT_GE(stats.bytes_received, 65536u);
  EXPECT_LE(stats.bytes_received, 65536u + CURL_MAX_WRITE_SIZE);
  EXPECT_EQ(r->wire_bytes, stats.bytes_received);
  EXPECT_EQ(r->header("content-length"), std::to_string(big.size()));
  std::vector<td::testing::LogEntry> entries;
  for (int i = 0; i < 50 && entries.empty(); ++i) {
    entries = log_entries_tagged(env.norange_log, "t=norange");
    if (entries.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(entries.size(), 1u);
  figure("norange_object_bytes", std::to_string(big.size()));
  figure("norange_engine_body_bytes", std::to_string(r->body.size()));
  figure("norange_nginx_bytes_sent", entries[0].body_bytes_sent);
  EXPECT_LT(std::stoull(entries[0].body_bytes_sent), big.size());
}

TEST(EngineServer, ServerIgnoringRangeDiscardsTheBytesBefore) {
  REQUIRE_SERVERS();
  std::string big = read_file(env.data + "/big.bin");
  EngineOptions o;
  o.max_discard_bytes = 4 << 20;
  Engine engine(o);
  // Within the discard budget: the prefix streams past, only the range is kept.
  auto r = engine.perform(ranged_get(env.norange + "big.bin?t=discard", 3000000, 5000));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body_offset, 3000000u);
  EXPECT_EQ(r->body, big.substr(3000000, 5000));
  EXPECT_GE(r->wire_bytes, 3005000u);
  EXPECT_LE(r->wire_bytes, 3005000u + CURL_MAX_WRITE_SIZE);
  figure("norange_discard_wire_bytes", std::to_string(r->wire_bytes));
  // Past the budget: refused at once, not retried.
  auto far = engine.perform(ranged_get(env.norange + "big.bin?t=far", 6000000, 5000));
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.error().kind, ErrorKind::limit_exceeded);
  EXPECT_NE(far.error().message.find("ignored Range"), std::string::npos) << far.error().message;
  EXPECT_EQ(engine.stats().requests, 2u);
  EXPECT_LT(engine.stats().bytes_received, 3005000u + 2 * CURL_MAX_WRITE_SIZE);
}

TEST(EngineServer, BodyOverItsCapIsRefused) {
  REQUIRE_SERVERS();
  Engine engine({});
  Request r;
  r.url = env.http + "big.bin?t=bodycap";
  r.max_body_bytes = 1 << 20;  // a listing page's cap, say
  auto resp = engine.perform(r);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.error().kind, ErrorKind::limit_exceeded);
  EXPECT_NE(resp.error().message.find("exceeds 1048576 bytes"), std::string::npos) << resp.error().message;
  EXPECT_EQ(engine.stats().requests, 1u);
  EXPECT_LE(engine.stats().bytes_received, (1u << 20) + CURL_MAX_WRITE_SIZE);
}

TEST(EngineServer, PartialContentLongerThanAskedIsCut) {
  REQUIRE_SERVERS();
  std::string big = read_file(env.data + "/big.bin");
  Engine engine({});
  // Ask nginx for 10000 bytes but tell the engine the window is 100: what a
  // server answering with more than the Range asked looks like.
  Request r = ranged_get(env.http + "big.bin", 500, 10000);
  r.range_length = 100;
  auto resp = engine.perform(r);
  ASSERT_TRUE(resp.ok()) << resp.error().message;
  EXPECT_EQ(resp->status, 206);
  EXPECT_EQ(resp->body, big.substr(500, 100));
}

TEST(EngineServer, DefaultTimeLimitPerAttempt) {
  EXPECT_EQ(EngineOptions{}.total_timeout_ms, 60000);
}

// --- Retries against the fault server -------------------------------------

EngineOptions fast_retry_options() {
  EngineOptions o;
  o.max_retries = 3;
  o.backoff_base_ms = 10;
  o.backoff_max_ms = 100;
  o.low_speed_limit_bytes = 1;
  o.low_speed_time_s = 1;  // the stall scenario is silent for 10 s
  o.connect_timeout_ms = 2000;
  return o;
}

long hits(const std::string& fault_base, const std::string& path) {
  Engine engine({});
  Request r;
  r.url = fault_base + "_hits/" + path;
  auto resp = engine.perform(r);
  if (!resp.ok() || resp->status != 200) return -1;
  return std::stol(resp->body);
}

struct Outcome {
  Result<Response> response;
  EngineStats stats;
  double seconds;
};

Outcome get_fault(const std::string& url) {
  Engine engine(fast_retry_options());
  auto start = Clock::now();
  Request r;
  r.url = url;
  auto resp = engine.perform(r);
  return {std::move(resp), engine.stats(), std::chrono::duration<double>(Clock::now() - start).count()};
}

void expect_recovers(const std::string& scenario, long expected_hits, uint64_t expected_retries) {
  const ::td::testing::ServerEnv& env = *::td::testing::server_env();
  std::string path = scenario + "/" + std::to_string(Clock::now().time_since_epoch().count());
  Outcome o = get_fault(env.fault + path);
  ASSERT_TRUE(o.response.ok()) << scenario << ": " << o.response.error().message;
  EXPECT_EQ(o.response->status, 200) << scenario;
  EXPECT_EQ(o.response->body, "payload:/" + path);
  EXPECT_EQ(hits(env.fault, path), expected_hits) << scenario;
  EXPECT_EQ(o.stats.retries, expected_retries) << scenario;
  EXPECT_EQ(o.stats.requests, expected_retries + 1) << scenario;
  // The bytes of the failed attempts (a stall's first 2 bytes) count too.
  EXPECT_EQ(o.response->wire_bytes, o.stats.bytes_received) << scenario;
  if (scenario == "stall1") EXPECT_EQ(o.response->wire_bytes, o.response->body.size() + 2);
  figure("retry_" + scenario, std::to_string(o.stats.retries) + " retries, " + std::to_string(hits(env.fault, path)) +
                                  " server hits, " + std::to_string(o.seconds).substr(0, 4) + " s");
}

TEST(EngineRetry, ServiceUnavailableTwiceHonoursRetryAfter) {
  REQUIRE_SERVERS();
  auto start = Clock::now();
  expect_recovers("503x2", 3, 2);
  double s = std::chrono::duration<double>(Clock::now() - start).count();
  EXPECT_GE(s, 1.9) << "Retry-After: 1 was not honoured";
  EXPECT_LT(s, 10);
}

TEST(EngineRetry, TooManyRequestsOnce) {
  REQUIRE_SERVERS();
  expect_recovers("429x1", 2, 1);
}

TEST(EngineRetry, ConnectionResetOnce) {
  REQUIRE_SERVERS();
  expect_recovers("reset1", 2, 1);
}

TEST(EngineRetry, StallPastLowSpeedTimeoutOnce) {
  REQUIRE_SERVERS();
  auto start = Clock::now();
  expect_recovers("stall1", 2, 1);
  EXPECT_LT(std::chrono::duration<double>(Clock::now() - start).count(), 8.0) << "did not give up on the stall";
}

TEST(EngineRetry, PersistentServerErrorEndsAsResponse) {
  REQUIRE_SERVERS();
  std::string path = "500/" + std::to_string(Clock::now().time_since_epoch().count());
  Outcome o = get_fault(env.fault + path);
  ASSERT_TRUE(o.response.ok()) << o.response.error().message;
  EXPECT_EQ(o.response->status, 500);
  EXPECT_EQ(o.response->body, "broken");
  EXPECT_EQ(hits(env.fault, path), 4);  // max_retries 3 + the first attempt
  EXPECT_EQ(o.stats.retries, 3u);
  EXPECT_LT(o.seconds, 5);
  figure("retry_500", std::to_string(o.stats.retries) + " retries, then HTTP 500");
}

TEST(EngineRetry, ManyConcurrentRecoveries) {
  REQUIRE_SERVERS();
  // Retries of many transfers at once share the loop without mixing up bodies.
  Engine engine(fast_retry_options());
  const int n = 40;
  std::mutex mu;
  std::condition_variable cv;
  int done = 0, good = 0;
  auto stamp = std::to_string(Clock::now().time_since_epoch().count());
  const char* kinds[] = {"429x1", "reset1", "ok", "503x2"};
  for (int i = 0; i < n; ++i) {
    std::string path = std::string(kinds[i % 4]) + "/" + stamp + "-" + std::to_string(i);
    Request r;
    r.url = env.fault + path;
    engine.submit(r, [&, path](Result<Response> resp) {
      std::lock_guard lock(mu);
      if (resp.ok() && resp->status == 200 && resp->body == "payload:/" + path) ++good;
      if (++done == n) cv.notify_all();
    });
  }
  std::unique_lock lock(mu);
  ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return done == n; }));
  EXPECT_EQ(good, n);
  // Every path was hit as often as its scenario needs, no more.
  for (int i = 0; i < n; ++i) {
    std::string kind = kinds[i % 4];
    long expected = kind == "ok" ? 1 : kind == "503x2" ? 3 : 2;
    EXPECT_EQ(hits(env.fault, kind + "/" + stamp + "-" + std::to_string(i)), expected) << kind << " #" << i;
  }
  // 10 x 429x1 (1 retry) + 10 x 503x2 (2) = 30 retries, plus up to 10 for
  // the resets (libcurl itself retries a reset on a reused connection).
  EXPECT_GE(engine.stats().retries, 30u);
  EXPECT_LE(engine.stats().retries, 40u);
  figure("retry_concurrent", std::to_string(n) + " requests, " + std::to_string(engine.stats().retries) + " retries");
}

}  // namespace
}  // namespace td::http
