// The shared mapping of obstore client options onto EngineOptions.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <fstream>

#include "store/common/transport_options.h"

namespace td::store {
namespace {

TEST(ParseDuration, ObstoreForms) {
  EXPECT_EQ(*parse_duration_ms("timeout", "30s"), 30000);
  EXPECT_EQ(*parse_duration_ms("timeout", "500ms"), 500);
  EXPECT_EQ(*parse_duration_ms("timeout", "2m"), 120000);
  EXPECT_EQ(*parse_duration_ms("timeout", "1h 30m"), 5400000);
  EXPECT_EQ(*parse_duration_ms("timeout", "1m30s"), 90000);
  EXPECT_EQ(*parse_duration_ms("timeout", "30"), 30000);
  EXPECT_EQ(*parse_duration_ms("timeout", "0.5"), 500);
  EXPECT_EQ(*parse_duration_ms("timeout", " 10 seconds "), 10000);
  EXPECT_EQ(*parse_duration_ms("timeout", "1500us"), 2);  // rounded up
}

TEST(ParseDuration, ClearErrors) {
  for (const char* bad : {"", "abc", "10 parsecs", "-1s", "0", "0s", "1m 30", "1..2s"}) {
    auto r = parse_duration_ms("connect_timeout", bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().kind, ErrorKind::config);
    EXPECT_NE(r.error().message.find("connect_timeout"), std::string::npos) << r.error().message;
    EXPECT_NE(r.error().message.find("30s"), std::string::npos) << r.error().message;  // shows the forms
  }
}

TEST(ParseBool, AcceptedSpellings) {
  for (const char* t : {"true", "TRUE", "1", "yes", "on"}) EXPECT_TRUE(*parse_bool_option("x", t)) << t;
  for (const char* f : {"false", "False", "0", "no", "off"}) EXPECT_FALSE(*parse_bool_option("x", f)) << f;
  auto r = parse_bool_option("allow_invalid_certificates", "maybe");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().message.find("allow_invalid_certificates"), std::string::npos);
}

class TransportOptions : public ::testing::Test {
 protected:
  void SetUp() override {
    unsetenv("SSL_CERT_FILE");
    unsetenv("CURL_CA_BUNDLE");
    pem_ = ::testing::TempDir() + "/td_transport_ca.pem";
    std::ofstream(pem_) << "-----BEGIN CERTIFICATE-----\n";
  }
  void TearDown() override {
    unsetenv("SSL_CERT_FILE");
    unsetenv("CURL_CA_BUNDLE");
  }
  std::string pem_;
};

TEST_F(TransportOptions, MapsEveryKey) {
  http::EngineOptions o;
  ASSERT_TRUE(apply_transport_options({{"timeout", "45s"}, {"connect_timeout", "2s"},
                                       {"allow_invalid_certificates", "true"}, {"ca_bundle", pem_}},
                                      o)
                  .ok());
  EXPECT_EQ(o.total_timeout_ms, 45000);
  EXPECT_EQ(o.connect_timeout_ms, 2000);
  EXPECT_FALSE(o.verify_tls);
  EXPECT_EQ(o.ca_bundle, pem_);
}

TEST_F(TransportOptions, AbsentKeysKeepDefaults) {
  http::EngineOptions o, defaults;
  ASSERT_TRUE(apply_transport_options({{"aws_region", "eu-west-1"}}, o).ok());
  EXPECT_EQ(o.total_timeout_ms, defaults.total_timeout_ms);
  EXPECT_EQ(o.connect_timeout_ms, defaults.connect_timeout_ms);
  EXPECT_TRUE(o.verify_tls);
  EXPECT_EQ(o.ca_bundle, "");
}

TEST_F(TransportOptions, BadValuesAreConfigErrors) {
  http::EngineOptions o;
  auto s = apply_transport_options({{"timeout", "soon"}}, o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().kind, ErrorKind::config);
  s = apply_transport_options({{"ca_bundle", "/nonexistent/ca.pem"}}, o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("/nonexistent/ca.pem"), std::string::npos);
  s = apply_transport_options({{"allow_invalid_certificates", "sure"}}, o);
  ASSERT_FALSE(s.ok());
}

TEST_F(TransportOptions, CaBundleFromEnvironment) {
  http::EngineOptions o;
  setenv("CURL_CA_BUNDLE", pem_.c_str(), 1);
  ASSERT_TRUE(apply_transport_options({}, o).ok());
  EXPECT_EQ(o.ca_bundle, pem_);
  // The option wins over the environment; a bad environment path is reported.
  setenv("SSL_CERT_FILE", "/nonexistent/env.pem", 1);
  http::EngineOptions o2;
  ASSERT_TRUE(apply_transport_options({{"ca_bundle", pem_}}, o2).ok());
  http::EngineOptions o3;
  auto s = apply_transport_options({}, o3);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("SSL_CERT_FILE"), std::string::npos);
}

TEST(IsTransportOption, Names) {
  EXPECT_TRUE(is_transport_option("timeout"));
  EXPECT_TRUE(is_transport_option("ca_bundle"));
  EXPECT_FALSE(is_transport_option("aws_region"));
}

}  // namespace
}  // namespace td::store
