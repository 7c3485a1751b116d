// Where the GCS store takes its endpoint and credentials from.
#include "store/gcs/gcs_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

namespace td::store::gcs {
namespace {

StoreUrl url(const std::string& u) { return *parse_store_url(u); }

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
const EnvLookup no_env = env_of({{"HOME", "/nonexistent"}});

const char* kKey = R"({"type": "service_account", "project_id": "p", "private_key_id": "kid1",
  "private_key": "-----BEGIN PRIVATE KEY-----\nMII...\n-----END PRIVATE KEY-----\n",
  "client_email": "sa@p.iam.gserviceaccount.com", "token_uri": "http://127.0.0.1:9999/token"})";

TEST(GcsConfig, AnonymousByDefault) {
  auto c = resolve_gcs_config(url("gs://bucket/some/prefix"), {}, no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->bucket, "bucket");
  EXPECT_EQ(c->root, "some/prefix/");
  EXPECT_EQ(c->endpoint, "https://storage.googleapis.com");
  EXPECT_EQ(c->credentials.type, GcsAuth::anonymous);
}

TEST(GcsConfig, KeyTextFromOptions) {
  auto c = resolve_gcs_config(url("gs://b"), {{"service_account_key", kKey}}, no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->credentials.type, GcsAuth::service_account);
  EXPECT_EQ(c->credentials.client_email, "sa@p.iam.gserviceaccount.com");
  EXPECT_EQ(c->credentials.private_key_id, "kid1");
  EXPECT_EQ(c->credentials.token_uri, "http://127.0.0.1:9999/token");  // loopback http allowed
  EXPECT_EQ(c->credentials_source, "store.obstore_config.service_account_key");
}

TEST(GcsConfig, KeyFileFromEnvironment) {
  char path[] = "/tmp/td-gcs-key-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  std::ofstream(path) << kKey;
  auto c = resolve_gcs_config(url("gs://b"), {}, env_of({{"GOOGLE_APPLICATION_CREDENTIALS", path}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->credentials.type, GcsAuth::service_account);
  EXPECT_NE(c->credentials_source.find("GOOGLE_APPLICATION_CREDENTIALS"), std::string::npos);
  // The option wins over the environment; skip_signature wins over both.
  auto skip = resolve_gcs_config(url("gs://b"), {{"skip_signature", "true"}, {"service_account", path}},
                                 env_of({{"GOOGLE_APPLICATION_CREDENTIALS", path}}));
  ASSERT_TRUE(skip.ok());
  EXPECT_EQ(skip->credentials.type, GcsAuth::anonymous);
  ::close(fd);
  std::remove(path);
  auto missing = resolve_gcs_config(url("gs://b"), {{"service_account", "/nonexistent/key.json"}}, no_env);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/key.json"), std::string::npos);
}

TEST(GcsConfig, AuthorizedUser) {
  auto c = resolve_gcs_config(
      url("gs://b"),
      {{"service_account_key", R"({"type":"authorized_user","client_id":"i","client_secret":"s","refresh_token":"r"})"}},
      no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->credentials.type, GcsAuth::authorized_user);
  EXPECT_EQ(c->credentials.token_uri, "https://oauth2.googleapis.com/token");
}

TEST(GcsConfig, BadCredentialsNeverQuoted) {
  auto c = resolve_gcs_config(url("gs://b"), {{"service_account_key", "{\"type\":\"service_account\",\"private_key\":\"TOPSECRET\"}"}}, no_env);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message.find("TOPSECRET"), std::string::npos);
  EXPECT_FALSE(resolve_gcs_config(url("gs://b"), {{"service_account_key", "not json"}}, no_env).ok());
  EXPECT_FALSE(resolve_gcs_config(url("gs://b"), {{"service_account_key", R"({"type":"external_account"})"}}, no_env).ok());
  std::string remote_http = kKey;
  remote_http.replace(remote_http.find("127.0.0.1:9999"), 14, "example.com");
  EXPECT_FALSE(resolve_gcs_config(url("gs://b"), {{"service_account_key", remote_http}}, no_env).ok());
}

TEST(GcsConfig, Endpoint) {
  auto c = resolve_gcs_config(url("gs://b"), {}, env_of({{"STORAGE_EMULATOR_HOST", "localhost:9023"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->endpoint, "http://localhost:9023");
  auto plain = resolve_gcs_config(url("gs://b"), {{"endpoint", "http://127.0.0.1:1/"}}, no_env);
  ASSERT_FALSE(plain.ok());
  EXPECT_NE(plain.error().message.find("allow_http"), std::string::npos);
  c = resolve_gcs_config(url("gs://b"), {{"endpoint", "http://127.0.0.1:1/"}, {"allow_http", "true"}}, no_env);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:1");
}

}  // namespace
}  // namespace td::store::gcs
