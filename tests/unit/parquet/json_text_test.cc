#include "parquet/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace td::parquet {
namespace {

// simdjson answers first and nlohmann re-checks its rejections: whatever the
// path, the verdict must be nlohmann's (what the writer accepted before).
TEST(JsonText, AcceptsExactlyWhatNlohmannAccepts) {
  const std::vector<std::string> docs = {
      // valid
      "1", "-0.5e-3", "18446744073709551615", "99999999999999999999999", "true", "null", "\"\"",
      R"("a\"b\\n\u00e9\ud83d\ude00")", "\"caf\xc3\xa9\"", "[]", "{}", " [1, [2, [3]]] ", R"({"a": [1, null], "b": {}})",
      "[[1,3],[-4,5]]", std::string(2000, '[') + std::string(2000, ']'),  // deeper than simdjson's limit
      "\"" + std::string(100000, 'x') + "\"",                              // past the 16 KiB fast path
      // invalid
      "", " ", "not json {", "1 2", "[1,]", "{'a': 1}", "{\"a\" 1}", "\"\xff\"", "\"ctrl\x01\"", "NaN", "01",
      "1e999" /* beyond a double: nlohmann refuses */, "[1", "\"unterminated", std::string("\"nul\0\"", 6), "tru", "+1", "\"\\x\"", "\"\xed\xa0\x80\"",
      std::string(2000, '[') + std::string(1999, ']'), "\"" + std::string(100000, 'x'),
  };
  size_t valid = 0;
  for (const std::string& d : docs) {
    const bool expected = nlohmann::json::accept(d);
    valid += expected;
    EXPECT_EQ(is_json_document(d), expected) << "document: " << d.substr(0, 60);
  }
  EXPECT_EQ(valid, 16u);  // the list above really holds both kinds
}

}  // namespace
}  // namespace td::parquet
