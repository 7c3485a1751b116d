// The shared store pieces: ListProgress (a listing must advance), the one
// HTTP status -> ErrorKind map, store URL secrets, and redact().
#include <gtest/gtest.h>

#include "store/common/http_status.h"
#include "store/common/list_progress.h"
#include "store/store_url.h"
#include "util/redact.h"

namespace td::store {
namespace {

std::vector<ObjectInfo> keys(std::initializer_list<const char*> names) {
  std::vector<ObjectInfo> out;
  for (const char* n : names) out.push_back(ObjectInfo{n, std::nullopt, std::nullopt, std::nullopt});
  return out;
}

TEST(HttpStatusKind, OneMapForEveryStore) {
  EXPECT_EQ(http_status_kind(401), ErrorKind::permission_denied);
  EXPECT_EQ(http_status_kind(403), ErrorKind::permission_denied);
  EXPECT_EQ(http_status_kind(404), ErrorKind::not_found);
  EXPECT_EQ(http_status_kind(410), ErrorKind::not_found);
  for (long s : {400L, 409L, 416L, 429L, 500L, 502L, 503L}) EXPECT_EQ(http_status_kind(s), ErrorKind::io) << s;
}

TEST(ListProgress, AdvancingListingPasses) {
  ListProgress p("S3 listing of s3://b/x/", "continuation token");
  EXPECT_TRUE(p.check_page(keys({"x/a", "x/b"}), 2, true, "t1").ok());
  EXPECT_TRUE(p.check_page(keys({}), 0, true, "t2").ok());  // one empty page is fine
  EXPECT_TRUE(p.check_page(keys({"x/c"}), 1, false, "").ok());
}

TEST(ListProgress, RepeatedTokenIsAnError) {
  ListProgress p("Azure listing of az://c/x/", "marker");
  ASSERT_TRUE(p.check_page(keys({"x/a"}), 1, true, "M1").ok());
  Status s = p.check_page(keys({"x/b"}), 1, true, "M1");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::io);
  EXPECT_NE(s.error().message.find("Azure listing of az://c/x/"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("marker 'M1' was already seen"), std::string::npos) << s.error().message;
}

TEST(ListProgress, KeysThatRepeatOrGoBackwardsAreAnError) {
  ListProgress p("GCS listing of gs://b/", "page token");
  ASSERT_TRUE(p.check_page(keys({"a", "b"}), 2, true, "P1").ok());
  Status again = p.check_page(keys({"b", "c"}), 2, true, "P2");
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("key 'b' came again"), std::string::npos) << again.error().message;
  ListProgress q("GCS listing of gs://b/", "page token");
  ASSERT_TRUE(q.check_page(keys({"m"}), 1, true, "P1").ok());
  Status back = q.check_page(keys({"a"}), 1, false, "");
  ASSERT_FALSE(back.ok());
  EXPECT_NE(back.error().message.find("repeats or goes backwards"), std::string::npos) << back.error().message;
  // Byte order: UTF-8 (>= 0x80) sorts after ASCII, as the stores list.
  ListProgress r("x", "t");
  EXPECT_TRUE(r.check_page(keys({"z", "\xc3\xa9"}), 2, false, "").ok());
}

TEST(ListProgress, MoreWithoutTokenAndEmptyPagesInARow) {
  ListProgress p("S3 listing of s3://b/", "continuation token");
  EXPECT_FALSE(p.check_page(keys({"a"}), 1, true, "").ok());
  ListProgress q("S3 listing of s3://b/", "continuation token", 5);
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(q.check_page(keys({}), 0, true, "E" + std::to_string(i)).ok());
  Status s = q.check_page(keys({}), 0, true, "E4");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("5 empty pages in a row"), std::string::npos) << s.error().message;
  // Common prefixes (entries) count as progress.
  ListProgress r("S3 listing of s3://b/", "continuation token", 2);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(r.check_page(keys({}), 1, true, "C" + std::to_string(i)).ok());
}

