// Issue 15: one bad part must not lose the header, and budgets keep what was read.
// Damage past IFD 0's entry table is a Header::warnings entry (kind, IFD, tag); the
// IFDs and tags that could be read are kept. Every file is built here, byte by byte.
#include <gtest/gtest.h>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff::testing {
namespace {

using U = std::vector<uint64_t>;
constexpr uint16_t kIccProfile = 34675;  // InterColorProfile, UNDEFINED

struct Layout {
  ByteOrder order;
  bool bigtiff;
};
const Layout kLayouts[] = {{ByteOrder::little, false}, {ByteOrder::big, false},
                           {ByteOrder::little, true}, {ByteOrder::big, true}};

std::string name(const Layout& l) {
  return std::string(l.order == ByteOrder::little ? "II" : "MM") + (l.bigtiff ? " BigTIFF" : " classic");
}

// The core tags of a small strip image.
void core_tags(TiffBuilder& b) {
  b.uints(tag::image_width, 3, {16});
  b.uints(tag::image_length, 3, {16});
  b.uints(tag::bits_per_sample, 3, {8});
  b.uints(tag::compression, 3, {1});
  b.uints(tag::photometric_interpretation, 3, {1});
  b.uints(tag::strip_offsets, 4, {400});
  b.uints(tag::rows_per_strip, 3, {16});
  b.uints(tag::strip_byte_counts, 4, {16});
}

void expect_warning(const Warning& w, const char* kind, uint32_t ifd, std::optional<uint16_t> tag) {
  EXPECT_EQ(w.kind, kind);
  EXPECT_EQ(w.ifd, ifd);
  EXPECT_EQ(w.tag, tag);
  EXPECT_FALSE(w.message.empty());
}

TEST(Salvage, JunkAsciiTagWithBillionsOfValuesKeepsIfd0) {
  for (const Layout& l : kLayouts) {
    SCOPED_TRACE(name(l));
    TiffBuilder b(l.order, l.bigtiff);
    b.add_ifd();
    core_tags(b);
    b.field(50001, 2, 3'900'000'000ull, 100);  // 3.9e9 ASCII values at offset 100
    b.pad_to(430);
    auto bytes = b.build();
    ASSERT_EQ(bytes.size(), 430u);
    Header h = parse_ok(bytes);
    ASSERT_EQ(h.ifds.size(), 1u);
    EXPECT_EQ(values_of<U>(h.ifds[0], tag::image_width), U{16});
    const Tag& junk = tag_of(h.ifds[0], 50001);
    EXPECT_EQ(junk.count, 3'900'000'000ull);
    EXPECT_FALSE(junk.loaded());
    ASSERT_EQ(h.warnings.size(), 1u);
    expect_warning(h.warnings[0], "tag_value_out_of_bounds", 0, 50001);
  }
}

TEST(Salvage, IccProfilePastTheEndIsKeptUnloaded) {
  for (const Layout& l : kLayouts) {
    SCOPED_TRACE(name(l));
    TiffBuilder b(l.order, l.bigtiff);
    b.add_ifd();
    core_tags(b);
    b.field(kIccProfile, 7, 3144, 10'000);  // UNDEFINED, far past the 430-byte end
    b.pad_to(430);
    Header h = parse_ok(b.build());
    ASSERT_EQ(h.ifds.size(), 1u);
    EXPECT_FALSE(tag_of(h.ifds[0], kIccProfile).loaded());
    ASSERT_EQ(h.warnings.size(), 1u);
    expect_warning(h.warnings[0], "tag_value_out_of_bounds", 0, kIccProfile);
  }
}

TEST(Salvage, CountOverflowingSixtyFourBitsIsAWarning) {
  TiffBuilder b(ByteOrder::little, true);
  b.add_ifd();
  core_tags(b);
  b.field(50002, 16, 1ull << 62, 100);  // LONG8 x 2^62: 2^65 bytes
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_FALSE(tag_of(h.ifds[0], 50002).loaded());
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "tag_value_out_of_bounds", 0, 50002);
}

TEST(Salvage, NextIfdPastTheEndKeepsIfd0) {
  for (const Layout& l : kLayouts) {
    SCOPED_TRACE(name(l));
    TiffBuilder b(l.order, l.bigtiff);
    b.add_ifd();
    core_tags(b);
    b.set_next_ifd(0, 1'000'000);
    Header h = parse_ok(b.build());
    ASSERT_EQ(h.ifds.size(), 1u);
    ASSERT_EQ(h.warnings.size(), 1u);
    expect_warning(h.warnings[0], "ifd_link_out_of_bounds", 0, std::nullopt);
  }
}

TEST(Salvage, LoopToItselfKeepsTheIfd) {
  for (const Layout& l : kLayouts) {
    SCOPED_TRACE(name(l));
    TiffBuilder b(l.order, l.bigtiff);
    b.add_ifd(64);
    core_tags(b);
    b.set_next_ifd(0, 64);
    Header h = parse_ok(b.build());
    ASSERT_EQ(h.ifds.size(), 1u);
    ASSERT_EQ(h.warnings.size(), 1u);
    expect_warning(h.warnings[0], "ifd_loop", 0, std::nullopt);
  }
}

TEST(Salvage, LoopBackToIfd0AfterThreeIfdsKeepsThree) {
  for (const Layout& l : kLayouts) {
    SCOPED_TRACE(name(l));
    TiffBuilder b(l.order, l.bigtiff);
    for (uint64_t at : {64, 1000, 2000}) {
      b.add_ifd(at);
      core_tags(b);
    }
    b.set_next_ifd(2, 64);
    Header h = parse_ok(b.build());
    ASSERT_EQ(h.ifds.size(), 3u);
    EXPECT_EQ(h.ifds[2].offset, 2000u);
    ASSERT_EQ(h.warnings.size(), 1u);
    expect_warning(h.warnings[0], "ifd_loop", 2, std::nullopt);
    EXPECT_NE(h.warnings[0].message.find("revisits IFD 0"), std::string::npos) << h.warnings[0].message;
  }
}

TEST(Salvage, LaterIfdCutShortEndsTheChain) {
  for (const Layout& l : kLayouts) {
    SCOPED_TRACE(name(l));
    TiffBuilder b(l.order, l.bigtiff);
    b.add_ifd(64);
    core_tags(b);
    b.add_ifd(1000);
    core_tags(b);
    auto bytes = b.build();
    bytes.resize(1000 + 40);  // IFD 1's count and a few of its 8 entries
    Header h = parse_ok(bytes);
    ASSERT_EQ(h.ifds.size(), 1u);
    ASSERT_EQ(h.warnings.size(), 1u);
    expect_warning(h.warnings[0], "ifd_truncated", 0, std::nullopt);
  }
}

// The entries of an IFD are whole but its next-IFD offset is cut off by the end of the
// object: the IFD is kept (tifffile keeps it) and the chain ends after it; IFD 0 as well.
TEST(Salvage, CutNextIfdOffsetKeepsTheIfd) {
  for (const Layout& l : kLayouts) {
    SCOPED_TRACE(name(l));
    for (size_t last : {0u, 1u}) {
      SCOPED_TRACE("cut after IFD " + std::to_string(last));
      TiffBuilder b(l.order, l.bigtiff);
      b.add_ifd(64);
      core_tags(b);
      if (last == 1) {
        b.add_ifd(1000);
        core_tags(b);
        b.uints(tag::software, 3, {7});  // inline: the table holds everything
      }
      auto bytes = b.build();
      const uint64_t at = last == 0 ? 64 : 1000;
      const uint64_t table = (l.bigtiff ? 8 : 2) + (l.bigtiff ? 20 : 12) * (last == 0 ? 8 : 9);
      bytes.resize(at + table + 2);  // two bytes of the next-IFD offset
      Header h = parse_ok(bytes);
      ASSERT_EQ(h.ifds.size(), last + 1);
      EXPECT_EQ(values_of<U>(h.ifds[last], tag::image_width), U{16});
      ASSERT_EQ(h.warnings.size(), 1u);
      expect_warning(h.warnings[0], "ifd_truncated", static_cast<uint32_t>(last), std::nullopt);
      EXPECT_EQ(h.metadata_end, at + table);
    }
  }
}

TEST(Salvage, LaterEmptyIfdEndsTheChain) {
  TiffBuilder b;
  b.add_ifd();
  core_tags(b);
  b.add_ifd();  // no entries
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "ifd_empty", 0, std::nullopt);
}

TEST(Salvage, DamageInIfd0sTableStaysAnError) {
  TiffBuilder b;
  b.add_ifd(64);
  core_tags(b);
  auto bytes = b.build();
  bytes.resize(64 + 20);  // IFD 0's table cut short
  EXPECT_EQ(parse_error(bytes).kind, ErrorKind::truncated);

  TiffBuilder empty;
  empty.add_ifd();
  EXPECT_EQ(parse_error(empty.build()).kind, ErrorKind::invalid_value);
}

TEST(Salvage, ThousandAndTwentyFivePagesAreAllKept) {
  for (bool big : {false, true}) {
    SCOPED_TRACE(big ? "BigTIFF" : "classic");
    TiffBuilder b(ByteOrder::little, big);
    for (int i = 0; i < 1025; ++i) {
      b.add_ifd();
      core_tags(b);
    }
    Header h = parse_ok(b.build());
    EXPECT_EQ(h.ifds.size(), 1025u);
    EXPECT_TRUE(h.warnings.empty());
  }
}

TEST(Salvage, MaxIfdsKeepsThatManyWithAWarning) {
  TiffBuilder b;
  for (int i = 0; i < 12; ++i) {
    b.add_ifd();
    core_tags(b);
  }
  Limits limits;
  limits.max_ifds = 10;
  Header h = parse_ok(b.build(), limits);
  EXPECT_EQ(h.ifds.size(), 10u);
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "ifd_budget_reached", 9, std::nullopt);
}

TEST(Salvage, MaxBytesSpentKeepsWhatWasReadWithAWarning) {
  TiffBuilder b;
  b.add_ifd();
  core_tags(b);
  b.raw(50000, 7, 100'000, std::vector<uint8_t>(100'000, 1));  // 100 KB UNDEFINED
  Limits limits;
  limits.max_bytes = 32 * 1024;
  Header h = parse_ok(b.build(), limits);
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(values_of<U>(h.ifds[0], tag::image_width), U{16});
  EXPECT_FALSE(tag_of(h.ifds[0], 50000).loaded());
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "metadata_budget_reached", 0, 50000);
}

