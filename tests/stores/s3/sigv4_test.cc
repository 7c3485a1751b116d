// SigV4 against the four worked examples of AWS's "Signature Calculations for
// the Authorization Header (AWS Signature Version 4)" S3 page (GET object
// with Range, PUT object, GET bucket lifecycle, GET bucket list). Example
// credentials: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY,
// 20130524T000000Z, us-east-1, bucket examplebucket (virtual-hosted).
#include <gtest/gtest.h>

#include "store/s3/sigv4.h"

namespace td::store::s3 {
namespace {

const Credentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", ""};
const std::time_t kWhen = 1369353600;  // 2013-05-24T00:00:00Z
const char kHost[] = "examplebucket.s3.amazonaws.com";

TEST(SigV4, AmzDate) { EXPECT_EQ(amz_date(kWhen), "20130524T000000Z"); }

TEST(SigV4, GetObjectWithRangeCanonicalRequest) {
  SigningRequest r{"GET", "/test.txt", {}, {{"Host", kHost}, {"Range", "bytes=0-9"}}};
  r.headers.emplace_back("x-amz-content-sha256", kEmptyPayloadHash);
  r.headers.emplace_back("x-amz-date", "20130524T000000Z");
  const std::string expected =
      "GET\n/test.txt\n\n"
      "host:examplebucket.s3.amazonaws.com\n"
      "range:bytes=0-9\n"
      "x-amz-content-sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
      "x-amz-date:20130524T000000Z\n\n"
      "host;range;x-amz-content-sha256;x-amz-date\n"
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  EXPECT_EQ(canonical_request(r), expected);
  const std::string sts = string_to_sign("20130524T000000Z", "us-east-1", "s3", expected);
  EXPECT_EQ(sts,
            "AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"
            "7344ae5b7ee6c3e7e6b0fe0640412a37625d1fbfff95c48bbb2dc43964946972");
  EXPECT_EQ(signature(kExample.secret_access_key, "20130524", "us-east-1", "s3", sts),
            "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(SigV4, GetObjectWithRangeAuthorizationHeader) {
  SigningRequest r{"GET", encode_object_path("test.txt"), {}, {{"host", kHost}, {"range", "bytes=0-9"}}};
  EXPECT_EQ(sign(r, kExample, "us-east-1", "s3", kWhen),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
  // sign() added exactly the two x-amz headers it signed (no token).
  ASSERT_EQ(r.headers.size(), 4u);
  EXPECT_EQ(r.headers[2], (std::pair<std::string, std::string>{"x-amz-date", "20130524T000000Z"}));
  EXPECT_EQ(r.headers[3].first, "x-amz-content-sha256");
}

TEST(SigV4, PutObjectWithEncodedKey) {
  // The '$' of "test$file.text" is encoded in the canonical URI.
  SigningRequest r{"PUT", encode_object_path("test$file.text"), {},
                   {{"Host", kHost}, {"Date", "Fri, 24 May 2013 00:00:00 GMT"},
                    {"x-amz-storage-class", "REDUCED_REDUNDANCY"}},
                   sha256_hex("Welcome to Amazon S3.")};
  EXPECT_EQ(r.canonical_uri, "/test%24file.text");
  EXPECT_EQ(r.payload_hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  std::string auth = sign(r, kExample, "us-east-1", "s3", kWhen);
  EXPECT_EQ(sha256_hex(canonical_request(r)), "9e0e90d9c76de8fa5b200d8c849cd5b8dc7a3be3951ddb7f6a76b4158342019d");
  EXPECT_NE(auth.find("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class"), std::string::npos);
  EXPECT_NE(auth.find("Signature=98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd"), std::string::npos);
}

TEST(SigV4, GetBucketLifecycleEmptyQueryValue) {
  SigningRequest r{"GET", "/", {{"lifecycle", ""}}, {{"host", kHost}}};
  std::string auth = sign(r, kExample, "us-east-1", "s3", kWhen);
  EXPECT_EQ(canonical_query(r.query), "lifecycle=");
  EXPECT_EQ(sha256_hex(canonical_request(r)), "9766c798316ff2757b517bc739a67f6213b4ab36dd5da2f94eaebf79c77395ca");
  EXPECT_NE(auth.find("Signature=fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543"), std::string::npos);
}

TEST(SigV4, ListObjectsSortedQuery) {
  // Given out of order: the canonical query sorts by name.
  SigningRequest r{"GET", "/", {{"prefix", "J"}, {"max-keys", "2"}}, {{"host", kHost}}};
  std::string auth = sign(r, kExample, "us-east-1", "s3", kWhen);
  EXPECT_EQ(canonical_query(r.query), "max-keys=2&prefix=J");
  EXPECT_EQ(sha256_hex(canonical_request(r)), "df57d21db20da04d7fa30298dd4488ba3a2b47ca3a489c74750e0f1e7df1b9b7");
  EXPECT_NE(auth.find("Signature=34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7"), std::string::npos);
}

TEST(SigV4, UriEncoding) {
  EXPECT_EQ(uri_encode("AZaz09-._~", false), "AZaz09-._~");
  EXPECT_EQ(uri_encode("a b+c=d&e%f/g", false), "a%20b%2Bc%3Dd%26e%25f%2Fg");
  EXPECT_EQ(uri_encode("a b/c", true), "a%20b/c");
  EXPECT_EQ(uri_encode("\xc3\xa9", false), "%C3%A9");  // é, UTF-8 bytes, upper-case hex
  EXPECT_EQ(encode_object_path("dir/sub dir/x+y~z.tif"), "/dir/sub%20dir/x%2By~z.tif");
  EXPECT_EQ(encode_object_path("a//b/"), "/a//b/");  // empty segments are kept (S3 keys are not paths)
  EXPECT_EQ(canonical_query({{"b", "2"}, {"a", "x y"}, {"a", "x+y"}}), "a=x%20y&a=x%2By&b=2");
}

TEST(SigV4, SessionTokenIsSentAndSigned) {
  Credentials c = kExample;
  c.session_token = "token/with+chars=";
  SigningRequest r{"GET", "/k", {}, {{"host", kHost}}};
  std::string auth = sign(r, c, "us-east-1", "s3", kWhen);
  EXPECT_NE(auth.find("SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token,"), std::string::npos);
  EXPECT_EQ(r.headers.back(), (std::pair<std::string, std::string>{"x-amz-security-token", c.session_token}));
  // The token is part of the signature.
  SigningRequest without{"GET", "/k", {}, {{"host", kHost}}};
  EXPECT_NE(sign(without, kExample, "us-east-1", "s3", kWhen).substr(auth.size() - 64), auth.substr(auth.size() - 64));
}

TEST(SigV4, HeaderValuesTrimmedAndCollapsed) {
  SigningRequest r{"GET", "/", {}, {{"HOST", "  h  "}, {"X-Custom", "a   b \t c"}}};
  EXPECT_EQ(canonical_request(r), "GET\n/\n\nhost:h\nx-custom:a b c\n\nhost;x-custom\n" + std::string(kEmptyPayloadHash));
}

TEST(SigV4, UnsignedPayloadHash) {
  SigningRequest r{"GET", "/", {}, {{"host", "h"}}, kUnsignedPayload};
  sign(r, kExample, "us-east-1", "s3", kWhen);
  EXPECT_EQ(r.headers[2], (std::pair<std::string, std::string>{"x-amz-content-sha256", "UNSIGNED-PAYLOAD"}));
  EXPECT_TRUE(canonical_request(r).ends_with("\nUNSIGNED-PAYLOAD"));
}

}  // namespace
}  // namespace td::store::s3
