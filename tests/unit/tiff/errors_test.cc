// Every error kind the reader reports, with the messages that say what lies where. Since
// issue 15, damage past IFD 0's entry table is a warning with the same message (the cases
// that moved are kept here, next to the errors they were; salvage_test.cc has the rest).
#include <gtest/gtest.h>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::bytes_of;
using testing::parse_error;
using testing::parse_ok;
using testing::TiffBuilder;

std::vector<uint8_t> one_ifd(ByteOrder order = ByteOrder::little, bool big = false) {
  TiffBuilder b(order, big);
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  return b.build();
}

TEST(Errors, NotTiff) {
  EXPECT_EQ(parse_error({}).kind, ErrorKind::not_tiff);
  EXPECT_EQ(parse_error({'I', 'I', 42}).kind, ErrorKind::not_tiff);
  EXPECT_EQ(parse_error(bytes_of("GIF89a.............")).kind, ErrorKind::not_tiff);
  EXPECT_EQ(parse_error(bytes_of("IM*\0\x08\0\0\0")).kind, ErrorKind::not_tiff);
  auto e = parse_error({'I', 'I', 44, 0, 8, 0, 0, 0, 0, 0});
  EXPECT_EQ(e.kind, ErrorKind::not_tiff);
  EXPECT_EQ(e.message, "TIFF version 44 is neither 42 nor 43");
  // Byte order and version must agree: "MM" with a little-endian 42 is version 10752.
  EXPECT_EQ(parse_error({'M', 'M', 42, 0, 0, 0, 0, 8}).kind, ErrorKind::not_tiff);
}

TEST(Errors, TruncatedHeader) {
  auto e = parse_error({'I', 'I', 42, 0, 8, 0});
  EXPECT_EQ(e.kind, ErrorKind::truncated);
  EXPECT_EQ(e.message,
            "TIFF header at offset 0 (8 bytes) extends past the end of the object (size 6)");
  EXPECT_EQ(parse_error({'M', 'M', 0, 43, 0, 8, 0, 0, 0, 0, 0, 0}).kind, ErrorKind::truncated);
  EXPECT_EQ(parse_error({'I', 'I', 42, 0}).kind, ErrorKind::truncated);
}

TEST(Errors, TruncatedIfdAndValues) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  b.set_next_ifd(0, 123456);
  auto bytes = b.build();
  Header h = parse_ok(bytes);  // issue 15: IFD 0 is kept, the link is a warning
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_link_out_of_bounds");
  EXPECT_EQ(h.warnings[0].message, "IFD 1 at offset 123456 lies past the end of the object (size " +
                                       std::to_string(bytes.size()) + "); the IFD chain ends after IFD 0");

  bytes = one_ifd();
  bytes.resize(bytes.size() - 2);  // cut into the next-IFD offset: IFD 0 is whole, kept
  h = parse_ok(bytes);
  ASSERT_EQ(h.ifds.size(), 1u);
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_truncated");
  EXPECT_EQ(h.warnings[0].message,
            "the next-IFD offset of IFD 0 at offset 22 is cut off by the end of the object; the IFD chain ends after IFD 0");

  bytes = one_ifd();
  bytes.resize(bytes.size() - 6);  // cut into IFD 0's entries
  auto e = parse_error(bytes);  // IFD 0's own table: still an error
  EXPECT_EQ(e.kind, ErrorKind::truncated);
  EXPECT_EQ(e.message, "IFD 0 at offset 8 (18 bytes) extends past the end of the object (size 20)");

  TiffBuilder v;
  v.add_ifd();
  v.ascii(tag::software, "twelve chars");
  bytes = v.build();
  bytes.resize(bytes.size() - 3);
  h = parse_ok(bytes);  // issue 15: the tag is kept unloaded, with a warning
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "tag_value_out_of_bounds");
  EXPECT_EQ(h.warnings[0].tag, tag::software);
  EXPECT_EQ(h.warnings[0].message,
            "value of tag 305 (Software) in IFD 0 at offset 26 (13 bytes) extends past the end "
            "of the object (size 36); the tag is kept, its value not loaded");

  TiffBuilder f;  // a strip-offsets array past the end (read in full since issue 15)
  f.add_ifd();
  f.field(tag::strip_offsets, 4, 10, 99999).uints(tag::strip_byte_counts, 4, {1});
  h = parse_ok(f.build());
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].tag, tag::strip_offsets);
  EXPECT_NE(h.warnings[0].message.find(
                "value of tag 273 (StripOffsets) in IFD 0 at offset 99999"),
            std::string::npos);
  EXPECT_FALSE(h.first_data_offset);
}

