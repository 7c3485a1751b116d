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


// Reads `bytes` as a remote store would: size unknown, a prefix up front, every range fed
// as far as the object goes.
Result<Header> read_size_unknown(const std::vector<uint8_t>& bytes, uint64_t prefix) {
  HeaderReader reader;  // default limits, no object size
  reader.feed(0, slice(bytes, 0, prefix));
  for (int rounds = 0; rounds < 1000; ++rounds) {
    auto step = reader.advance();
    if (step.error) return *step.error;
    if (step.header) return std::move(*step.header);
    feed_all(reader, bytes, step.needed);
  }
  ADD_FAILURE() << "no result after 1000 rounds";
  return Error{ErrorKind::internal, "no progress"};
}

// What a header is, apart from the wording of its warnings (which name the object's end as
// far as it is known): the verdict must not depend on how the bytes arrived.
void expect_same_header(const Header& a, const Header& b) {
  ASSERT_EQ(a.ifds.size(), b.ifds.size());
  for (size_t i = 0; i < a.ifds.size(); ++i) {
    ASSERT_EQ(a.ifds[i].tags.size(), b.ifds[i].tags.size());
    for (size_t j = 0; j < a.ifds[i].tags.size(); ++j) {
      EXPECT_EQ(a.ifds[i].tags[j].values, b.ifds[i].tags[j].values) << "IFD " << i << " entry " << j;
    }
  }
  ASSERT_EQ(a.warnings.size(), b.warnings.size());
  for (size_t i = 0; i < a.warnings.size(); ++i) {
    EXPECT_EQ(a.warnings[i].kind, b.warnings[i].kind) << i;
    EXPECT_EQ(a.warnings[i].ifd, b.warnings[i].ifd) << i;
    EXPECT_EQ(a.warnings[i].tag, b.warnings[i].tag) << i;
  }
  EXPECT_EQ(a.metadata_end, b.metadata_end);
  EXPECT_EQ(a.first_data_offset, b.first_data_offset);
}

// A junk count or offset makes a range larger than max_bytes. With the size unknown that
// range must still come out as past the end (as with the size known), not as over budget.
TEST(Protocol, SizeUnknownRangesPastTheEndAreNotOverBudget) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {16});
  b.ascii(tag::image_description, "kept: it lies within the object");
  b.field(tag::strip_byte_counts, 1, 33'570'913, 687'928'142);  // 33 MB of BYTEs, far away
  b.field(50001, 2, 40'000'000, 1'000);                         // 40 MB of ASCII from offset 1,000
  b.set_next_ifd(0, 582'904'064);                               // IFD 1 far past the end
  b.pad_to(430);
  auto bytes = b.build();
  Header known = parse_ok(bytes);
  ASSERT_EQ(known.warnings.size(), 3u);
  EXPECT_EQ(known.warnings[0].kind, "tag_value_out_of_bounds");
  EXPECT_EQ(known.warnings[1].kind, "tag_value_out_of_bounds");
  EXPECT_EQ(known.warnings[2].kind, "ifd_link_out_of_bounds");
  for (uint64_t prefix : std::vector<uint64_t>{0, 8, 100, 200, 429, 430, 64 * 1024}) {
    SCOPED_TRACE("prefix " + std::to_string(prefix));
    auto remote = read_size_unknown(bytes, prefix);
    ASSERT_TRUE(remote.ok()) << remote.error().describe();
    expect_same_header(known, *remote);
  }
}

// A size learned from the first read (a Content-Range total) spares the search for the end.
TEST(Protocol, SizeLearnedFromAReadNeedsNoSearchForTheEnd) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {16});
  b.field(50001, 2, 40'000'000, 1'000);  // 40 MB of ASCII from offset 1,000
  b.set_next_ifd(0, 582'904'064);
  b.pad_to(430);
  auto bytes = b.build();
  HeaderReader reader;
  reader.set_object_size(bytes.size());
  reader.feed(0, bytes);
  auto step = reader.advance();
  ASSERT_TRUE(step.header) << "asked for " << step.needed.size() << " more ranges";
  expect_same_header(parse_ok(bytes), *step.header);
}

// A header at its decoded-memory budget (many tags sharing one value) plus tags whose
// values lie past the end: warnings take budget too, and their wording differs with what
// is known of the end, so the budget must charge them by count, not by message length.
TEST(Protocol, BudgetVerdictDoesNotDependOnHowBytesArrive) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {16});
  // First tags whose values lie past the end (their warnings are charged first), then
  // thousands of small ASCII values all at offset 0: a fine-grained walk to the budget.
  for (uint16_t i = 0; i < 40; ++i) {
    b.field(static_cast<uint16_t>(30000 + i), 7, 1000 + i, 20'000'000 + 1'000'000ull * i);
  }
  for (uint16_t i = 0; i < 6000; ++i) b.field(static_cast<uint16_t>(40000 + i), 2, 60, 0);
  auto bytes = b.build();
  Header known = parse_ok(bytes);
  size_t loaded = 0;
  for (const Tag& t : known.ifds.at(0).tags) loaded += t.loaded();
  ASSERT_LT(loaded, known.ifds[0].tags.size() - 40) << "the file must reach the budget";
  ASSERT_GT(loaded, 1000u);
  ASSERT_EQ(known.warnings.size(), 9u);  // 8 listed (past the end), the rest summed up
  EXPECT_EQ(known.warnings.back().kind, "more_warnings");
  for (uint64_t prefix : std::vector<uint64_t>{0, 8, 1000, 40000, bytes.size() - 1, bytes.size()}) {
    SCOPED_TRACE("prefix " + std::to_string(prefix));
    auto remote = read_size_unknown(bytes, prefix);
    ASSERT_TRUE(remote.ok()) << remote.error().describe();
    expect_same_header(known, *remote);
  }
}

