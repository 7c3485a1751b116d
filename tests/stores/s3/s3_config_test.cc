// S3 settings precedence: store.obstore_config > AWS_* environment > the
// shared files (~/.aws/credentials, ~/.aws/config), with a fake environment
// and temporary files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "store/s3/s3_config.h"

namespace td::store::s3 {
namespace {

namespace fs = std::filesystem;
using Options = std::map<std::string, std::string>;

class S3ConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    home_ = fs::temp_directory_path() / ("s3cfg-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(home_ / ".aws");
    env_["HOME"] = home_.string();
  }
  void TearDown() override { fs::remove_all(home_); }

  void write(const std::string& rel, const std::string& text) { std::ofstream(home_ / rel) << text; }
  EnvLookup env() const {
    return [this](const std::string& n) -> std::optional<std::string> {
      auto it = env_.find(n);
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }
  Result<S3Config> resolve(const Options& o, const std::string& bucket = "bkt") { return resolve_s3_config(bucket, o, env()); }

  fs::path home_;
  std::map<std::string, std::string> env_;
};

TEST_F(S3ConfigTest, Defaults) {
  auto c = resolve({});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->region, "us-east-1");
  EXPECT_TRUE(c->credentials.empty());
  EXPECT_TRUE(c->credentials_source.empty());
  EXPECT_FALSE(c->skip_signature);
  EXPECT_TRUE(c->virtual_hosted);
  EXPECT_EQ(c->origin, "https://bkt.s3.us-east-1.amazonaws.com");
  EXPECT_EQ(c->host, "bkt.s3.us-east-1.amazonaws.com");
  EXPECT_EQ(c->base_path, "");
}

TEST_F(S3ConfigTest, OptionsBeatEnvironmentBeatFiles) {
  write(".aws/credentials", "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = FILESECRET\n");
  write(".aws/config", "[default]\nregion = eu-north-1\n");
  auto files = resolve({});
  ASSERT_TRUE(files.ok()) << files.error().message;
  EXPECT_EQ(files->credentials.access_key_id, "FILEKEY");
  EXPECT_EQ(files->credentials.secret_access_key, "FILESECRET");
  EXPECT_EQ(files->region, "eu-north-1");
  EXPECT_NE(files->credentials_source.find("profile 'default'"), std::string::npos);

  env_["AWS_ACCESS_KEY_ID"] = "ENVKEY";
  env_["AWS_SECRET_ACCESS_KEY"] = "ENVSECRET";
  env_["AWS_SESSION_TOKEN"] = "ENVTOKEN";
  env_["AWS_DEFAULT_REGION"] = "ap-south-1";
  auto from_env = resolve({});
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->credentials.access_key_id, "ENVKEY");
  EXPECT_EQ(from_env->credentials.session_token, "ENVTOKEN");
  EXPECT_EQ(from_env->region, "ap-south-1");
  env_["AWS_REGION"] = "ca-central-1";  // AWS_REGION beats AWS_DEFAULT_REGION
  EXPECT_EQ(resolve({})->region, "ca-central-1");

  auto from_options = resolve({{"access_key_id", "OPTKEY"}, {"secret_access_key", "OPTSECRET"}, {"region", "us-west-2"}});
  ASSERT_TRUE(from_options.ok());
  EXPECT_EQ(from_options->credentials.access_key_id, "OPTKEY");
  EXPECT_EQ(from_options->credentials.secret_access_key, "OPTSECRET");
  // Credentials are one set: the environment's token is not mixed in.
  EXPECT_EQ(from_options->credentials.session_token, "");
  EXPECT_EQ(from_options->credentials_source, "store.obstore_config");
  EXPECT_EQ(from_options->region, "us-west-2");
}

TEST_F(S3ConfigTest, AliasesAndTokenNames) {
  for (const char* token_key : {"aws_session_token", "session_token", "token"}) {
    auto c = resolve({{"aws_access_key_id", "K"}, {"aws_secret_access_key", "S"}, {token_key, "T"}});
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->credentials.session_token, "T") << token_key;
  }
  for (const char* region_key : {"aws_region", "region", "aws_default_region", "default_region"}) {
    EXPECT_EQ(resolve({{region_key, "sa-east-1"}})->region, "sa-east-1") << region_key;
  }
}

TEST_F(S3ConfigTest, ProfileSelectionAndCustomFilePaths) {
  write("creds", "[default]\naws_access_key_id = D\naws_secret_access_key = DS\n\n[work]\n"
                 "aws_access_key_id=W\naws_secret_access_key=WS\naws_session_token = WT\n");
  write("conf", "[default]\nregion = us-east-2\n[profile work]\nregion = eu-west-3\ns3 =\n  addressing_style = path\n");
  env_["AWS_SHARED_CREDENTIALS_FILE"] = (home_ / "creds").string();
  env_["AWS_CONFIG_FILE"] = (home_ / "conf").string();
  env_["AWS_PROFILE"] = "work";
  auto c = resolve({});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->credentials.access_key_id, "W");
  EXPECT_EQ(c->credentials.session_token, "WT");
  EXPECT_EQ(c->region, "eu-west-3");
  EXPECT_EQ(c->profile, "work");

  env_["AWS_PROFILE"] = "missing";
  auto missing = resolve({});
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("AWS_PROFILE=missing"), std::string::npos);
  // With credentials and region elsewhere, the files are never read.
  EXPECT_TRUE(resolve({{"access_key_id", "K"}, {"secret_access_key", "S"}, {"region", "r"}, {"endpoint", "https://e"}}).ok());
}

