// The decoded-memory budget (Limits::decoded_per_byte, decoded_base_bytes): every way a
// small header can expand into much larger decoded memory ends in limit_exceeded, while
// headers whose decoded size stays proportional to their bytes read as before.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_error;
using testing::parse_ok;
using testing::TiffBuilder;

void expect_budget_error(const std::vector<uint8_t>& file, Limits limits = {}) {
  Error e = parse_error(file, limits);
  EXPECT_EQ(e.kind, ErrorKind::limit_exceeded) << e.message;
  EXPECT_NE(e.message.find("memory budget"), std::string::npos) << e.message;
}

// The example: 65,535 ASCII tags sharing one 250-byte value. A 786 KB header
// that decoded into ~40 MB per object (16 MB of strings plus tags and row text).
TEST(DecodedBudget, ManyTagsSharingOneValue) {
  TiffBuilder b;
  b.add_ifd();
  const uint64_t value_at = b.header_size() + b.ifd_size(65535) + 2;
  for (uint32_t code = 1; code <= 65535; ++code) b.field(static_cast<uint16_t>(code), 2, 250, value_at);
  b.pad_to(value_at + 250);
  std::vector<uint8_t> file = b.build();
  ASSERT_EQ(file.size(), value_at + 250);
  for (uint64_t i = value_at; i < file.size(); ++i) file[i] = 'v';
  expect_budget_error(file);
}

// Control: the same 65,535 entries with inline values (4 ASCII bytes each) stay within
// the budget, so a large but honest IFD still reads.
TEST(DecodedBudget, ManyInlineTagsRead) {
  TiffBuilder b;
  b.add_ifd();
  for (uint32_t code = 1; code <= 65535; ++code) b.ascii(static_cast<uint16_t>(code), "abc");
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(h.ifds[0].tags.size(), 65535u);
}

// Many IFDs, each repeating one shared 16 KiB value: 1000 x 16 KiB from ~34 KB.
TEST(DecodedBudget, ManyIfdsRepeatingOneValue) {
  TiffBuilder b;
  const uint64_t value_at = 64 * 1024;
  for (int i = 0; i < 1000; ++i) {
    b.add_ifd();
    b.uints(tag::image_width, 3, {1}).field(tag::image_description, 2, 16384, value_at);
  }
  b.pad_to(value_at + 16384);
  std::vector<uint8_t> file = b.build();
  ASSERT_LE(b.header_size() + 1000 * b.ifd_size(2), value_at);
  for (uint64_t i = value_at; i < file.size(); ++i) file[i] = 'd';
  expect_budget_error(file);
}

// Control: 1024 IFDs (the default cap) of eight small tags each read.
TEST(DecodedBudget, ManySmallIfdsRead) {
  TiffBuilder b;
  for (int i = 0; i < 1024; ++i) {
    b.add_ifd();
    for (uint16_t code : {tag::image_width, tag::image_length, tag::bits_per_sample, tag::compression,
                          tag::photometric_interpretation, tag::samples_per_pixel, tag::planar_configuration,
                          tag::sample_format}) {
      b.uints(code, 3, {1});
    }
  }
  Header h = parse_ok(b.build());
  EXPECT_EQ(h.ifds.size(), 1024u);
}

// Small types widened to 8-byte values: BYTE and SHORT arrays of 1024 (the load cap),
// 300 tags sharing one array each.
TEST(DecodedBudget, SmallTypesWidenedAndShared) {
  for (uint16_t type : {uint16_t{1}, uint16_t{3}, uint16_t{8}}) {
    SCOPED_TRACE("type " + std::to_string(type));
    TiffBuilder b;
    b.add_ifd();
    const uint64_t value_at = 8192;
    for (uint16_t i = 0; i < 300; ++i) b.field(static_cast<uint16_t>(40000 + i), type, 1024, value_at);
    b.pad_to(value_at + 1024 * field_type_size(type));
    expect_budget_error(b.build());
  }
  // Control: one such array reads, every value loaded.
  TiffBuilder b;
  b.add_ifd();
  b.uints(40000, 1, std::vector<uint64_t>(1024, 7));
  Header h = parse_ok(b.build());
  const auto* values = std::get_if<std::vector<uint64_t>>(&h.ifds[0].tags[0].values);
  ASSERT_NE(values, nullptr);
  EXPECT_EQ(values->size(), 1024u);
}

// A GeoKey directory whose 4000 keys each take the whole 100 KB GeoAsciiParams: the keys
// are decoded within the budget too (here a tight one, so the keys alone pass it).
TEST(DecodedBudget, GeoKeysSharingParams) {
  const uint64_t n = 4000;
  std::vector<uint64_t> dir = {1, 1, 0, n};
  for (uint64_t k = 0; k < n; ++k) {
    dir.insert(dir.end(), {uint64_t{1026}, uint64_t{tag::geo_ascii_params}, uint64_t{100000}, uint64_t{0}});
  }
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::geo_key_directory, 3, dir).ascii(tag::geo_ascii_params, std::string(99999, 'g'));
  const std::vector<uint8_t> file = b.build();

  Limits tight;
  tight.decoded_per_byte = 2;  // the IFD itself (dir 128 KB + params 100 KB) fits; the keys do not
  tight.decoded_base_bytes = 0;
  Error e = parse_error(file, tight);
  EXPECT_EQ(e.kind, ErrorKind::limit_exceeded) << e.message;
  EXPECT_NE(e.message.find("GeoKeys"), std::string::npos) << e.message;

  Header h = parse_ok(file);  // default budget: every key decodes
  ASSERT_TRUE(h.geokeys.has_value());
  EXPECT_EQ(h.geokeys->keys.size(), n);
}

// The budget grows with the bytes read: one 1 MiB ImageDescription (decoded 1:1) reads.
TEST(DecodedBudget, LargeTextReads) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1}).ascii(tag::image_description, std::string(1 << 20, 'x'));
  Header h = parse_ok(b.build());
  const auto* text = std::get_if<std::string>(&h.ifds[0].find(tag::image_description)->values);
  ASSERT_NE(text, nullptr);
  EXPECT_EQ(text->size(), size_t{1} << 20);
}

TEST(DecodedBudget, BudgetFormulaSaturates) {
  Limits l;
  EXPECT_EQ(decoded_budget(l, 0), 64u * 1024);
  EXPECT_EQ(decoded_budget(l, 1000), 8000u + 64 * 1024);
  EXPECT_EQ(decoded_budget(l, UINT64_MAX / 2), UINT64_MAX);
}

}  // namespace
}  // namespace td::tiff
