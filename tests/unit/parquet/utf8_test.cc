#include "parquet/utf8.h"

#include <gtest/gtest.h>

#include <string>

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

}  // namespace
}  // namespace td::parquet
