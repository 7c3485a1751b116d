// The decoded-memory budget (Limits::decoded_per_byte, decoded_base_bytes): every way a
// small header can expand into much larger decoded memory stops at the budget, while
// headers whose decoded size stays proportional to their bytes read as before. Since
// issue 15 what does not fit is left out with a metadata_budget_reached warning (it was
// a limit_exceeded error); an error remains only when IFD 0's entry table does not fit.
#include <gtest/gtest.h>

#include <algorithm>
#include <span>
#include <string>
#include <vector>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_ok;
using testing::TiffBuilder;

uint64_t b_ifd_bytes(uint64_t n) { return 6 + 12 * n; }

// Reads `file`: the header is kept, with metadata_budget_reached warnings (and at most one
// more_warnings per IFD) naming the memory budget. Returns the header.
Header expect_budget_warning(const std::vector<uint8_t>& file, Limits limits = {}) {
  Header h = parse_ok(file, limits);
  EXPECT_FALSE(h.ifds.empty());
  EXPECT_FALSE(h.warnings.empty());
  for (const Warning& w : h.warnings) {
    if (w.kind == "more_warnings") continue;
    EXPECT_EQ(w.kind, "metadata_budget_reached") << w.message;
    EXPECT_NE(w.message.find("memory budget"), std::string::npos) << w.message;
  }
  return h;
}

size_t loaded_tags(const Header& h) {
  size_t n = 0;
  for (const Ifd& ifd : h.ifds) {
    for (const Tag& t : ifd.tags) n += t.loaded();
  }
  return n;
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
  Header h = expect_budget_warning(file);
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(h.ifds[0].tags.size(), 65535u);  // every tag kept, most values not loaded
  EXPECT_LT(loaded_tags(h) * 250, decoded_budget({}, file.size()));
  ASSERT_EQ(h.warnings.size(), 9u);  // 8 listed, the rest summed up
  EXPECT_EQ(h.warnings.back().kind, "more_warnings");
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
  Header h = expect_budget_warning(file);
  EXPECT_LT(loaded_tags(h), 2000u);  // not every description was decoded
}

// Control: 1024 IFDs of eight small tags each read.
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

// Small types widened to 8-byte values: BYTE and SHORT arrays of 1024,
// 300 tags sharing one array each.
TEST(DecodedBudget, SmallTypesWidenedAndShared) {
  for (uint16_t type : {uint16_t{1}, uint16_t{3}, uint16_t{8}}) {
    SCOPED_TRACE("type " + std::to_string(type));
    TiffBuilder b;
    b.add_ifd();
    const uint64_t value_at = 8192;
    for (uint16_t i = 0; i < 300; ++i) b.field(static_cast<uint16_t>(40000 + i), type, 1024, value_at);
    b.pad_to(value_at + 1024 * field_type_size(type));
    Header h = expect_budget_warning(b.build());
    EXPECT_EQ(h.ifds.at(0).tags.size(), 300u);
    EXPECT_LT(loaded_tags(h), 300u);
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
  Header tight_h = parse_ok(file, tight);  // the IFD is kept, the keys are not decoded
  EXPECT_FALSE(tight_h.geokeys.has_value());
  ASSERT_EQ(tight_h.warnings.size(), 1u);
  EXPECT_EQ(tight_h.warnings[0].kind, "metadata_budget_reached");
  EXPECT_EQ(tight_h.warnings[0].tag, tag::geo_key_directory);
  EXPECT_NE(tight_h.warnings[0].message.find("GeoKeys"), std::string::npos) << tight_h.warnings[0].message;

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

// Reads `file` feeding `prefix` bytes first, then exactly what the reader asks for.
Result<Header> read_fed(const std::vector<uint8_t>& file, uint64_t prefix) {
  HeaderReader reader({}, file.size());
  reader.feed(0, std::span(file).first(std::min<uint64_t>(prefix, file.size())));
  for (;;) {
    auto step = reader.advance();
    if (step.error) return *step.error;
    if (step.header) return std::move(*step.header);
    for (const ByteRange& r : step.needed) reader.feed(r.offset, std::span(file).subspan(r.offset, r.length));
  }
}

// 2,000 tags sharing one 1 KiB value decode to 2 MB: over budget alone, within it when the
// IFD also holds a `description`-byte ImageDescription. The verdict depends on the bytes
// the header occupies, never on how they arrived (first read size, read-ahead).
std::vector<uint8_t> shared_plus_text(size_t description) {
  TiffBuilder b;
  b.add_ifd();
  const uint64_t shared_at = 32 * 1024, text_at = shared_at + 1024;
  b.field(tag::image_description, 2, description, text_at);
  for (uint16_t i = 0; i < 2000; ++i) b.field(static_cast<uint16_t>(40000 + i), 7, 1024, shared_at);
  b.pad_to(text_at + description);
  std::vector<uint8_t> file = b.build();
  file.back() = 0;
  return file;
}

TEST(DecodedBudget, VerdictIndependentOfReadPattern) {
  const auto ok = shared_plus_text(1 << 20), over = shared_plus_text(100 * 1024);
  for (uint64_t prefix : {uint64_t{0}, uint64_t{8}, uint64_t{4096}, uint64_t{40000}, uint64_t{1} << 30}) {
    SCOPED_TRACE("prefix " + std::to_string(prefix));
    auto a = read_fed(ok, prefix);
    ASSERT_TRUE(a.ok()) << a.error().describe();
    EXPECT_EQ(a->ifds[0].tags.size(), 2001u);
    EXPECT_EQ(a->span_bytes, 8 + b_ifd_bytes(2001) + 1024 + (1u << 20));
    EXPECT_TRUE(a->warnings.empty());
    auto e = read_fed(over, prefix);  // the same values left out, whatever the read pattern
    ASSERT_TRUE(e.ok()) << e.error().describe();
    const Header whole = parse_ok(over);
    EXPECT_EQ(e->warnings, whole.warnings);
    EXPECT_EQ(loaded_tags(*e), loaded_tags(whole));
    EXPECT_EQ(e->ifds[0].tags.size(), 2001u);
  }
  EXPECT_TRUE(parse_ok(ok).warnings.empty());
  const Header over_h = parse_ok(over);
  EXPECT_FALSE(over_h.warnings.empty());
  EXPECT_LT(loaded_tags(over_h), 2001u);
}

TEST(DecodedBudget, BudgetFormulaSaturates) {
  Limits l;
  EXPECT_EQ(decoded_budget(l, 0), 64u * 1024);
  EXPECT_EQ(decoded_budget(l, 1000), 8000u + 64 * 1024);
  EXPECT_EQ(decoded_budget(l, UINT64_MAX / 2), UINT64_MAX);
}

}  // namespace
}  // namespace td::tiff
