// HttpStore and the shared response-metadata helpers, without a server.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <ctime>

#include "store/common/http_metadata.h"
#include "store/http/http_store.h"

namespace td::store {
namespace {

ObjectInfo obj(const std::string& key) {
  ObjectInfo o;
  o.key = key;
  return o;
}

http::Response response(long status, std::vector<std::pair<std::string, std::string>> headers, std::string body) {
  http::Response r;
  r.status = status;
  r.headers = std::move(headers);
  r.body = std::move(body);
  return r;
}

TEST(ContentRange, Forms) {
  auto a = parse_content_range("bytes 0-99/1000");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->first, 0u);
  EXPECT_EQ(a->last, 99u);
  EXPECT_EQ(a->total, 1000u);
  auto b = parse_content_range("bytes */1000");
  ASSERT_TRUE(b);
  EXPECT_FALSE(b->first);
  EXPECT_EQ(b->total, 1000u);
  auto c = parse_content_range("bytes 5-9/*");
  ASSERT_TRUE(c);
  EXPECT_FALSE(c->total);
  for (const char* bad : {"", "bytes", "bytes 9-5/10", "items 0-1/2", "bytes */*", "bytes a-b/10", "bytes 0-1"}) {
    EXPECT_FALSE(parse_content_range(bad)) << bad;
  }
}

TEST(Etag, QuotesStripped) {
  EXPECT_EQ(strip_etag_quotes("\"5f1e-abc\""), "5f1e-abc");
  EXPECT_EQ(strip_etag_quotes("W/\"abc\""), "W/abc");
  EXPECT_EQ(strip_etag_quotes("abc"), "abc");
  EXPECT_EQ(strip_etag_quotes("\""), "\"");
}

TEST(HttpDate, Rfc1123) {
  EXPECT_EQ(parse_http_date_ms("Sun, 06 Nov 1994 08:49:37 GMT"), 784111777000);
  EXPECT_FALSE(parse_http_date_ms("yesterday-ish"));
  // The obsolete forms RFC 9110 still accepts go through the general parser.
  EXPECT_EQ(parse_http_date_ms("Sunday, 06-Nov-94 08:49:37 GMT"), 784111777000);
  EXPECT_EQ(parse_http_date_ms("Sun Nov  6 08:49:37 1994"), 784111777000);
  EXPECT_FALSE(parse_http_date_ms("Sun, 06 Foo 1994 08:49:37 GMT"));
  EXPECT_FALSE(parse_http_date_ms(""));
}

TEST(RangeReadFromResponse, PartialContent) {
  auto r = range_read_from_response(
      response(206, {{"content-range", "bytes 10-14/100"}, {"etag", "\"e1\""},
                     {"last-modified", "Sun, 06 Nov 1994 08:49:37 GMT"}}, "abcde"),
      10, 5, "http://h/k");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(std::string(r->bytes.begin(), r->bytes.end()), "abcde");
  EXPECT_EQ(r->object_size, 100u);
  EXPECT_EQ(r->etag, "e1");
  EXPECT_EQ(r->last_modified_ms, 784111777000);
}

TEST(RangeReadFromResponse, WrongStartIsAnError) {
  auto r = range_read_from_response(response(206, {{"content-range", "bytes 0-4/100"}}, "abcde"), 10, 5, "http://h/k");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::io);
  EXPECT_NE(r.error().message.find("http://h/k"), std::string::npos);
}

TEST(RangeReadFromResponse, RangeIgnoredSlicesFromByteZero) {
  // The server sent the object from byte 0 (the engine stopped at the range's end).
  auto r = range_read_from_response(response(200, {{"content-length", "1000"}}, "0123456789"), 4, 3, "u");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::string(r->bytes.begin(), r->bytes.end()), "456");
  EXPECT_EQ(r->object_size, 1000u);
  // An object shorter than the range: what there is.
  auto s = range_read_from_response(response(200, {{"content-length", "6"}}, "012345"), 4, 10, "u");
  EXPECT_EQ(std::string(s->bytes.begin(), s->bytes.end()), "45");
  auto t = range_read_from_response(response(200, {}, "012"), 5, 10, "u");
  EXPECT_TRUE(t->bytes.empty());
}

TEST(RangeReadFromResponse, RangeIgnoredWithPrefixDiscarded) {
  // The engine discarded the bytes before offset 4: the body starts there.
  http::Response resp = response(200, {{"content-length", "1000"}}, "456789");
  resp.body_offset = 4;
  resp.wire_bytes = 10;
  auto r = range_read_from_response(std::move(resp), 4, 3, "u");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(std::string(r->bytes.begin(), r->bytes.end()), "456");
  EXPECT_EQ(r->wire_bytes, 10u);
}

TEST(RangeReadFromResponse, UnsatisfiableIsEmpty) {
  auto r = range_read_from_response(response(416, {{"content-range", "bytes */0"}}, "<html>"), 0, 100, "u");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->bytes.empty());
  EXPECT_EQ(r->object_size, 0u);
}