// An IFD that reached the memory budget (values skipped, their warnings charged) and a
// second IFD far away, so more passes follow the one that decoded IFD 0: the verdict must
// be the same whether the bytes come in steps (known size or not) or all at once.
TEST(Protocol, IfdAtTheBudgetReadsTheSameOverLaterPasses) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {16});
  for (uint16_t i = 0; i < 6000; ++i) b.field(static_cast<uint16_t>(40000 + i), 2, 60, 0);
  b.set_next_ifd(0, 200000);
  b.add_ifd(200000);
  b.uints(tag::image_width, 3, {8});
  b.pad_to(200100);
  auto bytes = b.build();
  HeaderReader all_at_once({}, bytes.size());
  all_at_once.feed(0, bytes);
  auto step = all_at_once.advance();
  ASSERT_TRUE(step.header) << (step.error ? step.error->describe() : "asked for more");
  const Header& once = *step.header;
  ASSERT_EQ(once.ifds.size(), 1u);  // IFD 1 no longer fits: the chain ends on the budget
  ASSERT_FALSE(once.warnings.empty());
  EXPECT_EQ(once.warnings.back().kind, "metadata_budget_reached");  // IFD 1 does not fit
  EXPECT_EQ(once.warnings.end()[-2].kind, "more_warnings");          // values of IFD 0 skipped
  expect_same_header(once, parse_ok(bytes));                       // size known, in steps
  for (uint64_t prefix : std::vector<uint64_t>{0, 1000, 80000}) {  // size unknown, in steps
    SCOPED_TRACE("prefix " + std::to_string(prefix));
    auto remote = read_size_unknown(bytes, prefix);
    ASSERT_TRUE(remote.ok()) << remote.error().describe();
    expect_same_header(once, *remote);
  }
}

}  // namespace
}  // namespace td::tiff

namespace td::tiff {
namespace {

// adopt() (a read's buffer taken over without a copy) reads exactly as feed(): the same
// header, whether the buffer touches nothing fed before (adopted), overlaps or adjoins
// earlier bytes (merged as feed does), or runs past the object's end (clamped).
TEST(Protocol, AdoptedBuffersReadTheSameAsFedOnes) {
  const auto bytes = scattered_file();
  auto run = [&](bool adopting, uint64_t object_size) {
    HeaderReader reader({}, object_size);
    auto give = [&](uint64_t offset, uint64_t length) {
      auto s = slice(bytes, offset, length);
      if (!adopting) return reader.feed(offset, s);
      Bytes owned(s.begin(), s.end());
      if (offset + length > bytes.size()) owned.resize(owned.size() + 64);  // junk past the end
      reader.adopt(offset, std::move(owned));
    };
    for (int round = 0; round < 10; ++round) {
      auto step = reader.advance();
      if (step.done()) return std::make_pair(std::move(step), reader.bytes_fed());
      for (const auto& r : step.needed) {
        give(r.offset, r.length / 2);                 // first half: new
        give(r.offset, r.length);                     // overlaps it
        give(r.offset + r.length, 8);                 // adjoins it
      }
    }
    ADD_FAILURE() << "no end after 10 rounds";
    return std::make_pair(HeaderReader::Step{}, reader.bytes_fed());
  };
  for (uint64_t size : {uint64_t{0}, uint64_t{bytes.size()}, uint64_t{250000}}) {
    SCOPED_TRACE(size);
    auto [fed, fed_bytes] = run(false, size ? size : bytes.size());
    auto [adopted, adopted_bytes] = run(true, size ? size : bytes.size());
    ASSERT_TRUE(fed.header && adopted.header);
    EXPECT_EQ(fed_bytes, adopted_bytes);
    EXPECT_EQ(fed.header->metadata_end, adopted.header->metadata_end);
    EXPECT_EQ(fed.header->warnings, adopted.header->warnings);
    ASSERT_EQ(fed.header->ifds.size(), adopted.header->ifds.size());
    for (size_t i = 0; i < fed.header->ifds.size(); ++i) {
      ASSERT_EQ(fed.header->ifds[i].tags.size(), adopted.header->ifds[i].tags.size());
      for (size_t t = 0; t < fed.header->ifds[i].tags.size(); ++t)
        EXPECT_EQ(fed.header->ifds[i].tags[t].values, adopted.header->ifds[i].tags[t].values);
    }
  }
}

}  // namespace
}  // namespace td::tiff
