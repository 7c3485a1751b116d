// JWT construction and RS256 signatures checked by the openssl command-line
// tool against a key generated for the test (`openssl genpkey`), not by our
// own code; token request bodies and token endpoint answers.
#include "store/gcs/gcs_credentials.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace td::store::gcs {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

void spit(const fs::path& p, const std::string& data) {
  std::ofstream out(p, std::ios::binary);
  out << data;
}

class Rs256 : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/td-gcs-jwt-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    std::string cmd = "openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + (dir_ / "key.pem").string() +
                      " 2>/dev/null && openssl pkey -in " + (dir_ / "key.pem").string() + " -pubout -out " +
                      (dir_ / "pub.pem").string();
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl genpkey failed";
    creds_.type = GcsAuth::service_account;
    creds_.client_email = "dumper@project.iam.gserviceaccount.com";
    creds_.private_key = slurp(dir_ / "key.pem");
    creds_.private_key_id = "0123abcd";
    creds_.token_uri = "https://oauth2.googleapis.com/token";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Whether `openssl dgst -sha256 -verify` accepts `signature` over `data`.
  bool openssl_verifies(const std::string& data, const std::string& signature) {
    spit(dir_ / "data", data);
    spit(dir_ / "sig", signature);
    std::string cmd = "openssl dgst -sha256 -verify " + (dir_ / "pub.pem").string() + " -signature " +
                      (dir_ / "sig").string() + " " + (dir_ / "data").string() + " >/dev/null 2>&1";
    return std::system(cmd.c_str()) == 0;
  }

  fs::path dir_;
  GoogleCredentials creds_;
};

TEST_F(Rs256, SignatureVerifiesWithOpenssl) {
  auto sig = rs256_sign(creds_.private_key, "hello");
  ASSERT_TRUE(sig.ok()) << sig.error().message;
  EXPECT_EQ(sig->size(), 256u);
  EXPECT_TRUE(openssl_verifies("hello", *sig));
  EXPECT_FALSE(openssl_verifies("hellO", *sig));
}

TEST_F(Rs256, JwtStructureAndSignature) {
  auto jwt = make_service_account_jwt(creds_, kReadOnlyScope, 1700000000);
  ASSERT_TRUE(jwt.ok()) << jwt.error().message;
  auto dot1 = jwt->find('.'), dot2 = jwt->rfind('.');
  ASSERT_NE(dot1, dot2);
  auto header = nlohmann::json::parse(*base64url_decode(jwt->substr(0, dot1)));
  auto claims = nlohmann::json::parse(*base64url_decode(jwt->substr(dot1 + 1, dot2 - dot1 - 1)));
  EXPECT_EQ(header, nlohmann::json({{"alg", "RS256"}, {"typ", "JWT"}, {"kid", "0123abcd"}}));
  EXPECT_EQ(claims["iss"], "dumper@project.iam.gserviceaccount.com");
  EXPECT_EQ(claims["scope"], "https://www.googleapis.com/auth/devstorage.read_only");
  EXPECT_EQ(claims["aud"], "https://oauth2.googleapis.com/token");
  EXPECT_EQ(claims["iat"], 1700000000);
  EXPECT_EQ(claims["exp"], 1700003600);
  EXPECT_EQ(jwt->find_first_of("+/="), std::string::npos);  // base64url, unpadded
  auto sig = base64url_decode(jwt->substr(dot2 + 1));
  ASSERT_TRUE(sig.has_value());
  EXPECT_TRUE(openssl_verifies(jwt->substr(0, dot2), *sig));
}

TEST_F(Rs256, TokenRequestBody) {
  auto body = token_request_body(creds_, kReadOnlyScope, 1700000000);
  ASSERT_TRUE(body.ok());
  EXPECT_EQ(body->rfind("grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion=", 0), 0u);
  GoogleCredentials user;
  user.type = GcsAuth::authorized_user;
  user.client_id = "id.apps";
  user.client_secret = "s/cret";
  user.refresh_token = "1//r+t";
  EXPECT_EQ(*token_request_body(user, kReadOnlyScope, 0),
            "grant_type=refresh_token&client_id=id.apps&client_secret=s%2Fcret&refresh_token=1%2F%2Fr%2Bt");
}

TEST_F(Rs256, BadKeys) {
  EXPECT_FALSE(rs256_sign("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "x").ok());
  ASSERT_EQ(std::system(("openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out " +
                         (dir_ / "ec.pem").string() + " 2>/dev/null").c_str()), 0);
  auto ec = rs256_sign(slurp(dir_ / "ec.pem"), "x");
  ASSERT_FALSE(ec.ok());
  EXPECT_NE(ec.error().message.find("not an RSA key"), std::string::npos);
}

TEST(Base64Url, RoundTrip) {
  for (const std::string& s : std::vector<std::string>{"", "f", "fo", "foo", "\xfb\xff\xfe", std::string(100, '\xff')}) {
    auto d = base64url_decode(base64url_encode(s));
    ASSERT_TRUE(d.has_value()) << s;
    EXPECT_EQ(*d, s);
  }
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
  EXPECT_FALSE(base64url_decode("a").has_value());
  EXPECT_FALSE(base64url_decode("ab=c").has_value());
}

TEST(TokenResponse, SuccessAndErrors) {
  http::Response ok;
  ok.status = 200;
  ok.body = R"({"access_token":"ya29.TOKEN","expires_in":3599,"token_type":"Bearer"})";
  auto t = parse_token_response(ok, "https://oauth2.googleapis.com/token", "key.json", 1000);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->token, "ya29.TOKEN");
  EXPECT_EQ(t->expires_at, 4599);

  http::Response bad;
  bad.status = 400;
  bad.body = R"({"error":"invalid_grant","error_description":"Invalid JWT Signature."})";
  auto e = parse_token_response(bad, "https://oauth2.googleapis.com/token?x=secret", "/keys/sa.json", 0);
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.error().kind, ErrorKind::config);
  EXPECT_NE(e.error().message.find("HTTP 400 invalid_grant: Invalid JWT Signature."), std::string::npos);
  EXPECT_NE(e.error().message.find("/keys/sa.json"), std::string::npos);
  EXPECT_EQ(e.error().message.find("secret"), std::string::npos);

  http::Response empty;
  empty.status = 200;
  empty.body = "{}";
  EXPECT_FALSE(parse_token_response(empty, "https://t", "k", 0).ok());
}

}  // namespace
}  // namespace td::store::gcs