TEST(Errors, IfdLoop) {
  TiffBuilder self;
  self.add_ifd();
  self.uints(tag::image_width, 3, {1});
  self.set_next_ifd(0, 8);
  Header h = parse_ok(self.build());  // issue 15: the IFDs before the loop are kept
  ASSERT_EQ(h.ifds.size(), 1u);
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_loop");
  EXPECT_EQ(h.warnings[0].message,
            "the next-IFD offset 8 of IFD 0 revisits IFD 0; the IFD chain ends after IFD 0");

  for (bool big : {false, true}) {
    TiffBuilder cycle(ByteOrder::big, big);
    for (int i = 0; i < 3; ++i) {
      cycle.add_ifd();
      cycle.uints(tag::image_width, 3, {1});
    }
    cycle.set_next_ifd(2, cycle.header_size() + cycle.ifd_size(1));  // back to IFD 1
    h = parse_ok(cycle.build());
    EXPECT_EQ(h.ifds.size(), 3u);
    ASSERT_EQ(h.warnings.size(), 1u);
    EXPECT_EQ(h.warnings[0].kind, "ifd_loop");
    EXPECT_EQ(h.warnings[0].ifd, 2u);
  }
}

// Issue 15: the IFD budget keeps max_ifds IFDs and warns (it was a limit_exceeded error
// at 1,024 IFDs).
TEST(Errors, TooManyIfds) {
  TiffBuilder b;
  for (int i = 0; i < 1025; ++i) {
    b.add_ifd();
    b.uints(tag::image_width, 3, {1});
  }
  auto bytes = b.build();
  EXPECT_EQ(parse_ok(bytes).ifds.size(), 1025u);
  Limits fewer;
  fewer.max_ifds = 1024;
  Header h = parse_ok(bytes, fewer);
  EXPECT_EQ(h.ifds.size(), 1024u);
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_budget_reached");
  EXPECT_EQ(h.warnings[0].message,
            "the IFD chain has more than max_ifds (1024) IFDs; the IFD chain ends after IFD 1023");
}

TEST(Errors, MaxBytes) {
  TiffBuilder b;
  b.add_ifd();
  b.ascii(tag::image_description, std::string(100000, 'x'));
  auto bytes = b.build();
  Limits limits;
  limits.max_bytes = 50000;
  Header h = parse_ok(bytes, limits);  // issue 15: the budget leaves the tag unloaded
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "metadata_budget_reached");
  EXPECT_EQ(h.warnings[0].tag, tag::image_description);
  EXPECT_FALSE(h.ifds.at(0).find(tag::image_description)->loaded());
  limits.max_bytes = 200000;
  EXPECT_TRUE(parse_ok(bytes, limits).warnings.empty());

  // Bytes fed count too, even if nobody asked for them: no more reads are asked for.
  HeaderReader reader(Limits{.max_bytes = 1000}, std::nullopt);
  std::vector<uint8_t> big(2000);
  reader.feed(0, big);
  auto step = reader.advance();
  EXPECT_TRUE(step.needed.empty());
  ASSERT_TRUE(step.error);
  EXPECT_EQ(step.error->kind, ErrorKind::not_tiff);  // 2,000 zero bytes
  // The file header fits, IFD 0 does not: an error.
  TiffBuilder far;
  far.add_ifd(5000);
  far.uints(tag::image_width, 3, {1});
  auto far_bytes = far.build();
  HeaderReader capped(Limits{.max_bytes = 1000}, far_bytes.size());
  capped.feed(0, std::span(far_bytes).subspan(0, 1000));
  step = capped.advance();
  ASSERT_TRUE(step.error);
  EXPECT_EQ(step.error->kind, ErrorKind::limit_exceeded);
}

TEST(Errors, AbsurdBigTiffEntryCountDoesNotAllocate) {
  TiffBuilder b(ByteOrder::little, true);
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  auto bytes = b.build();
  for (uint64_t count : {uint64_t{1} << 40, ~uint64_t{0}, uint64_t{900000}}) {
    for (int i = 0; i < 8; ++i) bytes[16 + i] = static_cast<uint8_t>(count >> (8 * i));
    auto e = parse_error(bytes);
    EXPECT_EQ(e.kind, ErrorKind::limit_exceeded) << count;
  }
  // Unknown object size: still refused before any request.
  HeaderReader reader;
  reader.feed(0, bytes);
  auto step = reader.advance();
  ASSERT_TRUE(step.error);
  EXPECT_EQ(step.error->kind, ErrorKind::limit_exceeded);
}

