// JSON API response parsing, object name encoding and error messages.
#include "store/gcs/gcs_client.h"

#include <gtest/gtest.h>

namespace td::store::gcs {
namespace {

TEST(GcsJson, ObjectList) {
  auto page = parse_object_list(R"({
    "kind": "storage#objects",
    "nextPageToken": "CgVhLnRpZg==",
    "items": [
      {"name": "dir/a.tif", "size": "12345", "updated": "2023-11-14T22:13:20.123Z", "etag": "CKih16GjycICEAE="},
      {"name": "dir/\u00e9.tif", "size": "0", "updated": "2023-11-14T23:13:20+01:00"}
    ]})");
  ASSERT_TRUE(page.ok()) << page.error().message;
  ASSERT_EQ(page->objects.size(), 2u);
  EXPECT_EQ(page->objects[0].key, "dir/a.tif");
  EXPECT_EQ(page->objects[0].size, 12345u);
  EXPECT_EQ(page->objects[0].last_modified_ms, 1700000000123);
  EXPECT_EQ(page->objects[0].etag, "CKih16GjycICEAE=");
  EXPECT_EQ(page->objects[1].key, "dir/\xc3\xa9.tif");
  EXPECT_EQ(page->objects[1].last_modified_ms, 1700000000000);
  EXPECT_FALSE(page->objects[1].etag.has_value());
  EXPECT_EQ(page->next_page_token, "CgVhLnRpZg==");

  auto last = parse_object_list(R"({"kind": "storage#objects"})");
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->objects.empty());
  EXPECT_TRUE(last->next_page_token.empty());

  EXPECT_FALSE(parse_object_list("<html>").ok());
  EXPECT_FALSE(parse_object_list(R"({"items": [{"size": "1"}]})").ok());
  EXPECT_FALSE(parse_object_list(R"({"items": [{"name": "a", "size": "x1"}]})").ok());
}

TEST(GcsJson, ObjectResource) {
  auto o = parse_object_resource(R"({"name": "a b.tif", "size": "7", "updated": "1970-01-01T00:00:01Z", "etag": "X"})");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->size, 7u);
  EXPECT_EQ(o->last_modified_ms, 1000);
}

TEST(GcsJson, Rfc3339) {
  EXPECT_EQ(parse_rfc3339_ms("2023-11-14T22:13:20Z"), 1700000000000);
  EXPECT_EQ(parse_rfc3339_ms("2023-11-14T22:13:20.5Z"), 1700000000500);
  EXPECT_EQ(parse_rfc3339_ms("2023-11-14T22:13:20.123456Z"), 1700000000123);
  EXPECT_EQ(parse_rfc3339_ms("2023-11-14T17:13:20-05:00"), 1700000000000);
  EXPECT_FALSE(parse_rfc3339_ms("2023-11-14").has_value());
  EXPECT_FALSE(parse_rfc3339_ms("2023-11-14T22:13:20").has_value());  // no zone
}

TEST(GcsJson, ObjectNameEncoding) {
  EXPECT_EQ(encode_object_name("dir/a b+c%\xc3\xa9.tif"), "dir%2Fa%20b%2Bc%25%C3%A9.tif");
}

TEST(GcsJson, Errors) {
  GcsConfig anon;
  anon.bucket = "b";
  http::Response r;
  r.status = 401;
  r.body = R"({"error": {"code": 401, "message": "Anonymous caller does not have storage.objects.list access to the Google Cloud Storage bucket.", "errors": [{"message": "...", "domain": "global", "reason": "required"}]}})";
  Error e = gcs_error(r, "GCS list gs://b/", "https://storage.googleapis.com/storage/v1/b/b/o?prefix=", anon);
  EXPECT_EQ(e.kind, ErrorKind::permission_denied);
  EXPECT_NE(e.message.find("HTTP 401 required: Anonymous caller does not have"), std::string::npos);
  EXPECT_NE(e.message.find("anonymous"), std::string::npos);
  EXPECT_NE(e.message.find("(GET https://storage.googleapis.com/storage/v1/b/b/o)"), std::string::npos);

  GcsConfig sa = anon;
  sa.credentials.type = GcsAuth::service_account;
  sa.credentials.client_email = "x@p.iam.gserviceaccount.com";
  sa.credentials.private_key = "PRIVATE";
  r.status = 403;
  r.body = R"({"error": {"code": 403, "message": "x@p.iam.gserviceaccount.com does not have storage.objects.list access", "errors": [{"reason": "forbidden"}]}})";
  e = gcs_error(r, "GCS list gs://b/", "https://h/storage/v1/b/b/o", sa);
  EXPECT_NE(e.message.find("HTTP 403 forbidden"), std::string::npos);
  EXPECT_NE(e.message.find("lacks permission"), std::string::npos);
  EXPECT_EQ(e.message.find("PRIVATE"), std::string::npos);

  r.status = 404;
  r.body = R"({"error": {"code": 404, "message": "No such object: b/k", "errors": [{"reason": "notFound"}]}})";
  EXPECT_EQ(gcs_error(r, "GCS read", "https://h/", sa).kind, ErrorKind::not_found);
  r.status = 500;
  r.body = "oops";
  EXPECT_EQ(gcs_error(r, "GCS read", "https://h/", sa).kind, ErrorKind::io);
}

}  // namespace
}  // namespace td::store::gcs
