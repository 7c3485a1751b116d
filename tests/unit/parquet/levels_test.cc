#include "parquet/levels.h"

#include <gtest/gtest.h>

#include <random>

#include "test_util.h"

namespace td::parquet {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string s;
  for (int x : b) s.push_back(static_cast<char>(x));
  return s;
}

TEST(LevelsTest, BitWidth) {
  EXPECT_EQ(level_bit_width(0), 0);
  EXPECT_EQ(level_bit_width(1), 1);
  EXPECT_EQ(level_bit_width(2), 2);
  EXPECT_EQ(level_bit_width(3), 2);
  EXPECT_EQ(level_bit_width(4), 3);
  EXPECT_EQ(level_bit_width(7), 3);
  EXPECT_EQ(level_bit_width(8), 4);
  EXPECT_EQ(level_bit_width(255), 8);
  EXPECT_EQ(level_bit_width(256), 9);
}

TEST(LevelsTest, LongRunIsRle) {
  std::vector<int16_t> ones(10, 1);
  // header 10<<1 = 20, value in one byte
  EXPECT_EQ(encode_levels(ones, 1), bytes({20, 1}));
  std::vector<int16_t> many(300, 3);
  // header 600 as ULEB128 = 0xd8 0x04, value 3
  EXPECT_EQ(encode_levels(many, 3), bytes({0xd8, 0x04, 3}));
}

TEST(LevelsTest, ShortRunsAreBitPackedLsbFirst) {
  // 8 values of width 1: 1,0,1,1,0,0,0,1 -> bits LSB first 0b10001101
  std::vector<int16_t> v{1, 0, 1, 1, 0, 0, 0, 1};
  EXPECT_EQ(encode_levels(v, 1), bytes({0x03, 0x8d}));
  // Width 2: 0..3,0..3 -> 0b11100100 twice; 3 values padded to one group of 8
  std::vector<int16_t> w2{0, 1, 2, 3, 0, 1, 2, 3};
  EXPECT_EQ(encode_levels(w2, 3), bytes({0x03, 0xe4, 0xe4}));
  std::vector<int16_t> partial{2, 1, 0};
  EXPECT_EQ(encode_levels(partial, 2), bytes({0x03, 0x06, 0x00}));
}

TEST(LevelsTest, MixedRunsRoundTrip) {
  std::vector<int16_t> v{0, 1, 2, 1, 0, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 1, 0, 0};
  const std::string enc = encode_levels(v, 2);
  auto back = testing::decode_levels(enc, 2, v.size());
  EXPECT_EQ(back, std::vector<int>(v.begin(), v.end()));
}

TEST(LevelsTest, RandomRoundTrip) {
  std::mt19937 rng(42);
  for (int16_t max_level : {1, 2, 3, 5, 9, 300}) {
    for (int len : {0, 1, 7, 8, 9, 63, 64, 1000}) {
      std::vector<int16_t> v(len);
      std::uniform_int_distribution<int> level(0, max_level);
      std::bernoulli_distribution repeat(0.7);
      for (int i = 0; i < len; ++i) v[i] = (i > 0 && repeat(rng)) ? v[i - 1] : level(rng);
      const std::string enc = encode_levels(v, max_level);
      EXPECT_EQ(testing::decode_levels(enc, max_level, v.size()), std::vector<int>(v.begin(), v.end()))
          << "max_level " << max_level << " len " << len;
    }
  }
}

TEST(LevelsTest, Uleb128) {
  std::string s;
  put_uleb128(s, 0);
  put_uleb128(s, 127);
  put_uleb128(s, 128);
  put_uleb128(s, 300);
  EXPECT_EQ(s, bytes({0x00, 0x7f, 0x80, 0x01, 0xac, 0x02}));
}

}  // namespace
}  // namespace td::parquet