TEST(Errors, InvalidValues) {
  // Count * size overflows 64 bits (BigTIFF counts are 64-bit).
  TiffBuilder big(ByteOrder::little, true);
  big.add_ifd();
  big.field(tag::image_description, 2, 1, 0);
  big.field(tag::model_tiepoint, 12, uint64_t{1} << 61, 64);
  Header h = parse_ok(big.build());  // issue 15: a warning, the tag kept unloaded
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "tag_value_out_of_bounds");
  EXPECT_EQ(h.warnings[0].message,
            "tag 33922 (ModelTiepointTag) in IFD 0: count 2305843009213693952 of type 12 "
            "overflows 64-bit sizes; the tag is kept, its value not loaded");

  // A later IFD with no entries ends the chain (issue 15); IFD 0 with none is an error.
  TiffBuilder empty;
  empty.add_ifd();
  empty.uints(tag::image_width, 3, {1});
  empty.add_ifd();
  h = parse_ok(empty.build());
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_empty");
  EXPECT_EQ(h.warnings[0].message, "IFD 1 at offset 26 has no entries; the IFD chain ends after IFD 0");
  TiffBuilder empty0;
  empty0.add_ifd();
  auto e = parse_error(empty0.build());
  EXPECT_EQ(e.kind, ErrorKind::invalid_value);
  EXPECT_EQ(e.message, "IFD 0 at offset 8 has no entries");

  // First IFD offset 0.
  auto bytes = one_ifd(ByteOrder::big);
  bytes[4] = bytes[5] = bytes[6] = bytes[7] = 0;
  e = parse_error(bytes);
  EXPECT_EQ(e.kind, ErrorKind::invalid_value);
  EXPECT_EQ(e.message, "first IFD offset is 0");

  // BigTIFF with 4-byte offsets.
  bytes = one_ifd(ByteOrder::little, true);
  bytes[4] = 4;
  EXPECT_EQ(parse_error(bytes).kind, ErrorKind::invalid_value);

  // A BigTIFF offset so large that offset + size wraps around, object size unknown.
  TiffBuilder wrap(ByteOrder::little, true);
  wrap.add_ifd();
  wrap.field(tag::image_description, 2, 100, ~uint64_t{0} - 10);
  HeaderReader reader;
  reader.feed(0, wrap.build());
  auto step = reader.advance();
  ASSERT_TRUE(step.header);  // issue 15: the value is unreadable, the tag kept with a warning
  ASSERT_EQ(step.header->warnings.size(), 1u);
  EXPECT_EQ(step.header->warnings[0].kind, "tag_value_out_of_bounds");
  EXPECT_NE(step.header->warnings[0].message.find("overflows 64-bit offsets"), std::string::npos);
}

TEST(Errors, OddAndLateNextOffsetsAreFine) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  b.add_ifd(1001);
  b.uints(tag::image_width, 3, {2});
  b.add_ifd(501);  // before IFD 1: still fine, no loop
  b.uints(tag::image_width, 3, {3});
  auto r = read_header(b.build());
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(r->ifds.size(), 3u);
}

}  // namespace
}  // namespace td::tiff

namespace td::tiff {
namespace {

// Many tags pointing at one large value decode one copy each: the decoded
// total, not only the bytes fetched, must stay within the decoded budget.
TEST(Errors, SharedValuesCountTowardDecodedBudget) {
  const uint64_t value_at = 4096, value_size = 64 * 1024;
  testing::TiffBuilder b;
  b.add_ifd();
  for (uint16_t i = 0; i < 20; ++i) b.field(static_cast<uint16_t>(40000 + i), 2, value_size, value_at);
  b.pad_to(value_at + value_size);
  std::vector<uint8_t> file = b.build();
  for (uint64_t i = value_at; i < value_at + value_size; ++i) file[i] = 'x';

  // 20 x 64 KiB = 1.25 MiB decoded from a 68 KiB file: over 8 x 68 KiB + 64 KiB. Issue 15:
  // the values that do not fit stay unloaded, each with a warning; all 20 tags are kept.
  Header capped = testing::parse_ok(file);
  ASSERT_EQ(capped.ifds.at(0).tags.size(), 20u);
  size_t loaded = 0;
  for (const Tag& t : capped.ifds[0].tags) loaded += t.loaded();
  EXPECT_EQ(loaded, 9u);  // (8 x 68 KiB + 64 KiB) / 64 KiB, less the entries' own memory
  ASSERT_EQ(capped.warnings.size(), 9u);  // 8 listed, the 3 more summed up
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(capped.warnings[i].kind, "metadata_budget_reached");
    EXPECT_EQ(capped.warnings[i].tag, 40000 + loaded + i);
    EXPECT_NE(capped.warnings[i].message.find("memory budget"), std::string::npos) << capped.warnings[i].message;
  }
  EXPECT_EQ(capped.warnings[8].kind, "more_warnings");
  EXPECT_EQ(capped.warnings[8].message, "3 more tags of IFD 0 have warnings, not listed");

  Limits generous;
  generous.decoded_per_byte = 32;
  auto fine = read_header(file, generous);
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(fine->ifds[0].tags.size(), 20u);
}

}  // namespace
}  // namespace td::tiff