TEST_F(S3ConfigTest, UnsupportedProfileKindsAreExplained) {
  write(".aws/config", "[default]\nsso_session = corp\nregion = us-east-1\n");
  auto c = resolve({});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->credentials.empty());
  ASSERT_EQ(c->notes.size(), 1u);
  EXPECT_NE(c->notes[0].find("sso_session"), std::string::npos);
}

TEST_F(S3ConfigTest, PartialCredentialsAreErrors) {
  auto a = resolve({{"aws_access_key_id", "K"}});
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.error().kind, ErrorKind::config);
  EXPECT_NE(a.error().message.find("no secret access key"), std::string::npos);
  env_["AWS_SECRET_ACCESS_KEY"] = "S";
  auto b = resolve({});
  ASSERT_FALSE(b.ok());
  EXPECT_NE(b.error().message.find("AWS_SECRET_ACCESS_KEY"), std::string::npos);
  // Secrets never appear in messages.
  EXPECT_EQ(b.error().message.find("=S"), std::string::npos);
}

TEST_F(S3ConfigTest, SkipSignatureIgnoresCredentials) {
  env_["AWS_ACCESS_KEY_ID"] = "K";
  env_["AWS_SECRET_ACCESS_KEY"] = "S";
  for (const char* v : {"true", "True", "1", "TRUE"}) {
    auto c = resolve({{"skip_signature", v}});
    ASSERT_TRUE(c.ok());
    EXPECT_TRUE(c->skip_signature);
    EXPECT_TRUE(c->credentials.empty()) << v;
  }
  EXPECT_FALSE(resolve({{"aws_skip_signature", "False"}})->skip_signature);
  EXPECT_FALSE(resolve({{"aws_skip_signature", "0"}})->credentials.empty());
  env_["AWS_SKIP_SIGNATURE"] = "true";
  EXPECT_TRUE(resolve({})->skip_signature);
  EXPECT_FALSE(resolve({{"skip_signature", "false"}})->skip_signature);  // options beat the environment
  auto bad = resolve({{"skip_signature", "maybe"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("skip_signature"), std::string::npos);
}

TEST_F(S3ConfigTest, PlainHttpEndpointNeedsAllowHttp) {
  auto refused = resolve({{"endpoint", "http://127.0.0.1:9000"}});
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().kind, ErrorKind::config);
  EXPECT_NE(refused.error().message.find("allow_http"), std::string::npos);
  auto c = resolve({{"aws_endpoint", "http://127.0.0.1:9000/"}, {"allow_http", "True"}});
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_FALSE(c->virtual_hosted);  // custom endpoint: path-style
  EXPECT_EQ(c->origin, "http://127.0.0.1:9000");
  EXPECT_EQ(c->host, "127.0.0.1:9000");
  EXPECT_EQ(c->base_path, "/bkt");
  env_["AWS_ALLOW_HTTP"] = "1";
  env_["AWS_ENDPOINT_URL"] = "http://localhost:1234";
  auto e = resolve({});
  ASSERT_TRUE(e.ok()) << e.error().message;
  EXPECT_EQ(e->origin, "http://localhost:1234");
  EXPECT_FALSE(resolve({{"endpoint", "ftp://x"}}).ok());
}

TEST_F(S3ConfigTest, Addressing) {
  auto vhost = resolve({{"endpoint", "https://s3.example.com"}, {"virtual_hosted_style_request", "true"}});
  ASSERT_TRUE(vhost.ok());
  EXPECT_EQ(vhost->origin, "https://bkt.s3.example.com");
  EXPECT_EQ(vhost->base_path, "");
  // obstore style: the endpoint already names the bucket.
  auto named = resolve({{"endpoint", "https://bkt.s3.example.com"}, {"aws_virtual_hosted_style_request", "1"}});
  EXPECT_EQ(named->origin, "https://bkt.s3.example.com");
  auto path_style = resolve({{"region", "eu-west-1"}, {"virtual_hosted_style_request", "false"}});
  EXPECT_EQ(path_style->origin, "https://s3.eu-west-1.amazonaws.com");
  EXPECT_EQ(path_style->base_path, "/bkt");
  auto dotted = resolve({}, "my.dotted.bucket");
  EXPECT_FALSE(dotted->virtual_hosted);
  EXPECT_EQ(dotted->base_path, "/my.dotted.bucket");
}

TEST_F(S3ConfigTest, OptionNotes) {
  auto c = resolve({{"azure_storage_account_name", "x"}, {"timeout", "30s"}, {"bucket", "bkt"}, {"request_payer", "true"}});
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->request_payer);
  ASSERT_EQ(c->notes.size(), 1u);  // only the Azure key: transport keys and bucket are fine
  EXPECT_NE(c->notes[0].find("azure_storage_account_name"), std::string::npos);
}

}  // namespace
}  // namespace td::store::s3
