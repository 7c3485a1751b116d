// HttpStore against nginx: ranged reads with metadata, HEAD stat, status
// mapping, keys as paths or URLs, redirects, empty objects, Range ignored.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "server_test_env.h"
#include "store/http/http_store.h"

namespace td::store {
namespace {

using td::testing::read_file;

ObjectInfo obj(const std::string& key) {
  ObjectInfo o;
  o.key = key;
  return o;
}

std::unique_ptr<Store> open(const std::string& url, std::map<std::string, std::string> config = {}) {
  StoreOptions options;
  options.config = std::move(config);
  auto s = open_store(url, options);
  EXPECT_TRUE(s.ok()) << s.error().message;
  return s.ok() ? std::move(*s) : nullptr;
}

std::string text(const RangeRead& r) { return std::string(r.bytes.begin(), r.bytes.end()); }

int64_t mtime_ms(const std::string& path) {
  struct stat st {};
  ::stat(path.c_str(), &st);
  return static_cast<int64_t>(st.st_mtime) * 1000;  // HTTP dates have whole seconds
}

TEST(HttpStoreServer, ReadRangeCarriesObjectMetadata) {
  REQUIRE_SERVERS();
  auto store = open(env.http);
  std::string big = read_file(env.data + "/big.bin");
  auto r = store->read_range_sync(obj("big.bin"), 12345, 6789);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(text(*r), big.substr(12345, 6789));
  EXPECT_EQ(r->object_size, big.size());
  EXPECT_EQ(r->last_modified_ms, mtime_ms(env.data + "/big.bin"));
  ASSERT_TRUE(r->etag);
  EXPECT_EQ(r->etag->find('"'), std::string::npos);
  // The same etag as HEAD gives, and the same size.
  auto info = store->stat("big.bin");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->key, "big.bin");
  EXPECT_EQ(info->size, big.size());
  EXPECT_EQ(info->etag, r->etag);
  EXPECT_EQ(info->last_modified_ms, r->last_modified_ms);
}

TEST(HttpStoreServer, ShortObjectAndPastTheEnd) {
  REQUIRE_SERVERS();
  auto store = open(env.http);
  std::string small = read_file(env.data + "/small.bin");
  auto r = store->read_range_sync(obj("small.bin"), 0, 65536);  // more than there is
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(text(*r), small);
  EXPECT_EQ(r->object_size, small.size());
  auto past = store->read_range_sync(obj("small.bin"), small.size() + 10, 100);  // 416
  ASSERT_TRUE(past.ok()) << past.error().message;
  EXPECT_TRUE(past->bytes.empty());
  EXPECT_EQ(past->object_size, small.size());
}

TEST(HttpStoreServer, EmptyObjectIsZeroBytes) {
  REQUIRE_SERVERS();
  auto store = open(env.http);
  auto r = store->read_range_sync(obj("empty.bin"), 0, 65536);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->bytes.empty());
  EXPECT_EQ(r->object_size, 0u);
  auto info = store->stat("empty.bin");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->size, 0u);
}

TEST(HttpStoreServer, StatusMapping) {
  REQUIRE_SERVERS();
  auto store = open(env.http);
  auto missing = store->read_range_sync(obj("missing.tif"), 0, 100);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().kind, ErrorKind::not_found);
  EXPECT_EQ(missing.error().message, "GET " + env.http + "missing.tif: HTTP 404");
  auto missing_stat = store->stat("missing.tif");
  ASSERT_FALSE(missing_stat.ok());
  EXPECT_EQ(missing_stat.error().kind, ErrorKind::not_found);
  auto forbidden = store->read_range_sync(obj("forbidden.bin"), 0, 100);
  ASSERT_FALSE(forbidden.ok());
  EXPECT_EQ(forbidden.error().kind, ErrorKind::permission_denied);
  // 500 is retried, then reported as io with the status; the query string
  // (where presigned URLs keep their signatures) never appears.
  StoreOptions options;
  options.http.max_retries = 1;
  options.http.backoff_base_ms = 1;
  auto quick = open_store(env.http, options);
  ASSERT_TRUE(quick.ok());
  auto broken = (*quick)->read_range_sync(obj(env.http + "broken.bin?X-Amz-Signature=SECRET"), 0, 100);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.error().kind, ErrorKind::io);
  EXPECT_EQ(broken.error().message, "GET " + env.http + "broken.bin: HTTP 500");
  EXPECT_EQ(broken.error().message.find("SECRET"), std::string::npos);
}

TEST(HttpStoreServer, KeysAsPathsAndUrls) {
  REQUIRE_SERVERS();
  std::string odd = read_file(env.data + "/dir/with space%.bin");
  auto store = open(env.http + "dir/");
  auto rel = store->read_range_sync(obj("with space%.bin"), 0, 1000);
  ASSERT_TRUE(rel.ok()) << rel.error().message;
  EXPECT_EQ(text(*rel), odd);
  EXPECT_EQ(store->describe("with space%.bin"), env.http + "dir/with%20space%25.bin");
  auto from_root = store->read_range_sync(obj("/small.bin"), 0, 10);
  ASSERT_TRUE(from_root.ok()) << from_root.error().message;
  EXPECT_EQ(text(*from_root), read_file(env.data + "/small.bin").substr(0, 10));
  // A full URL is used as it is, even on another server.
  auto absolute = store->read_range_sync(obj(env.norange + "dir/with%20space%25.bin"), 0, 1000);
  ASSERT_TRUE(absolute.ok()) << absolute.error().message;
  EXPECT_EQ(text(*absolute), odd);
}

TEST(HttpStoreServer, FollowsRedirects) {
  REQUIRE_SERVERS();
  auto store = open(env.http + "redirect/");
  auto r = store->read_range_sync(obj("small.bin"), 5, 10);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(text(*r), read_file(env.data + "/small.bin").substr(5, 10));
  EXPECT_TRUE(r->etag);
  auto info = store->stat("small.bin");
  ASSERT_TRUE(info.ok()) << info.error().message;
  EXPECT_EQ(info->size, read_file(env.data + "/small.bin").size());
}

TEST(HttpStoreServer, RangeIgnoredStillGivesTheRightBytes) {
  REQUIRE_SERVERS();
  auto store = open(env.norange);
  std::string big = read_file(env.data + "/big.bin");
  auto r = store->read_range_sync(obj("big.bin"), 70000, 5000);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(text(*r), big.substr(70000, 5000));
  EXPECT_EQ(r->object_size, big.size());  // from Content-Length on the 200
  auto head = store->read_range_sync(obj("small.bin"), 0, 100);
  ASSERT_TRUE(head.ok());
  EXPECT_EQ(text(*head), read_file(env.data + "/small.bin").substr(0, 100));
}

TEST(HttpStoreServer, HttpsThroughStoreOptions) {
  REQUIRE_SERVERS();
  auto verified = open(env.https, {{"ca_bundle", env.ca}, {"timeout", "30s"}, {"connect_timeout", "5s"}});
  auto r = verified->read_range_sync(obj("small.bin"), 0, 100);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(text(*r), read_file(env.data + "/small.bin").substr(0, 100));
  auto insecure = open(env.https, {{"allow_invalid_certificates", "true"}});
  EXPECT_TRUE(insecure->read_range_sync(obj("small.bin"), 0, 100).ok());
  auto unverified = open(env.https);
  auto bad = unverified->read_range_sync(obj("small.bin"), 0, 100);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::config);  // an untrusted certificate is a setup error
  EXPECT_NE(bad.error().message.find("certificate"), std::string::npos) << bad.error().message;
}

}  // namespace
}  // namespace td::store
