#include "cli/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace td::cli {
namespace {

class ConfigTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    path_ = (std::filesystem::temp_directory_path() / ("td-config-" + std::to_string(::getpid()) + ".yaml")).string();
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::remove(path_.c_str()); }
  std::string path_;
};

TEST_F(ConfigTest, ReadsTheReferenceExampleUnchanged) {
  auto c = load_config(write(R"(store:
  name: s3://sentinel-cogs
  prefixes:
    - sentinel-s2-l2a-cogs/10/C
  obstore_config:
    skip_signature: True
    region: us-west-2
concurrency:
  n_consumers: 1000
  list_chunk_size: 10000
  max_buffer_size: 1000000
  write_chunk_size: 100000
)"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->store_name, "s3://sentinel-cogs");
  ASSERT_EQ(c->prefixes.size(), 1u);
  EXPECT_EQ(c->prefixes[0], "sentinel-s2-l2a-cogs/10/C");
  EXPECT_EQ(c->store_options.at("skip_signature"), "True");
  EXPECT_EQ(c->store_options.at("region"), "us-west-2");
  EXPECT_EQ(c->n_consumers, 1000u);
  EXPECT_TRUE(validate_config(*c).ok());
}

TEST_F(ConfigTest, DefaultsMatchTheReference) {
  auto c = load_config(write("store:\n  name: /data\n"));
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->n_consumers, 1000u);
  EXPECT_EQ(c->list_chunk_size, 10000u);
  EXPECT_EQ(c->max_buffer_size, 1000000u);
  EXPECT_EQ(c->write_chunk_size, 100000u);
  EXPECT_TRUE(c->prefixes.empty());
}

TEST_F(ConfigTest, UnknownKeysAreNamed) {
  auto top = load_config(write("store:\n  name: /d\nconcurency:\n  n_consumers: 1\n"));
  ASSERT_FALSE(top.ok());
  EXPECT_NE(top.error().message.find("'concurency'"), std::string::npos) << top.error().message;

  auto nested = load_config(write("store:\n  name: /d\nconcurrency:\n  n_consumer: 1\n"));
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("concurrency.n_consumer'"), std::string::npos) << nested.error().message;

  auto option = load_config(write("store:\n  name: /d\n  obstore_config:\n    regoin: x\n"));
  ASSERT_FALSE(option.ok());
  EXPECT_NE(option.error().message.find("obstore_config.regoin"), std::string::npos) << option.error().message;
}

TEST_F(ConfigTest, BadValuesAreClear) {
  auto neg = load_config(write("store:\n  name: /d\nconcurrency:\n  n_consumers: -3\n"));
  ASSERT_FALSE(neg.ok());
  EXPECT_NE(neg.error().message.find("n_consumers must be a positive integer"), std::string::npos);
  auto text = load_config(write("store:\n  name: /d\nconcurrency:\n  list_chunk_size: lots\n"));
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("list_chunk_size"), std::string::npos);
  auto no_name = load_config(write("store:\n  prefixes: [a]\n"));
  ASSERT_FALSE(no_name.ok());
  EXPECT_NE(no_name.error().message.find("store.name"), std::string::npos);
  auto yaml = load_config(write("store: [unclosed\n"));
  ASSERT_FALSE(yaml.ok());
  EXPECT_NE(yaml.error().message.find("invalid YAML"), std::string::npos);
  auto missing = load_config("/nonexistent/config.yaml");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("cannot read"), std::string::npos);
}

TEST(LoadConfigText, ReadsYamlAndJsonTextLikeAFile) {
  // The Python API passes a dict as JSON text: JSON is YAML.
  auto c = load_config_text(R"({"store": {"name": "/data", "prefixes": ["a/"], "obstore_config": {"allow_http": true}},
                               "concurrency": {"n_consumers": 4}})",
                            "config");
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->store_name, "/data");
  EXPECT_EQ(c->prefixes, std::vector<std::string>{"a/"});
  EXPECT_EQ(c->store_options.at("allow_http"), "true");
  EXPECT_EQ(c->n_consumers, 4u);
  auto bad = load_config_text("store:\n  nme: /data\n", "config");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("config: unknown key 'store.nme'", 0), 0u) << bad.error().message;
  EXPECT_FALSE(load_config_text("store: [unclosed", "config").ok());
}

TEST(ValidateConfig, ReferenceRules) {
  Config c;
  EXPECT_TRUE(validate_config(c).ok());
  c.n_consumers = 20000;
  EXPECT_NE(validate_config(c).error().message.find("n_consumers (20000) must be <= list_chunk_size (10000)"),
            std::string::npos);
  c = Config{};
  c.max_buffer_size = 5000;
  EXPECT_NE(validate_config(c).error().message.find("max_buffer_size (5000) must be >= list_chunk_size"),
            std::string::npos);
  c = Config{};
  c.max_buffer_size = 25000;
  c.write_chunk_size = 20000;
  EXPECT_NE(validate_config(c).error().message.find("multiple of list_chunk_size"), std::string::npos);
  c = Config{};
  c.write_chunk_size = 5000;
  EXPECT_NE(validate_config(c).error().message.find("write_chunk_size (5000) must be >= list_chunk_size"),
            std::string::npos);
  c = Config{};
  c.write_chunk_size = 2000000;
  EXPECT_NE(validate_config(c).error().message.find("write_chunk_size (2000000) must be <= max_buffer_size"),
            std::string::npos);
}

TEST(ValidateConfig, NamesTheFlagTheUserSet) {
  EXPECT_STREQ(flag_for_key("n_consumers"), "--concurrency");
  EXPECT_STREQ(flag_for_key("name"), "--store");
  EXPECT_EQ(flag_for_key("list_chunk_size"), nullptr);
  Config c;
  c.n_consumers = 20000;
  c.from_flags.insert("n_consumers");
  EXPECT_EQ(validate_config(c).error().message,
            "--concurrency (n_consumers) 20000 must be <= list_chunk_size (10000)");
}

}  // namespace
}  // namespace td::cli
