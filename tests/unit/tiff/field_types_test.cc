// Every field type, inline and out of line, in both byte orders and in BigTIFF.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>

#include "test_util.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::bytes_of;
using testing::parse_ok;
using testing::tag_of;
using testing::TiffBuilder;
using testing::values_of;
using U = std::vector<uint64_t>;
using S = std::vector<int64_t>;
using D = std::vector<double>;
using R = std::vector<Rational>;
using B = std::vector<uint8_t>;

struct Layout {
  ByteOrder order;
  bool bigtiff;
};

std::string layout_name(const ::testing::TestParamInfo<Layout>& info) {
  return std::string(info.param.order == ByteOrder::little ? "II" : "MM") +
         (info.param.bigtiff ? "_BigTIFF" : "_Classic");
}

class FieldTypes : public ::testing::TestWithParam<Layout> {
 protected:
  TiffBuilder builder() const { return TiffBuilder(GetParam().order, GetParam().bigtiff); }
};

constexpr int64_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int64_t kI64Min = std::numeric_limits<int64_t>::min();
constexpr uint64_t kU64Max = std::numeric_limits<uint64_t>::max();

// Codes 1000 + type hold values that fit the entry (in classic TIFF); 2000 + type do not.
TEST_P(FieldTypes, EveryTypeInlineAndOutOfLine) {
  auto b = builder();
  b.add_ifd();
  b.uints(1001, 1, {1, 255}).uints(2001, 1, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  b.ascii(1002, "abc").ascii(2002, "hello, world");
  b.uints(1003, 3, {1, 65535}).uints(2003, 3, {1, 2, 3, 4, 65535});
  b.uints(1004, 4, {0xFFFFFFFF}).uints(2004, 4, {1, 2, 0xFFFFFFFF});
  b.rationals(1005, 5, {{72, 1}}).rationals(2005, 5, {{72, 1}, {0xFFFFFFFF, 3}});
  b.sints(1006, 6, {-1, 127, -128}).sints(2006, 6, {-128, -1, 0, 1, 2, 3, 4, 5, 127});
  b.raw(1007, 7, 3, {1, 2, 0}).raw(2007, 7, 10, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  b.sints(1008, 8, {-32768, 32767}).sints(2008, 8, {-1, -2, -3, -4, -5});
  b.sints(1009, 9, {kI32Min}).sints(2009, 9, {-1, 2, kI32Min});
  b.rationals(1010, 10, {{-1, 3}}).rationals(2010, 10, {{-1, 3}, {5, -7}});
  b.floats(1011, 11, {1.5}).floats(2011, 11, {1.5, -2.25, 3e10});
  b.floats(1012, 12, {3.141592653589793}).floats(2012, 12, {-1e-300, 2.5});
  b.uints(1013, 13, {8}).uints(2013, 13, {8, 16});
  b.uints(1016, 16, {kU64Max}).uints(2016, 16, {1, kU64Max});
  b.sints(1017, 17, {kI64Min}).sints(2017, 17, {-1, kI64Min});
  b.uints(1018, 18, {123}).uints(2018, 18, {123, 456});
  Header h = parse_ok(b.build());
  EXPECT_EQ(h.byte_order, GetParam().order);
  EXPECT_EQ(h.bigtiff, GetParam().bigtiff);
  ASSERT_EQ(h.ifds.size(), 1u);
  const Ifd& ifd = h.ifds[0];
  EXPECT_EQ(ifd.tags.size(), 32u);

  EXPECT_EQ(values_of<U>(ifd, 1001), (U{1, 255}));
  EXPECT_EQ(values_of<U>(ifd, 2001), (U{1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(values_of<std::string>(ifd, 1002), "abc");
  EXPECT_EQ(values_of<std::string>(ifd, 2002), "hello, world");
  EXPECT_EQ(values_of<U>(ifd, 1003), (U{1, 65535}));
  EXPECT_EQ(values_of<U>(ifd, 2003), (U{1, 2, 3, 4, 65535}));
  EXPECT_EQ(values_of<U>(ifd, 1004), (U{0xFFFFFFFF}));
  EXPECT_EQ(values_of<U>(ifd, 2004), (U{1, 2, 0xFFFFFFFF}));
  EXPECT_EQ(values_of<R>(ifd, 1005), (R{{72, 1}}));
  EXPECT_EQ(values_of<R>(ifd, 2005), (R{{72, 1}, {0xFFFFFFFF, 3}}));
  EXPECT_EQ(values_of<S>(ifd, 1006), (S{-1, 127, -128}));
  EXPECT_EQ(values_of<S>(ifd, 2006), (S{-128, -1, 0, 1, 2, 3, 4, 5, 127}));
  EXPECT_EQ(values_of<B>(ifd, 1007), (B{1, 2, 0}));
  EXPECT_EQ(values_of<B>(ifd, 2007), (B{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(values_of<S>(ifd, 1008), (S{-32768, 32767}));
  EXPECT_EQ(values_of<S>(ifd, 2008), (S{-1, -2, -3, -4, -5}));
  EXPECT_EQ(values_of<S>(ifd, 1009), (S{kI32Min}));
  EXPECT_EQ(values_of<S>(ifd, 2009), (S{-1, 2, kI32Min}));
  EXPECT_EQ(values_of<R>(ifd, 1010), (R{{-1, 3}}));
  EXPECT_EQ(values_of<R>(ifd, 2010), (R{{-1, 3}, {5, -7}}));
  EXPECT_EQ(values_of<D>(ifd, 1011), (D{1.5}));
  EXPECT_EQ(values_of<D>(ifd, 2011), (D{1.5, -2.25, static_cast<double>(3e10f)}));
  EXPECT_EQ(values_of<D>(ifd, 1012), (D{3.141592653589793}));
  EXPECT_EQ(values_of<D>(ifd, 2012), (D{-1e-300, 2.5}));
  EXPECT_EQ(values_of<U>(ifd, 1013), (U{8}));
  EXPECT_EQ(values_of<U>(ifd, 2013), (U{8, 16}));
  EXPECT_EQ(values_of<U>(ifd, 1016), (U{kU64Max}));
  EXPECT_EQ(values_of<U>(ifd, 2016), (U{1, kU64Max}));
  EXPECT_EQ(values_of<S>(ifd, 1017), (S{kI64Min}));
  EXPECT_EQ(values_of<S>(ifd, 2017), (S{-1, kI64Min}));
  EXPECT_EQ(values_of<U>(ifd, 1018), (U{123}));
  EXPECT_EQ(values_of<U>(ifd, 2018), (U{123, 456}));
  for (const Tag& t : ifd.tags) {
    EXPECT_EQ(t.type_code, t.code % 1000) << t.code;
    EXPECT_TRUE(t.loaded()) << t.code;
  }
  EXPECT_EQ(tag_of(ifd, 2009).count, 3u);
  EXPECT_EQ(tag_of(ifd, 2002).count, 13u);  // "hello, world\0"
}

// Values exactly filling the entry's field are inline; one byte more goes out of line.
TEST_P(FieldTypes, InlineBoundary) {
  const unsigned cap = GetParam().bigtiff ? 8 : 4;
  auto b = builder();
  b.add_ifd();
  B fits, spills;
  for (unsigned i = 0; i < cap; ++i) fits.push_back(static_cast<uint8_t>(0xA0 + i));
  for (unsigned i = 0; i <= cap; ++i) spills.push_back(static_cast<uint8_t>(i + 1));
  b.raw(3001, 1, cap, fits).raw(3002, 1, cap + 1, spills);
  auto bytes = b.build();
  Header h = parse_ok(bytes);
  ASSERT_EQ(h.ifds.size(), 1u);
  U want_fits, want_spills;
  for (auto x : fits) want_fits.push_back(x);
  for (auto x : spills) want_spills.push_back(x);
  EXPECT_EQ(values_of<U>(h.ifds[0], 3001), want_fits);
  EXPECT_EQ(values_of<U>(h.ifds[0], 3002), want_spills);
  // The out-of-line value follows the IFD, and metadata_end covers it.
  EXPECT_EQ(h.metadata_end, bytes.size());
}

TEST_P(FieldTypes, UnknownTypesKeptWithoutValues) {
  auto b = builder();
  b.add_ifd();
  b.field(4000, 0, 5, 1234).field(4014, 14, 1, 0).field(4015, 15, 7, 0);
  b.field(4019, 19, 3, 0).field(4099, 0xFFFF, 0xFFFFFFFF, 0xFFFFFFFF);
  b.uints(256, 3, {42});
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  const Ifd& ifd = h.ifds[0];
  ASSERT_EQ(ifd.tags.size(), 6u);
  const std::pair<uint16_t, uint64_t> expected[] = {
      {0, 5}, {14, 1}, {15, 7}, {19, 3}, {0xFFFF, 0xFFFFFFFF}};
  for (size_t i = 0; i < std::size(expected); ++i) {
    EXPECT_EQ(ifd.tags[i].type_code, expected[i].first);
    EXPECT_EQ(ifd.tags[i].count, expected[i].second);
    EXPECT_FALSE(ifd.tags[i].loaded());
  }
  EXPECT_EQ(values_of<U>(ifd, 256), (U{42}));
}

TEST_P(FieldTypes, AsciiKeepsInnerNulsDropsOneTerminator) {
  auto b = builder();
  b.add_ifd();
  b.raw(5001, 2, 4, {'a', 0, 'b', 0});       // two strings
  b.raw(5002, 2, 3, {'a', 'b', 'c'});        // no terminator
  b.raw(5003, 2, 4, {'a', 'b', 0, 0});       // only one terminator goes
  b.raw(5004, 2, 0, {});                     // empty
  b.raw(5005, 2, 12, bytes_of(std::string("first\0second", 12)));  // out of line
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  const Ifd& ifd = h.ifds[0];
  EXPECT_EQ(values_of<std::string>(ifd, 5001), std::string("a\0b", 3));
  EXPECT_EQ(values_of<std::string>(ifd, 5002), "abc");
  EXPECT_EQ(values_of<std::string>(ifd, 5003), std::string("ab\0", 3));
  EXPECT_EQ(values_of<std::string>(ifd, 5004), "");
  EXPECT_EQ(values_of<std::string>(ifd, 5005), std::string("first\0second", 12));
}

TEST_P(FieldTypes, ZeroCountNumericIsLoadedAndEmpty) {
  auto b = builder();
  b.add_ifd();
  b.raw(6003, 3, 0, {}).raw(6012, 12, 0, {}).raw(6007, 7, 0, {});
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(values_of<U>(h.ifds[0], 6003), U{});
  EXPECT_EQ(values_of<D>(h.ifds[0], 6012), D{});
  EXPECT_EQ(values_of<B>(h.ifds[0], 6007), B{});
}

INSTANTIATE_TEST_SUITE_P(Layouts, FieldTypes,
                         ::testing::Values(Layout{ByteOrder::little, false},
                                           Layout{ByteOrder::big, false},
                                           Layout{ByteOrder::little, true},
                                           Layout{ByteOrder::big, true}),
                         layout_name);

}  // namespace
}  // namespace td::tiff
