// The sans-IO protocol: what advance() asks for, how requests are coalesced, and how
// short feeds end the object.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_ok;
using testing::TiffBuilder;
using testing::values_of;

std::span<const uint8_t> slice(const std::vector<uint8_t>& b, uint64_t offset, uint64_t len) {
  offset = std::min<uint64_t>(offset, b.size());
  return std::span(b).subspan(offset, std::min<uint64_t>(len, b.size() - offset));
}

void feed_all(HeaderReader& reader, const std::vector<uint8_t>& bytes,
              const std::vector<ByteRange>& ranges) {
  for (const auto& r : ranges) reader.feed(r.offset, slice(bytes, r.offset, r.length));
}

// IFD 0 right after the header with a value far away; IFD 1 further still.
std::vector<uint8_t> scattered_file() {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {640});
  b.ascii(tag::image_description, "a description stored far from its IFD");
  b.set_values_at(0, 100000);
  b.add_ifd(200000);
  b.uints(tag::image_width, 3, {320});
  b.ascii(tag::software, "software string after IFD 1");
  b.pad_to(300000);
  return b.build();
}

TEST(Protocol, PrefixThenEverythingMissingTogether) {
  auto bytes = scattered_file();
  HeaderReader reader({}, bytes.size());
  reader.feed(0, slice(bytes, 0, 16));

  auto step = reader.advance();
  ASSERT_FALSE(step.done());
  // IFD 0's count is in the prefix; the rest of it comes with read-ahead.
  EXPECT_EQ(step.needed, (std::vector<ByteRange>{{16, 16384 - 8}}));
  feed_all(reader, bytes, step.needed);

  step = reader.advance();
  ASSERT_FALSE(step.done());
  // The far value of IFD 0 and IFD 1 (with read-ahead) in one round.
  EXPECT_EQ(step.needed, (std::vector<ByteRange>{{100000, 38}, {200000, 16384}}));
  feed_all(reader, bytes, step.needed);

  step = reader.advance();
  ASSERT_TRUE(step.done());
  ASSERT_TRUE(step.header) << step.error->describe();
  ASSERT_EQ(step.header->ifds.size(), 2u);
  EXPECT_EQ(values_of<std::string>(step.header->ifds[0], tag::image_description),
            "a description stored far from its IFD");
  EXPECT_EQ(values_of<std::string>(step.header->ifds[1], tag::software),
            "software string after IFD 1");
  EXPECT_EQ(reader.bytes_fed(), 16u + (16384 - 8) + 38 + 16384);
  EXPECT_EQ(step.header->metadata_end, 200000u + 30 + 28);  // IFD 1 and its value
}

TEST(Protocol, StartsWithAReadAheadClampedToTheObject) {
  HeaderReader unknown;
  EXPECT_EQ(unknown.advance().needed, (std::vector<ByteRange>{{0, 16384}}));
  HeaderReader small({}, 100);
  EXPECT_EQ(small.advance().needed, (std::vector<ByteRange>{{0, 100}}));
}

TEST(Protocol, ShortFeedOfAReadAheadIsNotAnError) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  auto bytes = b.build();
  HeaderReader reader;  // size unknown
  auto step = reader.advance();
  ASSERT_EQ(step.needed.size(), 1u);
  reader.feed(0, bytes);  // fewer bytes than asked: the object ends here
  step = reader.advance();
  ASSERT_TRUE(step.header) << step.error->describe();
  EXPECT_EQ(step.header->ifds.size(), 1u);
}

TEST(Protocol, ShortFeedOfANeededRangeIsTruncated) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  b.set_next_ifd(0, 50000);
  auto bytes = b.build();
  HeaderReader reader;
  reader.feed(0, bytes);
  auto step = reader.advance();
  ASSERT_EQ(step.needed.size(), 1u);
  EXPECT_EQ(step.needed[0].offset, 50000u);
  reader.feed(50000, {});  // nothing there: the object ends somewhere before

  step = reader.advance();  // issue 15: IFD 0 is kept, the chain ends with a warning
  ASSERT_TRUE(step.header);
  ASSERT_EQ(step.header->warnings.size(), 1u);
  EXPECT_EQ(step.header->warnings[0].kind, "ifd_link_out_of_bounds");
  EXPECT_EQ(step.header->warnings[0].message,
            "IFD 1 at offset 50000 lies past the end of the object (it ends at or before 50000); "
            "the IFD chain ends after IFD 0");
}

