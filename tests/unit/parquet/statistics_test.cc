#include "parquet/statistics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>

namespace td::parquet {
namespace {

template <typename T>
T decode(const std::optional<std::string>& s) {
  EXPECT_TRUE(s.has_value());
  T v{};
  if (s && s->size() == sizeof(T)) std::memcpy(&v, s->data(), sizeof(T));
  return v;
}

TEST(StatisticsTest, SignedInt32) {
  ColumnStatistics st(Physical::int32, Logical::none);
  for (int32_t v : {5, -3, 17, 0}) st.update(v);
  st.add_nulls(2);
  auto e = st.encode();
  EXPECT_EQ(e.null_count, 2);
  EXPECT_TRUE(e.signed_order);
  EXPECT_EQ(decode<int32_t>(e.min_value), -3);
  EXPECT_EQ(decode<int32_t>(e.max_value), 17);
}

TEST(StatisticsTest, Uint32ComparesUnsigned) {
  ColumnStatistics st(Physical::int32, Logical::uint32);
  st.update(static_cast<int32_t>(1));
  st.update(static_cast<int32_t>(0xFFFFFFFFu));  // 4294967295 stored as -1
  st.update(static_cast<int32_t>(0x80000000u));
  auto e = st.encode();
  EXPECT_FALSE(e.signed_order);
  EXPECT_EQ(static_cast<uint32_t>(decode<int32_t>(e.min_value)), 1u);
  EXPECT_EQ(static_cast<uint32_t>(decode<int32_t>(e.max_value)), 0xFFFFFFFFu);
}

TEST(StatisticsTest, Uint8ComparesUnsigned) {
  ColumnStatistics st(Physical::int32, Logical::uint8);
  for (int32_t v : {200, 3, 255}) st.update(v);
  auto e = st.encode();
  EXPECT_EQ(decode<int32_t>(e.min_value), 3);
  EXPECT_EQ(decode<int32_t>(e.max_value), 255);
}

TEST(StatisticsTest, Int64SignedAndUint64Unsigned) {
  ColumnStatistics s(Physical::int64, Logical::none);
  ColumnStatistics u(Physical::int64, Logical::uint64);
  for (int64_t v : {int64_t{-1}, int64_t{10}, std::numeric_limits<int64_t>::min()}) {
    s.update(v);
    u.update(v);
  }
  EXPECT_EQ(decode<int64_t>(s.encode().min_value), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(decode<int64_t>(s.encode().max_value), 10);
  // As unsigned: 10 < 2^63 < 2^64-1
  EXPECT_EQ(decode<int64_t>(u.encode().min_value), 10);
  EXPECT_EQ(decode<int64_t>(u.encode().max_value), -1);
}

TEST(StatisticsTest, DoubleSkipsNanAndSignsZeros) {
  ColumnStatistics st(Physical::double_, Logical::none);
  st.update(std::nan(""));
  EXPECT_FALSE(st.encode().min_value.has_value());
  st.update(0.0);
  st.update(2.5);
  st.update(std::nan(""));
  auto e = st.encode();
  const double mn = decode<double>(e.min_value);
  EXPECT_EQ(mn, 0.0);
  EXPECT_TRUE(std::signbit(mn));  // a zero min is written -0.0
  EXPECT_EQ(decode<double>(e.max_value), 2.5);

  ColumnStatistics neg(Physical::double_, Logical::none);
  neg.update(-0.0);
  neg.update(-1.0);
  const double mx = decode<double>(neg.encode().max_value);
  EXPECT_EQ(mx, 0.0);
  EXPECT_FALSE(std::signbit(mx));  // a zero max is written +0.0
}

TEST(StatisticsTest, BytesCompareUnsigned) {
  ColumnStatistics st(Physical::byte_array, Logical::string);
  for (const char* s : {"b", "\xc3\xa9", "a", "ab", ""}) st.update(std::string_view(s));
  auto e = st.encode();
  EXPECT_FALSE(e.signed_order);
  EXPECT_EQ(*e.min_value, "");
  EXPECT_EQ(*e.max_value, "\xc3\xa9");  // 0xc3 > 'b' as unsigned bytes
}

TEST(StatisticsTest, HugeByteArraysDropMinMax) {
  ColumnStatistics st(Physical::byte_array, Logical::none);
  st.update(std::string_view("small"));
  st.update(std::string(ColumnStatistics::kMaxByteArrayStat + 1, 'z'));
  st.add_nulls(1);
  auto e = st.encode();
  EXPECT_FALSE(e.min_value.has_value());
  EXPECT_EQ(e.null_count, 1);
}

TEST(StatisticsTest, Booleans) {
  ColumnStatistics st(Physical::boolean, Logical::none);
  st.update(true);
  st.update(true);
  auto e = st.encode();
  EXPECT_EQ(*e.min_value, std::string(1, '\1'));
  st.update(false);
  e = st.encode();
  EXPECT_EQ(*e.min_value, std::string(1, '\0'));
  EXPECT_EQ(*e.max_value, std::string(1, '\1'));
}

TEST(StatisticsTest, AllNullAndReset) {
  ColumnStatistics st(Physical::int64, Logical::none);
  st.add_nulls(3);
  auto e = st.encode();
  EXPECT_EQ(e.null_count, 3);
  EXPECT_FALSE(e.min_value.has_value());
  st.update(int64_t{4});
  st.reset();
  e = st.encode();
  EXPECT_EQ(e.null_count, 0);
  EXPECT_FALSE(e.max_value.has_value());
}

}  // namespace
}  // namespace td::parquet
