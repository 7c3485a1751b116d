// Where the Azure store takes its account, endpoint and credentials from.
#include "store/azure/azure_config.h"

#include <gtest/gtest.h>

namespace td::store::azure {
namespace {

StoreUrl url(const std::string& u) { return *parse_store_url(u); }

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}
const EnvLookup no_env = env_of({});

TEST(AzureConfig, KeyFromOptions) {
  auto c = resolve_azure_config(url("az://cont/some/prefix"), {{"account_name", "acct"}, {"account_key", kEmulatorKey}}, no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->account, "acct");
  EXPECT_EQ(c->container, "cont");
  EXPECT_EQ(c->root, "some/prefix/");
  EXPECT_EQ(c->endpoint, "https://acct.blob.core.windows.net");
  EXPECT_EQ(c->auth, AzureAuth::shared_key);
}

TEST(AzureConfig, AccountFromUrlForms) {
  auto c = resolve_azure_config(url("abfss://cont@myacct.dfs.core.windows.net/p"), {}, no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->account, "myacct");
  EXPECT_EQ(c->endpoint, "https://myacct.blob.core.windows.net");
  EXPECT_EQ(c->auth, AzureAuth::anonymous);
  c = resolve_azure_config(url("https://pub.blob.core.windows.net/cont/x/"), {}, no_env);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->account, "pub");
  EXPECT_EQ(c->container, "cont");
  EXPECT_EQ(c->root, "x/");
}

TEST(AzureConfig, EnvironmentFallback) {
  auto c = resolve_azure_config(url("az://cont"), {}, env_of({{"AZURE_STORAGE_ACCOUNT_NAME", "e"},
                                                              {"AZURE_STORAGE_SAS_TOKEN", "?sv=2021&sig=abc"}}));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->account, "e");
  EXPECT_EQ(c->auth, AzureAuth::sas);
  EXPECT_EQ(c->sas_token, "sv=2021&sig=abc");
  // Options win over the environment.
  c = resolve_azure_config(url("az://cont"), {{"account_name", "o"}}, env_of({{"AZURE_STORAGE_ACCOUNT_NAME", "e"}}));
  EXPECT_EQ(c->account, "o");
}

TEST(AzureConfig, Emulator) {
  auto c = resolve_azure_config(url("az://cont"), {{"use_emulator", "true"}}, no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->account, "devstoreaccount1");
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  EXPECT_EQ(c->account_key, kEmulatorKey);
  EXPECT_EQ(c->auth, AzureAuth::shared_key);
}

TEST(AzureConfig, EndpointAndHttp) {
  std::map<std::string, std::string> o = {{"account_name", "devstoreaccount1"}, {"account_key", kEmulatorKey},
                                          {"endpoint", "http://127.0.0.1:10000/devstoreaccount1/"}};
  auto c = resolve_azure_config(url("az://cont"), o, no_env);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.error().message.find("allow_http"), std::string::npos);
  o["allow_http"] = "true";
  c = resolve_azure_config(url("az://cont"), o, no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->endpoint, "http://127.0.0.1:10000/devstoreaccount1");
  // The account can come from a path-style endpoint.
  o.erase("account_name");
  c = resolve_azure_config(url("az://cont"), o, no_env);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->account, "devstoreaccount1");
}

TEST(AzureConfig, Errors) {
  EXPECT_FALSE(resolve_azure_config(url("az://cont"), {}, no_env).ok());  // no account
  auto c = resolve_azure_config(url("az://cont"), {{"account_name", "a"}, {"account_key", "s3cr3t!!"}}, no_env);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.error().message.find("s3cr3t"), std::string::npos);  // never echo a secret
  EXPECT_FALSE(resolve_azure_config(url("az://cont"), {{"account_name", "a"}, {"sas_token", "sv=1"}}, no_env).ok());
  EXPECT_FALSE(resolve_azure_config(url("az://cont"), {{"account_name", "a"}, {"allow_http", "maybe"}}, no_env).ok());
}

TEST(AzureConfig, SkipSignatureWins) {
  auto c = resolve_azure_config(url("az://cont"), {{"account_name", "a"}, {"account_key", kEmulatorKey},
                                                   {"skip_signature", "true"}}, no_env);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->auth, AzureAuth::anonymous);
}

}  // namespace
}  // namespace td::store::azure