TEST(HttpStatusError, Kinds) {
  EXPECT_EQ(http_status_error("GET", "https://h/k", 404).kind, ErrorKind::not_found);
  EXPECT_EQ(http_status_error("GET", "https://h/k", 410).kind, ErrorKind::not_found);
  EXPECT_EQ(http_status_error("GET", "https://h/k", 401).kind, ErrorKind::permission_denied);
  EXPECT_EQ(http_status_error("GET", "https://h/k", 403).kind, ErrorKind::permission_denied);
  Error e = http_status_error("GET", "https://u:p@h/k?sig=SECRET", 502);
  EXPECT_EQ(e.kind, ErrorKind::io);
  EXPECT_EQ(e.message, "GET https://h/k: HTTP 502");
}

TEST(HttpStore, KeysToUrls) {
  HttpStore s("https://example.com/data", {});
  EXPECT_EQ(s.url_for("a/b.tif"), "https://example.com/data/a/b.tif");
  EXPECT_EQ(s.url_for("with space%.tif"), "https://example.com/data/with%20space%25.tif");
  EXPECT_EQ(s.url_for("already%20encoded%2Fname.tif"), "https://example.com/data/already%20encoded%2Fname.tif");
  EXPECT_EQ(s.url_for("hash#1 é.tif"), "https://example.com/data/hash%231%20%C3%A9.tif");
  EXPECT_EQ(s.url_for("k.tif?X-Amz-Signature=abc"), "https://example.com/data/k.tif?X-Amz-Signature=abc");
  EXPECT_EQ(s.url_for("http://h/a b.tif#frag"), "http://h/a%20b.tif#frag");
  EXPECT_EQ(s.url_for("/root/x.tif"), "https://example.com/root/x.tif");
  EXPECT_EQ(s.url_for("http://other:8080/y.tif?X-Amz-Signature=s"), "http://other:8080/y.tif?X-Amz-Signature=s");
  EXPECT_EQ(s.describe("http://other/y.tif?sig=s"), "http://other/y.tif");
  EXPECT_EQ(s.describe("a.tif"), "https://example.com/data/a.tif");
  HttpStore root("http://127.0.0.1:8080/", {});
  EXPECT_EQ(root.url_for("k.tif"), "http://127.0.0.1:8080/k.tif");
  EXPECT_EQ(root.url_for("/k.tif"), "http://127.0.0.1:8080/k.tif");
  HttpStore bare("http://127.0.0.1:8080", {});
  EXPECT_EQ(bare.url_for("k.tif"), "http://127.0.0.1:8080/k.tif");
}

TEST(HttpStore, CannotList) {
  auto store = open_store("https://example.com/data/");
  ASSERT_TRUE(store.ok()) << store.error().message;
  Status s = (*store)->list("", 1000, [](std::vector<ObjectInfo>&&) { return true; });
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::config);
  EXPECT_EQ(s.error().message,
            "an http(s) store cannot be listed; give the objects with --keys FILE (one URL or path per line)");
}

TEST(HttpStore, OpenValidatesOptions) {
  StoreOptions options;
  options.config = {{"timeout", "forever"}};
  auto store = open_store("https://example.com/data/", options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().kind, ErrorKind::config);
  EXPECT_NE(store.error().message.find("timeout"), std::string::npos);
  options.config = {{"allow_http", "true"}, {"connect_timeout", "1s"}};
  EXPECT_TRUE(open_store("http://example.com/", options).ok());
}

TEST(HttpStore, ZeroLengthReadNeedsNoRequest) {
  HttpStore s("http://127.0.0.1:1/", {});
  auto r = s.read_range_sync(obj("k"), 0, 0);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->bytes.empty());
}

TEST(HttpStore, ConnectionRefusedIsRunLevelError) {
  http::EngineOptions o;
  o.max_retries = 1;
  o.backoff_base_ms = 1;
  HttpStore s("http://127.0.0.1:1/base/", o);
  auto r = s.read_range_sync(obj("k.tif"), 0, 10);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().kind, ErrorKind::config);  // the store is down: the run fails, not the object
  EXPECT_NE(r.error().message.find("http://127.0.0.1:1/base/k.tif"), std::string::npos) << r.error().message;
  EXPECT_NE(r.error().message.find("2 attempts"), std::string::npos) << r.error().message;
}

}  // namespace
}  // namespace td::store

// The IMF-fixdate fast path agrees with curl_getdate over two centuries,
// leap days and the last second of each day included.
TEST(HttpDate, FixdateMatchesCurlGetdate) {
  for (int64_t t = -2208988800; t < 4102444800; t += 86400 * 7 + 3607) {
    for (int64_t at : {t, t - t % 86400 + 86399}) {
      std::time_t tt = static_cast<std::time_t>(at);
      std::tm tm{};
      gmtime_r(&tt, &tm);
      char buf[64];
      std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
      ASSERT_EQ(td::store::parse_http_date_ms(buf), static_cast<int64_t>(curl_getdate(buf, nullptr)) * 1000) << buf;
    }
  }
}