TEST(StoreUrl, AzureSasUrlKeepsTheQueryOutOfTheContainer) {
  auto u = parse_store_url("https://acct.blob.core.windows.net/tiffs/pre?sv=2021&sig=SECRETSIG%3D");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->kind, StoreKind::azure);
  EXPECT_EQ(u->bucket, "tiffs");
  EXPECT_EQ(u->prefix, "pre");
  EXPECT_EQ(u->query, "sv=2021&sig=SECRETSIG%3D");
}

TEST(StoreUrl, UserInfoIsRefusedWithoutRepeatingIt) {
  for (const char* url : {"s3://AKID:PASSWORD123@bucket/p", "gs://u:PASSWORD123@b", "az://u:PASSWORD123@c",
                          "https://u:PASSWORD123@acct.blob.core.windows.net/c"}) {
    auto u = parse_store_url(url);
    ASSERT_FALSE(u.ok()) << url;
    EXPECT_EQ(u.error().kind, ErrorKind::config);
    EXPECT_EQ(u.error().message.find("PASSWORD123"), std::string::npos) << u.error().message;
  }
  EXPECT_TRUE(parse_store_url("abfss://container@acct.dfs.core.windows.net/p").ok());
  EXPECT_TRUE(parse_store_url("https://user:pw@host/base/").ok());  // plain HTTP: Basic auth
}

TEST(StoreUrl, QueriesAreRefusedWhereUnused) {
  for (const char* url : {"s3://bucket?X-Amz-Signature=QUERYSECRET", "gs://b?access_token=QUERYSECRET",
                          "https://host/base/?token=QUERYSECRET"}) {
    auto s = open_store(url);
    ASSERT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.error().kind, ErrorKind::config);
    EXPECT_EQ(s.error().message.find("QUERYSECRET"), std::string::npos) << s.error().message;
  }
}

TEST(StoreUrl, KeyLinesLoseTheirQueries) {
  EXPECT_EQ(key_line_for_output("https://h/", "https://u:pw@h/a.tif?X-Amz-Signature=S"), "https://h/a.tif");
  EXPECT_EQ(key_line_for_output("https://h/", "a.tif?sig=S"), "a.tif");
  EXPECT_EQ(key_line_for_output("s3://b", "a?b.tif"), "a?b.tif");  // an S3 key may hold '?'
  // Whatever the path holds before the query (a space, ',' or ';' end free text, not a URL).
  EXPECT_EQ(key_line_for_output("https://h/", "https://h/a,b.tif?X-Amz-Signature=S"), "https://h/a,b.tif");
  EXPECT_EQ(key_line_for_output("https://h/", "https://h/c;d e.tif?sig=S;x"), "https://h/c;d e.tif");
  EXPECT_EQ(key_line_for_output("https://h/", "c d.tif?sig=S#f"), "c d.tif");
  EXPECT_EQ(redact_store_url("https://u:pw@h/a b,c.tif?sig=S"), "https://h/a b,c.tif");
  // In s3:// and gs:// lines '?' belongs to the key: distinct keys keep distinct paths.
  EXPECT_EQ(key_line_for_output("s3://b", "s3://b/y.tif?v=1"), "s3://b/y.tif?v=1");
  EXPECT_NE(key_line_for_output("s3://b", "s3://b/y.tif?v=1"), key_line_for_output("s3://b", "s3://b/y.tif?v=2"));
  EXPECT_EQ(key_line_for_output("gs://b", "gs://u:pw@b/y.tif"), "gs://b/y.tif");
}

TEST(Redact, UrlsAndRegisteredSecrets) {
  register_secret("REGISTERED/secret+value");
  EXPECT_EQ(redact("GET https://a.blob.core.windows.net/c/k?sv=1&sig=X%3D: HTTP 403"),
            "GET https://a.blob.core.windows.net/c/k: HTTP 403");
  EXPECT_EQ(redact("(GET http://user:pw@h:1/x?q=1)"), "(GET http://h:1/x)");
  EXPECT_EQ(redact("key REGISTERED/secret+value and REGISTERED%2Fsecret%2Bvalue"), "key *** and ***");
  EXPECT_EQ(redact("abfss://c@acct.dfs.core.windows.net/p"), "abfss://c@acct.dfs.core.windows.net/p");
}

}  // namespace
}  // namespace td::store
