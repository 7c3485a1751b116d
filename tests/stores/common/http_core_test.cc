// The shared HTTP core (store/common/http_object_store.h, paged_listing.h):
// the page loop with root stripping, the retry of a page cut short, the
// 200/206/416 handling of a ranged GET, and the version string. A fake
// backend speaks a tiny listing format and canned responses stand in for the
// engine, so every branch runs without a server.
#include <gtest/gtest.h>

#include <deque>
#include <regex>

#include "store/common/http_object_store.h"
#include "store/common/http_status.h"
#include "store/common/paged_listing.h"
#include "util/version.h"

namespace td::store {
namespace {

// Pages are lines: a key each, "prefix:P" for a common prefix, "next:T" for
// the next token; a page is whole once it ends with "END".
class FakeBackend : public HttpBackend {
 public:
  std::string describe(const std::string& full_key) const override { return "fake://b/" + full_key; }
  std::string what(HttpOp op, const std::string& full_key) const override {
    return op == HttpOp::list ? "Fake list " + describe(full_key) : "";
  }
  bool can_list() const override { return true; }
  ListingTraits listing() const override { return {"Fake", "token", 2, true}; }
  SignedRequest list_request(const std::string& prefix, size_t max_keys, const std::string& token,
                             const std::string& delimiter) const override {
    SignedRequest call;
    call.request.url = "http://fake/b?prefix=" + prefix + "&max=" + std::to_string(max_keys) + "&token=" + token +
                       "&delimiter=" + delimiter + "&sig=SECRET";
    return call;
  }
  bool page_is_whole(const std::string& body) const override {
    return body.size() >= 3 && body.compare(body.size() - 3, 3, "END") == 0;
  }
  Result<ListingPage> parse_page(const std::string& body) const override {
    ListingPage page;
    size_t start = 0;
    while (start < body.size()) {
      size_t end = body.find('\n', start);
      if (end == std::string::npos) end = body.size();
      std::string line = body.substr(start, end - start);
      start = end + 1;
      if (line == "END") break;
      if (line == "BAD") return Error{ErrorKind::invalid_value, "not a fake listing"};
      if (line.rfind("next:", 0) == 0) {
        page.more = true;
        page.next_token = line.substr(5);
      } else if (line.rfind("prefix:", 0) == 0) {
        page.common_prefixes.push_back(line.substr(7));
      } else {
        page.objects.push_back(ObjectInfo{line, std::nullopt, std::nullopt, std::nullopt});
      }
    }
    return page;
  }
  SignedRequest get_request(const std::string& key, const std::string& range) const override {
    SignedRequest call;
    call.request.url = "http://fake/b/" + key;
    call.request.headers.emplace_back("Range", range);
    return call;
  }
  SignedRequest stat_request(const std::string& key) const override { return get_request(key, ""); }
  Error status_error(const http::Response& response, HttpOp, const std::string& key, const std::string&) override {
    ++status_errors;
    return Error{http_status_kind(response.status), "fake " + key + ": HTTP " + std::to_string(response.status)};
  }
  bool follows_redirects() const override { return follow; }
  int status_errors = 0;
  bool follow = false;
};

http::Response respond(long status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  r.wire_bytes = r.body.size();
  return r;
}

// Answers requests in order from `script`, recording each request's URL.
struct Script {
  std::deque<Result<http::Response>> answers;
  std::vector<std::string> urls;
  PerformFn fn() {
    return [this](const http::Request& r, const http::PrepareFn&) -> Result<http::Response> {
      urls.push_back(r.url);
      if (answers.empty()) return Error{ErrorKind::internal, "no more scripted answers"};
      auto a = std::move(answers.front());
      answers.pop_front();
      return a;
    };
  }
};

struct Collected {
  std::vector<std::string> keys;
  std::vector<std::string> children;
  int pages = 0;
};

Status run_list(FakeBackend& b, Script& s, const std::string& root, const std::string& delimiter, Collected& out,
                size_t page_size = 1000) {
  return list_pages(b, s.fn(), root, "", page_size, delimiter,
                    [&](std::vector<ObjectInfo>&& page) {
                      ++out.pages;
                      for (auto& o : page) out.keys.push_back(o.key);
                      return true;
                    },
                    out.children);
}

TEST(HttpStatusKind, TableOfStatuses) {
  // RFC 9110 §15: the client errors that name a cause get their kind; the
  // rest (and every 5xx the engine gave up retrying) are io.
  const std::vector<std::pair<long, ErrorKind>> table = {
      {401, ErrorKind::permission_denied}, {403, ErrorKind::permission_denied}, {404, ErrorKind::not_found},
      {410, ErrorKind::not_found},         {301, ErrorKind::io},                {400, ErrorKind::io},
      {408, ErrorKind::io},                {412, ErrorKind::io},                {501, ErrorKind::io},
      {503, ErrorKind::io}};
  for (const auto& [status, kind] : table) EXPECT_EQ(http_status_kind(status), kind) << status;
}

TEST(PagedListing, StripsTheRootAndFollowsTokens) {
  FakeBackend b;
  Script s;
  s.answers.push_back(respond(200, "r/a\nr/b\nnext:T1\nEND"));
  s.answers.push_back(respond(200, "r/c\nrx/not-under-root\nEND"));
  Collected got;
  ASSERT_TRUE(run_list(b, s, "r/", "", got, 5).ok());
  EXPECT_EQ(got.keys, (std::vector<std::string>{"a", "b", "c"}));  // "rx/..." is not under the root "r/"
  EXPECT_EQ(got.pages, 2);
  ASSERT_EQ(s.urls.size(), 2u);
  EXPECT_NE(s.urls[0].find("prefix=r/&max=2&token=&"), std::string::npos) << s.urls[0];  // clamped to 2
  EXPECT_NE(s.urls[1].find("token=T1&"), std::string::npos) << s.urls[1];
}

TEST(PagedListing, DelimiterChildrenLoseTheRootAndEmptyPagesAreNotHandedOn) {
  FakeBackend b;
  Script s;
  s.answers.push_back(respond(200, "prefix:r/d1/\nprefix:r/d2/\nprefix:other/\nnext:T\nEND"));
  s.answers.push_back(respond(200, "r/top.tif\nEND"));
  Collected got;
  ASSERT_TRUE(run_list(b, s, "r/", "/", got).ok());
  EXPECT_EQ(got.children, (std::vector<std::string>{"d1/", "d2/"}));
  EXPECT_EQ(got.keys, (std::vector<std::string>{"top.tif"}));
  EXPECT_EQ(got.pages, 1);
  EXPECT_NE(s.urls[0].find("delimiter=/"), std::string::npos);
}

TEST(PagedListing, PageCutShortIsFetchedAgain) {
  FakeBackend b;
  Script s;
  s.answers.push_back(respond(200, "a\nb\nne"));  // cut mid-page: its token is lost
  s.answers.push_back(respond(200, "a\nb\nnext:T\nEND"));
  s.answers.push_back(respond(200, "c\nEND"));
  Collected got;
  ASSERT_TRUE(run_list(b, s, "", "", got).ok());
  EXPECT_EQ(got.keys, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(s.urls.size(), 3u);
  EXPECT_EQ(s.urls[0], s.urls[1]);  // the same page again
}

TEST(PagedListing, PageCutShortEveryTimeIsAnIoError) {
  FakeBackend b;
  Script s;
  for (int i = 0; i < kListPageAttempts; ++i) s.answers.push_back(respond(200, "a\nb"));
  s.answers.push_back(respond(200, "a\nb\nEND"));  // never asked for
  Collected got;
  Status st = run_list(b, s, "", "", got);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::io);
  EXPECT_EQ(st.error().message,
            "Fake list fake://b/: the listing page ends early in each of 3 attempts (http://fake/b)");
  EXPECT_EQ(s.urls.size(), 3u);
  EXPECT_TRUE(got.keys.empty());  // nothing of a cut page is handed on
}

TEST(PagedListing, StatusTransportAndParseErrors) {
  FakeBackend b;
  Script s;
  s.answers.push_back(respond(403, "<Error/>"));
  Collected got;
  Status denied = run_list(b, s, "r/", "", got);
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.error().kind, ErrorKind::permission_denied);
  EXPECT_EQ(denied.error().message, "fake r/: HTTP 403");
  EXPECT_EQ(b.status_errors, 1);

