#include "parquet/utf8.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace td::parquet {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii"));
  EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10)));
  EXPECT_TRUE(is_valid_utf8("h\xc3\xa9llo"));              // é
  EXPECT_TRUE(is_valid_utf8("\xe2\x9c\x93"));              // ✓
  EXPECT_TRUE(is_valid_utf8("\xf0\x9f\x98\x80"));          // U+1F600
  EXPECT_TRUE(is_valid_utf8("\xf4\x8f\xbf\xbf"));          // U+10FFFF
  EXPECT_TRUE(is_valid_utf8("\xed\x9f\xbf"));              // U+D7FF
}

TEST(Utf8Test, RejectsMalformedText) {
  EXPECT_FALSE(is_valid_utf8("\xff"));
  EXPECT_FALSE(is_valid_utf8("\x80"));                     // lone continuation
  EXPECT_FALSE(is_valid_utf8("caf\xe9"));                  // Latin-1 é
  EXPECT_FALSE(is_valid_utf8("\xc3"));                     // truncated
  EXPECT_FALSE(is_valid_utf8("\xe2\x9c"));                 // truncated
  EXPECT_FALSE(is_valid_utf8("\xc0\xaf"));                 // overlong '/'
  EXPECT_FALSE(is_valid_utf8("\xe0\x80\xaf"));             // overlong
  EXPECT_FALSE(is_valid_utf8("\xed\xa0\x80"));             // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xf4\x90\x80\x80"));         // > U+10FFFF
  EXPECT_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xe2\x28\xa1"));             // bad continuation
}

TEST(KeyEscapeTest, ValidUtf8KeysAreTheirOwnPath) {
  for (const std::string& k : std::vector<std::string>{"", "a/b.tif", "caf\xc3\xa9.tif", "100%25/x.tif", "win\\dir\\a.tif", "a\\", "\\y",
                              std::string("nul\0in", 6)}) {
    EXPECT_EQ(escape_key(k), k);
    EXPECT_EQ(unescape_key(k), k);
  }
}

TEST(KeyEscapeTest, InvalidBytesAndAmbiguousBackslashesAreEscaped) {
  EXPECT_EQ(escape_key("caf\xe9.tif"), "caf\\xE9.tif");       // Latin-1 é
  EXPECT_EQ(escape_key("caf\\xE9.tif"), "caf\\\\xE9.tif");    // the escape written literally
  EXPECT_EQ(escape_key("a\\\\b"), "a\\\\\\b");               // "\\" -> "\\\\" then lone "\"
  EXPECT_EQ(escape_key("a\\\xff"), "a\\\\\\xFF");            // "\" before an escaped byte
  EXPECT_EQ(escape_key("\xc3"), "\\xC3");                    // truncated sequence
  EXPECT_EQ(escape_key("\xed\xa0\x80"), "\\xED\\xA0\\x80");  // a surrogate: every byte
  // Latin-1 made these two keys one path; now they differ.
  EXPECT_NE(escape_key("caf\xe9.tif"), escape_key("caf\xc3\xa9.tif"));
}

TEST(KeyEscapeTest, EscapingIsValidUtf8AndReversibleForAllShortByteStrings) {
  // Every byte string of length <= 2 over all 256 bytes, and length 3 over a
  // set that exercises backslashes, 'x', hex digits and invalid bytes.
  std::vector<std::string> keys;
  for (int a = 0; a < 256; ++a) {
    keys.push_back(std::string(1, static_cast<char>(a)));
    for (int b = 0; b < 256; ++b) keys.push_back(std::string{static_cast<char>(a), static_cast<char>(b)});
  }
  const std::string alphabet = std::string("\\xE9Fa") + "\xe9\xc3\xa9\x80\xff";
  for (char a : alphabet)
    for (char b : alphabet)
      for (char c : alphabet)
        for (char d : alphabet) keys.push_back(std::string{a, b, c, d});
  std::set<std::string> paths;
  for (const auto& k : keys) {
    std::string p = escape_key(k);
    ASSERT_TRUE(is_valid_utf8(p)) << p;
    ASSERT_EQ(unescape_key(p), k) << p;
    paths.insert(p);
  }
  std::set<std::string> distinct(keys.begin(), keys.end());
  EXPECT_EQ(paths.size(), distinct.size());
}

}  // namespace
}  // namespace td::parquet
