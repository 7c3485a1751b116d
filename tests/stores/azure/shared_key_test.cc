// Shared Key signing against the documented example of
// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
// (Get Container Metadata), with signatures computed independently by
// Python's hmac module:
//   python3 -c 'import hmac,hashlib,base64; k=base64.b64decode(KEY);
//               print(base64.b64encode(hmac.new(k, S.encode(), hashlib.sha256).digest()))'
#include "store/azure/shared_key.h"

#include <gtest/gtest.h>

#include "store/azure/azure_config.h"

namespace td::store::azure {
namespace {

const char* kDocUrl = "https://myaccount.blob.core.windows.net/mycontainer?restype=container&comp=metadata&timeout=20";
const char* kDocStringToSign =
    "GET\n\n\n\n\n\n\n\n\n\n\n\n"
    "x-ms-date:Fri, 26 Jun 2015 23:39:12 GMT\nx-ms-version:2015-02-21\n"
    "/myaccount/mycontainer\ncomp:metadata\nrestype:container\ntimeout:20";

TEST(SharedKey, DocumentedStringToSign) {
  Headers h = {{"x-ms-version", "2015-02-21"}, {"x-ms-date", "Fri, 26 Jun 2015 23:39:12 GMT"}};
  EXPECT_EQ(string_to_sign("GET", h, "myaccount", kDocUrl), kDocStringToSign);
}

TEST(SharedKey, SignatureMatchesIndependentHmac) {
  auto sig = shared_key_signature(kEmulatorKey, kDocStringToSign);
  ASSERT_TRUE(sig.ok());
  EXPECT_EQ(*sig, "1u9lui2jDxj0+fpbHjQ5m5NnastJRSYM+PSmfi8TXx4=");
}

TEST(SharedKey, CanonicalizedHeadersLowercasedSortedTrimmed) {
  Headers h = {{"X-MS-Version", "2021-08-06"}, {"Content-Type", "x"}, {"x-ms-date", "  D  "}, {"x-ms-blob-type", "BlockBlob"}};
  EXPECT_EQ(canonicalized_headers(h), "x-ms-blob-type:BlockBlob\nx-ms-date:D\nx-ms-version:2021-08-06\n");
}

TEST(SharedKey, CanonicalizedResourceQueryDecodedLowercasedSorted) {
  EXPECT_EQ(canonicalized_resource("acct", "https://acct.blob.core.windows.net/c?restype=container&comp=list"
                                           "&prefix=a%2Fb%20c&maxresults=7&Marker=xyz%3D%3D"),
            "/acct/c\ncomp:list\nmarker:xyz==\nmaxresults:7\nprefix:a/b c\nrestype:container");
  // Path-style emulator URL: the account appears twice; the path stays encoded.
  EXPECT_EQ(canonicalized_resource("devstoreaccount1", "http://127.0.0.1:10000/devstoreaccount1/c/a%20b.tif"),
            "/devstoreaccount1/devstoreaccount1/c/a%20b.tif");
  EXPECT_EQ(canonicalized_resource("a", "https://a.blob.core.windows.net"), "/a/");
}

TEST(SharedKey, ZeroContentLengthIsEmpty) {
  Headers h = {{"Content-Length", "0"}, {"x-ms-date", "D"}};
  EXPECT_EQ(string_to_sign("PUT", h, "a", "https://h/c/b"), "PUT\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:D\n/a/c/b");
  h[0].second = "12";
  EXPECT_EQ(string_to_sign("PUT", h, "a", "https://h/c/b"), "PUT\n\n\n12\n\n\n\n\n\n\n\n\nx-ms-date:D\n/a/c/b");
}

TEST(SharedKey, SignRequestSetsDateAndAuthorization) {
  http::Request r;
  r.url = "http://127.0.0.1:10000/devstoreaccount1/c/dir/a%20b.tif";
  r.headers = {{"x-ms-version", "2021-08-06"}, {"x-ms-range", "bytes=0-65535"}, {"x-ms-date", "stale"}};
  ASSERT_TRUE(sign_shared_key(r, "devstoreaccount1", kEmulatorKey, 784111777).ok());
  std::map<std::string, std::string> h(r.headers.begin(), r.headers.end());
  EXPECT_EQ(r.headers.size(), 4u);  // the stale date replaced, not duplicated
  EXPECT_EQ(h["x-ms-date"], "Sun, 06 Nov 1994 08:49:37 GMT");
  EXPECT_EQ(h["Authorization"], "SharedKey devstoreaccount1:76BQaLAwRmWUuepWnbphU8q9zdaBSG5xFft8EM7Unuw=");
}

TEST(SharedKey, BadKeyIsAnError) {
  EXPECT_FALSE(shared_key_signature("not base64!", "x").ok());
  http::Request r;
  r.url = "https://a/c";
  EXPECT_FALSE(sign_shared_key(r, "a", "%%%", 0).ok());
}

TEST(SharedKey, Base64RoundTrip) {
  for (const std::string& s : std::vector<std::string>{"f", "fo", "foo", "foob", std::string("\0\xff\x10", 3)}) {
    auto d = base64_decode(base64_encode(s));
    ASSERT_TRUE(d.has_value());
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(base64_encode("foob"), "Zm9vYg==");
  EXPECT_FALSE(base64_decode("Zm9").has_value());
}

TEST(SharedKey, Rfc1123Date) {
  EXPECT_EQ(rfc1123_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
  EXPECT_EQ(rfc1123_date(1700000000), "Tue, 14 Nov 2023 22:13:20 GMT");
}

}  // namespace
}  // namespace td::store::azure