TEST(Protocol, AlwaysTerminatesWhenFeedsComeUpShort) {
  auto bytes = scattered_file();
  for (uint64_t cut : {0, 5, 12, 100, 20000, 100010, 200004}) {
    HeaderReader reader;  // size unknown: only short feeds tell where the object ends
    int rounds = 0;
    for (;; ++rounds) {
      ASSERT_LT(rounds, 20) << "cut " << cut;
      auto step = reader.advance();
      if (step.done()) {
        // An error when IFD 0 is cut, else a header saying what was cut (issue 15).
        EXPECT_TRUE(step.error || (step.header && !step.header->warnings.empty())) << "cut " << cut;
        break;
      }
      for (const auto& r : step.needed) {
        uint64_t end = std::min(r.end(), cut);
        reader.feed(r.offset, end > r.offset ? slice(bytes, r.offset, end - r.offset)
                                             : std::span<const uint8_t>{});
      }
    }
  }
}

TEST(Protocol, CoalescesNearbyRanges) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  b.ascii(tag::artist, std::string(100, 'a'));
  b.ascii(tag::copyright, std::string(100, 'c'));
  b.set_values_at(0, 50000);  // both values, 100 bytes apart
  b.add_ifd(200000);
  b.ascii(tag::artist, std::string(100, 'b'));
  b.set_values_at(1, 60000);  // 10 KB after the first pair: separate range
  auto bytes = b.build();
  HeaderReader reader({}, bytes.size());
  reader.feed(0, slice(bytes, 0, 4096));
  auto step = reader.advance();
  ASSERT_EQ(step.needed.size(), 2u);
  EXPECT_EQ(step.needed[0], (ByteRange{50000, 203}));
  EXPECT_EQ(step.needed[1].offset, 200000u);
  feed_all(reader, bytes, step.needed);
  step = reader.advance();
  EXPECT_EQ(step.needed, (std::vector<ByteRange>{{60000, 101}}));
  feed_all(reader, bytes, step.needed);
  step = reader.advance();
  ASSERT_TRUE(step.header);
}

TEST(Protocol, FeedOrderAndChunkingDoNotMatter) {
  auto bytes = scattered_file();
  Header expected = parse_ok(bytes);
  std::mt19937 rng(42);
  for (int trial = 0; trial < 20; ++trial) {
    // Random overlapping chunks, fed in random order, before the first advance().
    std::vector<ByteRange> chunks;
    for (uint64_t pos = 0; pos < bytes.size();) {
      uint64_t len = 1 + rng() % 70000;
      uint64_t back = std::min<uint64_t>(pos, rng() % 50);
      chunks.push_back({pos - back, len + back});
      pos += len;
    }
    std::shuffle(chunks.begin(), chunks.end(), rng);
    HeaderReader reader({.max_bytes = 1u << 30}, bytes.size());
    feed_all(reader, bytes, chunks);
    auto step = reader.advance();
    ASSERT_TRUE(step.header);
    ASSERT_EQ(step.header->ifds.size(), expected.ifds.size());
    for (size_t i = 0; i < expected.ifds.size(); ++i) {
      EXPECT_EQ(step.header->ifds[i].tags.size(), expected.ifds[i].tags.size());
      EXPECT_EQ(step.header->ifds[i].tags.back().values, expected.ifds[i].tags.back().values);
    }
    EXPECT_EQ(step.header->metadata_end, expected.metadata_end);
  }
}

TEST(Protocol, TightByteBudgetDropsReadAhead) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  b.ascii(tag::software, "tiny");
  b.pad_to(100000);
  auto bytes = b.build();
  Limits limits;
  limits.max_bytes = 200;
  HeaderReader reader(limits, bytes.size());
  auto step = reader.advance();
  EXPECT_EQ(step.needed, (std::vector<ByteRange>{{0, 4}}));  // just the magic
  auto r = read_header(bytes, limits);
  ASSERT_TRUE(r.ok()) << r.error().describe();
  EXPECT_EQ(values_of<std::string>(r->ifds.at(0), tag::software), "tiny");
}

TEST(Protocol, AdvanceAfterDoneRepeatsTheResult) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  auto bytes = b.build();
  HeaderReader reader({}, bytes.size());
  reader.feed(0, bytes);
  auto first = reader.advance();
  auto second = reader.advance();
  ASSERT_TRUE(first.header && second.header);
  EXPECT_EQ(first.header->ifds.size(), second.header->ifds.size());
}

TEST(Protocol, FeedsBeyondTheObjectAreIgnored) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  auto bytes = b.build();
  HeaderReader reader({}, bytes.size());
  std::vector<uint8_t> padded = bytes;
  padded.resize(bytes.size() + 100, 0xEE);
  reader.feed(0, padded);
  reader.feed(~uint64_t{0} - 3, padded);  // would wrap around: ignored
  auto step = reader.advance();
  ASSERT_TRUE(step.header);
}

}  // namespace
}  // namespace td::tiff
