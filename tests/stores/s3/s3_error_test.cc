// S3 error responses into messages: codes, kinds, and the hints that say what
// to change (region, key, credentials). Secrets never appear.
#include <gtest/gtest.h>

#include "store/s3/s3_client.h"

namespace td::store::s3 {
namespace {

S3Config config() {
  S3Config c;
  c.bucket = "bkt";
  c.region = "us-east-1";
  c.credentials = Credentials{"AKID", "SECRET-VALUE", "TOKEN-VALUE"};
  c.credentials_source = "environment (AWS_ACCESS_KEY_ID)";
  return c;
}

http::Response response(long status, std::string body, std::vector<std::pair<std::string, std::string>> headers = {}) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string error_doc(const std::string& code, const std::string& message, const std::string& extra = "") {
  return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" + code + "</Code><Message>" + message +
         "</Message>" + extra + "<RequestId>R</RequestId></Error>";
}

const char kUrl[] = "https://bkt.s3.us-east-1.amazonaws.com/a.tif?X-Amz-Signature=abc";

TEST(S3Error, NoSuchKeyIsNotFound) {
  Error e = s3_error(response(404, error_doc("NoSuchKey", "The specified key does not exist.")), "GET", kUrl, config(), false);
  EXPECT_EQ(e.kind, ErrorKind::not_found);
  EXPECT_EQ(e.message,
            "GET https://bkt.s3.us-east-1.amazonaws.com/a.tif: HTTP 404 Not Found: NoSuchKey: The specified key does not exist.");
}

TEST(S3Error, WrongRegionFromHeaderOn301WithoutBody) {
  // HEAD responses carry no body: the region comes from x-amz-bucket-region.
  Error e = s3_error(response(301, "", {{"x-amz-bucket-region", "eu-central-1"}}), "HEAD", kUrl, config(), false);
  EXPECT_EQ(e.kind, ErrorKind::io);
  EXPECT_NE(e.message.find("HTTP 301 Moved Permanently"), std::string::npos);
  EXPECT_NE(e.message.find("bucket 'bkt' is in region eu-central-1, not us-east-1; set region: eu-central-1"),
            std::string::npos);
}

TEST(S3Error, WrongRegionFromBody) {
  Error e = s3_error(response(400, error_doc("AuthorizationHeaderMalformed", "the region 'us-east-1' is wrong; expecting 'ap-southeast-2'",
                                             "<Region>ap-southeast-2</Region>")),
                     "listing bucket 'bkt' at", kUrl, config(), false);
  EXPECT_NE(e.message.find("set region: ap-southeast-2"), std::string::npos);
  Error redirect = s3_error(response(301, error_doc("PermanentRedirect", "use the specified endpoint",
                                                    "<Endpoint>bkt.s3.eu-west-1.amazonaws.com</Endpoint>")),
                            "GET", kUrl, config(), false);
  EXPECT_NE(redirect.message.find("served by another endpoint (bkt.s3.eu-west-1.amazonaws.com)"), std::string::npos);
}

TEST(S3Error, CredentialHintsNameTheSourceNotTheSecret) {
  Error sig = s3_error(response(403, error_doc("SignatureDoesNotMatch", "no match")), "GET", kUrl, config(), false);
  EXPECT_EQ(sig.kind, ErrorKind::config);  // wrong credentials fail the run, not each object
  EXPECT_NE(sig.message.find("check the secret access key (from environment (AWS_ACCESS_KEY_ID))"), std::string::npos);
  Error id = s3_error(response(403, error_doc("InvalidAccessKeyId", "unknown")), "GET", kUrl, config(), false);
  EXPECT_NE(id.message.find("check the access key id"), std::string::npos);
  for (const Error& e : {sig, id}) {
    EXPECT_EQ(e.message.find("SECRET-VALUE"), std::string::npos);
    EXPECT_EQ(e.message.find("TOKEN-VALUE"), std::string::npos);
    EXPECT_EQ(e.message.find("X-Amz-Signature"), std::string::npos);
  }
}

TEST(S3Error, UnsignedHint) {
  S3Config c = config();
  c.credentials = Credentials{};
  c.profile = "default";
  auto denied = response(403, error_doc("AccessDenied", "Access Denied"));
  Error with = s3_error(denied, "listing bucket 'bkt' at", kUrl, c, true);
  EXPECT_NE(with.message.find("AccessDenied: Access Denied - no AWS credentials were found"), std::string::npos);
  EXPECT_NE(with.message.find("skip_signature: true"), std::string::npos);
  Error without = s3_error(denied, "GET", kUrl, c, false);
  EXPECT_EQ(without.message.find("credentials"), std::string::npos);
}

TEST(S3Error, NonXmlBodies) {
  Error e = s3_error(response(502, "<html>\n<body>Bad gateway</body></html>"), "GET", kUrl, config(), false);
  EXPECT_EQ(e.kind, ErrorKind::io);
  EXPECT_NE(e.message.find("HTTP 502: <html> <body>Bad gateway"), std::string::npos);
}

}  // namespace
}  // namespace td::store::s3