  s.answers.push_back(Error{ErrorKind::config, "connect to http://fake/ refused"});
  Status down = run_list(b, s, "r/", "", got);
  ASSERT_FALSE(down.ok());
  EXPECT_EQ(down.error().kind, ErrorKind::config);  // the engine's kind is kept
  EXPECT_EQ(down.error().message, "Fake list fake://b/r/: connect to http://fake/ refused");

  s.answers.push_back(respond(200, "BAD\nEND"));
  Status bad = run_list(b, s, "r/", "", got);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::io);
  EXPECT_EQ(bad.error().message,
            "Fake list fake://b/r/: not a fake listing (http://fake/b; body starts: BAD END)");
  EXPECT_EQ(bad.error().message.find("SECRET"), std::string::npos);
}

TEST(PagedListing, RepeatedTokenStopsTheListing) {
  FakeBackend b;
  Script s;
  s.answers.push_back(respond(200, "a\nnext:T\nEND"));
  s.answers.push_back(respond(200, "b\nnext:T\nEND"));
  Collected got;
  Status st = run_list(b, s, "", "", got);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("Fake listing of fake://b/"), std::string::npos) << st.error().message;
  EXPECT_EQ(got.keys, (std::vector<std::string>{"a"}));  // the repeating page is never handed on
}