// Complete IFDs are cached between passes; a reused IFD must bring its warnings along,
// exactly once.
TEST(Salvage, CachedIfdReplaysItsWarningsOnce) {
  TiffBuilder b;
  b.add_ifd(8);
  core_tags(b);
  b.field(kIccProfile, 7, 3144, 10'000'000);
  b.add_ifd(200'000);  // far away: a second read, so a second pass reuses IFD 0
  core_tags(b);
  b.add_ifd(400'000);
  core_tags(b);
  auto bytes = b.build();
  HeaderReader reader(Limits{}, bytes.size());
  reader.feed(0, std::span(bytes).subspan(0, 1024));
  int passes = 0;
  std::optional<Header> h;
  for (;;) {
    auto step = reader.advance();
    ++passes;
    ASSERT_FALSE(step.error) << step.error->describe();
    if (step.header) {
      h = std::move(step.header);
      break;
    }
    for (const ByteRange& r : step.needed) reader.feed(r.offset, std::span(bytes).subspan(r.offset, r.length));
  }
  EXPECT_GE(passes, 3);
  ASSERT_EQ(h->ifds.size(), 3u);
  ASSERT_EQ(h->warnings.size(), 1u);
  expect_warning(h->warnings[0], "tag_value_out_of_bounds", 0, kIccProfile);
}

// Object size unknown (a server that gives none): the end is learned from a feed that comes
// up short, and a value beyond it is a warning, as with a known size.
TEST(Salvage, ValuePastAnEndLearnedFromAShortFeed) {
  TiffBuilder b;
  b.add_ifd();
  core_tags(b);
  b.field(kIccProfile, 7, 3144, 100'000);
  auto bytes = b.build();
  HeaderReader reader;  // no object size
  reader.feed(0, bytes);
  auto step = reader.advance();
  ASSERT_EQ(step.needed.size(), 1u);
  EXPECT_EQ(step.needed[0].offset, 100'000u);
  reader.feed(100'000, {});  // nothing there
  step = reader.advance();
  ASSERT_TRUE(step.header) << step.error->describe();
  ASSERT_EQ(step.header->warnings.size(), 1u);
  expect_warning(step.header->warnings[0], "tag_value_out_of_bounds", 0, kIccProfile);
  EXPECT_NE(step.header->warnings[0].message.find("it ends at or before 100000"), std::string::npos)
      << step.header->warnings[0].message;
}

}  // namespace
}  // namespace td::tiff::testing
