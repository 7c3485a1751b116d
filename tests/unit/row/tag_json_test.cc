// append_json_string writes JSON strings exactly as nlohmann::json's dump()
// does (the reference here): every ASCII byte, in every position, and UTF-8 text.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <random>

#include "parquet/utf8.h"
#include "row/tag_json.h"
#include "row/tag_values.h"

namespace td::row {
namespace {

std::string ours(std::string_view s) {
  std::string out = "prefix:";  // appends, never replaces
  append_json_string(out, s);
  return out.substr(7);
}

TEST(TagJson, EveryAsciiByteIsWrittenAsNlohmannWritesIt) {
  for (int c = 0; c < 0x80; ++c) {
    for (const std::string& s : {std::string(1, static_cast<char>(c)), "a" + std::string(1, static_cast<char>(c)) + "b",
                                 std::string(3, static_cast<char>(c))}) {
      EXPECT_EQ(ours(s), nlohmann::json(s).dump()) << "byte " << c;
    }
  }
}

TEST(TagJson, Utf8TextAndRandomStringsMatchNlohmann) {
  for (const char* s : {"", "Zürich", "日本語 \"quoted\" \\ back", "tab\there\nnew", "\xf0\x9f\x8c\x8d globe"})
    EXPECT_EQ(ours(s), nlohmann::json(s).dump()) << s;
  std::mt19937 rng(42);
  for (int i = 0; i < 2000; ++i) {
    std::string raw(rng() % 40, '\0');
    for (char& ch : raw) ch = static_cast<char>(rng() % 256);
    const std::string text = utf8(raw);  // what the rows hold: valid UTF-8
    ASSERT_TRUE(parquet::is_valid_utf8(text));
    EXPECT_EQ(ours(text), nlohmann::json(text).dump());
  }
}

}  // namespace
}  // namespace td::row