TEST(StripRoot, OnlyKeysUnderTheRoot) {
  std::string k = "a/b/c.tif";
  EXPECT_TRUE(strip_root("a/", k));
  EXPECT_EQ(k, "b/c.tif");
  std::string other = "ab/c.tif";
  EXPECT_FALSE(strip_root("a/", other));
  EXPECT_EQ(other, "ab/c.tif");
  std::string any = "x";
  EXPECT_TRUE(strip_root("", any));
  EXPECT_EQ(any, "x");
}

Error unexpected(const http::Response& r) { return Error{http_status_kind(r.status), "status " + std::to_string(r.status)}; }

std::string text(const RangeRead& r) { return std::string(r.bytes.begin(), r.bytes.end()); }

TEST(RangedGetResult, PartialWholeAndUnsatisfiable) {
  EXPECT_EQ(range_header_value(10, 5), "bytes=10-14");

  auto partial = ranged_get_result(respond(206, "cdefg", {{"content-range", "bytes 2-6/100"}, {"etag", "\"e1\""}}),
                                   2, 5, "http://h/k", unexpected);
  ASSERT_TRUE(partial.ok());
  EXPECT_EQ(text(*partial), "cdefg");
  EXPECT_EQ(partial->object_size, 100u);
  EXPECT_EQ(partial->etag, "e1");

  // 200: the server ignored Range; the slice at the offset is the answer.
  auto whole = ranged_get_result(respond(200, "abcdefgh", {{"content-length", "8"}}), 2, 3, "http://h/k", unexpected);
  ASSERT_TRUE(whole.ok());
  EXPECT_EQ(text(*whole), "cde");
  EXPECT_EQ(whole->object_size, 8u);
  EXPECT_EQ(whole->wire_bytes, 8u);

  auto past = ranged_get_result(respond(416, "<Error/>", {{"content-range", "bytes */4"}}), 10, 5, "u", unexpected);
  ASSERT_TRUE(past.ok());
  EXPECT_TRUE(past->bytes.empty());
  EXPECT_EQ(past->object_size, 4u);

  auto wrong_start = ranged_get_result(respond(206, "xx", {{"content-range", "bytes 0-1/9"}}), 4, 2, "u", unexpected);
  ASSERT_FALSE(wrong_start.ok());
  EXPECT_EQ(wrong_start.error().kind, ErrorKind::io);
}

TEST(RangedGetResult, OtherStatusesGoToTheBackend) {
  for (long status : {404L, 403L, 500L, 304L}) {
    auto r = ranged_get_result(respond(status, "nope"), 0, 5, "u", unexpected);
    ASSERT_FALSE(r.ok()) << status;
    EXPECT_EQ(r.error().message, "status " + std::to_string(status));
    EXPECT_EQ(r.error().kind, http_status_kind(status));
  }
}

TEST(HttpObjectStore, ReadsAtAKnownEndNeedNoRequest) {
  http::EngineOptions o;
  o.max_retries = 0;
  HttpObjectStore store(std::make_unique<FakeBackend>(), o, "r/");
  ObjectInfo empty{"k.tif", 0, std::nullopt, std::nullopt};
  auto r = store.read_range_sync(empty, 0, 100);  // http://fake/ is never resolved
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->bytes.empty());
  EXPECT_EQ(r->object_size, 0u);
  EXPECT_EQ(store.engine_stats().requests, 0u);
  EXPECT_EQ(store.describe("k.tif"), "fake://b/r/k.tif");
}

TEST(RedirectPolicy, OnlyUnsignedRequestsOfAFollowingBackend) {
  FakeBackend b;
  SignedRequest plain = b.get_request("k", "bytes=0-1");
  apply_redirect_policy(b, plain);
  EXPECT_FALSE(plain.request.follow_redirects);  // the default: a 3xx is an answer, not a detour
  b.follow = true;
  apply_redirect_policy(b, plain);
  EXPECT_TRUE(plain.request.follow_redirects);
  SignedRequest signed_call = b.get_request("k", "bytes=0-1");
  signed_call.request.follow_redirects = true;
  signed_call.prepare = [](http::Request&) { return Status(); };
  apply_redirect_policy(b, signed_call);
  EXPECT_FALSE(signed_call.request.follow_redirects);  // credentials never follow a redirect
}

TEST(Version, FromTheBuildInOnePlace) {
  EXPECT_STREQ(version(), TD_EXPECTED_VERSION);  // CMake's project(VERSION), passed to this test separately
  EXPECT_TRUE(std::regex_match(version(), std::regex(R"(\d+\.\d+\.\d+)"))) << version();
  EXPECT_EQ(user_agent(), std::string("tiff-dumper/") + TD_EXPECTED_VERSION);
  EXPECT_EQ(tool_and_version(), std::string("tiff-dumper ") + TD_EXPECTED_VERSION);
}

}  // namespace
}  // namespace td::store
