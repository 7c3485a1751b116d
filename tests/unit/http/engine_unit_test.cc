// Unit tests of the HTTP engine's pure helpers (no network).
#include <gtest/gtest.h>

#include "http/engine.h"

namespace td::http {
namespace {

TEST(IsRetryableStatus, RetriesTimeoutsThrottlingAndServerErrors) {
  for (long s : {408L, 429L, 500L, 502L, 503L, 504L, 599L}) EXPECT_TRUE(is_retryable_status(s)) << s;
  for (long s : {200L, 206L, 301L, 304L, 400L, 401L, 403L, 404L, 416L, 501L, 505L}) {
    EXPECT_FALSE(is_retryable_status(s)) << s;
  }
}

TEST(ParseRetryAfter, DeltaSeconds) {
  EXPECT_EQ(parse_retry_after("0", 1000), 0);
  EXPECT_EQ(parse_retry_after("1", 1000), 1);
  EXPECT_EQ(parse_retry_after("120", 1000), 120);
}

TEST(ParseRetryAfter, HttpDate) {
  // Sun, 06 Nov 1994 08:49:37 GMT = 784111777
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 - 30), 30);
  // A date in the past means "now".
  EXPECT_EQ(parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT", 784111777 + 30), 0);
}

TEST(ParseRetryAfter, RejectsGarbage) {
  EXPECT_FALSE(parse_retry_after("", 0));
  EXPECT_FALSE(parse_retry_after("soon", 0));
  EXPECT_FALSE(parse_retry_after("-5", 0));
  EXPECT_FALSE(parse_retry_after("1.5", 0));
  EXPECT_FALSE(parse_retry_after("99999999999", 0));  // overflow-sized
}

TEST(RedactUrl, DropsQueryFragmentAndUserInfo) {
  EXPECT_EQ(redact_url("https://host/a/b.tif"), "https://host/a/b.tif");
  EXPECT_EQ(redact_url("https://acct.blob.core.windows.net/c/k.tif?sv=2020&sig=SECRET"),
            "https://acct.blob.core.windows.net/c/k.tif");
  EXPECT_EQ(redact_url("https://host/k#frag"), "https://host/k");
  EXPECT_EQ(redact_url("https://user:pass@host:8443/k?X-Amz-Signature=abc"), "https://host:8443/k");
  EXPECT_EQ(redact_url("http://user@host"), "http://host");
  // An '@' in the path is not user info.
  EXPECT_EQ(redact_url("https://host/a@b/c"), "https://host/a@b/c");
  EXPECT_EQ(redact_url("https://host/k?a=1@x"), "https://host/k");
}

TEST(ResponseHeader, LooksUpLowercaseNames) {
  Response r;
  r.headers = {{"etag", "\"x\""}, {"content-length", "5"}};
  EXPECT_EQ(r.header("etag"), "\"x\"");
  EXPECT_FALSE(r.header("last-modified"));
}

}  // namespace
}  // namespace td::http
