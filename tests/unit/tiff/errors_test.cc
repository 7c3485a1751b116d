// Every error kind the reader reports, with the messages that say what lies where.
#include <gtest/gtest.h>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::bytes_of;
using testing::parse_error;
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
  auto e = parse_error(bytes);
  EXPECT_EQ(e.kind, ErrorKind::truncated);
  EXPECT_EQ(e.message, "IFD 1 at offset 123456 lies past the end of the object (size " +
                           std::to_string(bytes.size()) + ")");

  bytes = one_ifd();
  bytes.resize(bytes.size() - 2);  // cut into the next-IFD offset
  e = parse_error(bytes);
  EXPECT_EQ(e.kind, ErrorKind::truncated);
  EXPECT_EQ(e.message, "IFD 0 at offset 8 (18 bytes) extends past the end of the object (size 24)");

  TiffBuilder v;
  v.add_ifd();
  v.ascii(tag::software, "twelve chars");
  bytes = v.build();
  bytes.resize(bytes.size() - 3);
  e = parse_error(bytes);
  EXPECT_EQ(e.kind, ErrorKind::truncated);
  EXPECT_EQ(e.message,
            "value of tag 305 (Software) in IFD 0 at offset 26 (13 bytes) extends past the end "
            "of the object (size 36)");

  TiffBuilder f;  // first element of a strip-offsets array past the end
  f.add_ifd();
  f.field(tag::strip_offsets, 4, 10, 99999).uints(tag::strip_byte_counts, 4, {1});
  e = parse_error(f.build());
  EXPECT_EQ(e.kind, ErrorKind::truncated);
  EXPECT_NE(e.message.find("first element of tag 273 (StripOffsets) in IFD 0 at offset 99999"),
            std::string::npos);
}

TEST(Errors, IfdLoop) {
  TiffBuilder self;
  self.add_ifd();
  self.uints(tag::image_width, 3, {1});
  self.set_next_ifd(0, 8);
  auto e = parse_error(self.build());
  EXPECT_EQ(e.kind, ErrorKind::ifd_loop);
  EXPECT_EQ(e.message, "IFD 1 at offset 8 revisits IFD 0");

  for (bool big : {false, true}) {
    TiffBuilder cycle(ByteOrder::big, big);
    for (int i = 0; i < 3; ++i) {
      cycle.add_ifd();
      cycle.uints(tag::image_width, 3, {1});
    }
    cycle.set_next_ifd(2, cycle.header_size() + cycle.ifd_size(1));  // back to IFD 1
    EXPECT_EQ(parse_error(cycle.build()).kind, ErrorKind::ifd_loop);
  }
}

TEST(Errors, TooManyIfds) {
  TiffBuilder b;
  for (int i = 0; i < 1025; ++i) {
    b.add_ifd();
    b.uints(tag::image_width, 3, {1});
  }
  auto bytes = b.build();
  auto e = parse_error(bytes);
  EXPECT_EQ(e.kind, ErrorKind::limit_exceeded);
  EXPECT_EQ(e.message, "the IFD chain has more than 1024 IFDs");
  Limits more;
  more.max_ifds = 1025;
  EXPECT_TRUE(read_header(bytes, more).ok());
}

TEST(Errors, MaxBytes) {
  TiffBuilder b;
  b.add_ifd();
  b.ascii(tag::image_description, std::string(100000, 'x'));
  auto bytes = b.build();
  Limits limits;
  limits.max_bytes = 50000;
  EXPECT_EQ(parse_error(bytes, limits).kind, ErrorKind::limit_exceeded);
  limits.max_bytes = 200000;
  EXPECT_TRUE(read_header(bytes, limits).ok());

  // Bytes fed count too, even if nobody asked for them.
  HeaderReader reader(Limits{.max_bytes = 1000}, std::nullopt);
  std::vector<uint8_t> big(2000);
  reader.feed(0, big);
  auto step = reader.advance();
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
  auto e = parse_error(big.build());
  EXPECT_EQ(e.kind, ErrorKind::invalid_value);
  EXPECT_EQ(e.message, "tag 33922 (ModelTiepointTag) in IFD 0: count 2305843009213693952 of "
                       "type 12 overflows");

  // An IFD with no entries.
  TiffBuilder empty;
  empty.add_ifd();
  empty.uints(tag::image_width, 3, {1});
  empty.add_ifd();
  e = parse_error(empty.build());
  EXPECT_EQ(e.kind, ErrorKind::invalid_value);
  EXPECT_EQ(e.message, "IFD 1 at offset 26 has no entries");

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
  ASSERT_TRUE(step.error);
  EXPECT_EQ(step.error->kind, ErrorKind::invalid_value);
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

  // 20 x 64 KiB = 1.25 MiB decoded from a 68 KiB file: over 8 x 68 KiB + 64 KiB.
  auto capped = read_header(file);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.error().kind, ErrorKind::limit_exceeded);
  EXPECT_NE(capped.error().message.find("memory budget"), std::string::npos) << capped.error().message;

  Limits generous;
  generous.decoded_per_byte = 32;
  auto fine = read_header(file, generous);
  ASSERT_TRUE(fine.ok()) << fine.error().message;
  EXPECT_EQ(fine->ifds[0].tags.size(), 20u);
}

}  // namespace
}  // namespace td::tiff
