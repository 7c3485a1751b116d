// Issue 15, kind 3: SubIFDs (tag 330, Adobe TIFF Technical Note 1) are read, listed after
// their parent in Header::ifds with where they came from, counted in the budgets, and
// damage to them is a warning on the parent.
#include <gtest/gtest.h>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_ok;
using testing::TiffBuilder;
using testing::values_of;
using U = std::vector<uint64_t>;
using Opt = std::optional<uint32_t>;

struct Where {
  uint64_t offset;
  uint32_t chain_index;
  Opt parent, subifd_index;
};

void expect_ifds(const Header& h, const std::vector<Where>& want) {
  ASSERT_EQ(h.ifds.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    SCOPED_TRACE("IFD " + std::to_string(i));
    EXPECT_EQ(h.ifds[i].offset, want[i].offset);
    EXPECT_EQ(h.ifds[i].chain_index, want[i].chain_index);
    EXPECT_EQ(h.ifds[i].parent, want[i].parent);
    EXPECT_EQ(h.ifds[i].subifd_index, want[i].subifd_index);
  }
}

// A BigTIFF pyramid: full resolution in the main chain, two reduced levels in its SubIFDs
// (IFD8), and a second main-chain IFD after them.
TEST(SubIfds, BigTiffReducedLevelsFollowTheirParent) {
  TiffBuilder b(ByteOrder::little, true);
  b.add_ifd();
  b.uints(tag::image_width, 3, {1024}).uints(tag::sub_ifds, 18, {1000, 2000});
  b.set_next_ifd(0, 3000);
  b.add_ifd(1000);
  b.uints(tag::new_subfile_type, 4, {1}).uints(tag::image_width, 3, {512});
  b.set_next_ifd(1, 0);
  b.add_ifd(2000);
  b.uints(tag::image_width, 16, {256});
  b.set_next_ifd(2, 0);
  b.add_ifd(3000);
  b.uints(tag::image_width, 3, {64});
  Header h = parse_ok(b.build());
  expect_ifds(h, {{16, 0, {}, {}}, {1000, 0, 0u, 0u}, {2000, 0, 0u, 1u}, {3000, 1, {}, {}}});
  EXPECT_EQ(values_of<U>(h.ifds[1], tag::image_width), U{512});
  EXPECT_EQ(values_of<U>(h.ifds[2], tag::image_width), U{256});
  EXPECT_EQ(h.metadata_end, 3000u + 16 + 20);  // the last IFD
  EXPECT_TRUE(h.warnings.empty());
}

// Classic TIFF: a single SubIFD inline (LONG), which has a SubIFD of its own (IFD type).
TEST(SubIfds, ClassicNestedSubIfdsOfTypeLongAndIfd) {
  TiffBuilder b(ByteOrder::big, false);
  b.add_ifd();
  b.uints(tag::image_width, 3, {1024}).uints(tag::sub_ifds, 4, {1000});
  b.add_ifd(1000);
  b.uints(tag::image_width, 3, {512}).uints(tag::sub_ifds, 13, {2000});
  b.set_next_ifd(1, 0);
  b.add_ifd(2000);
  b.uints(tag::image_width, 3, {256});
  b.set_next_ifd(0, 0);
  Header h = parse_ok(b.build());
  expect_ifds(h, {{8, 0, {}, {}}, {1000, 0, 0u, 0u}, {2000, 0, 1u, 0u}});
  EXPECT_EQ(h.metadata_end, 2000u + 6 + 12);
  EXPECT_TRUE(h.warnings.empty());
}

TEST(SubIfds, LoopIsAWarningOnTheParent) {
  TiffBuilder b;
  b.add_ifd();  // at 8; its SubIFDs: itself, then a SubIFD whose SubIFD is IFD 0 again
  b.uints(tag::image_width, 3, {1}).uints(tag::sub_ifds, 4, {8, 1000});
  b.set_next_ifd(0, 0);
  b.add_ifd(1000);
  b.uints(tag::sub_ifds, 4, {8});
  b.set_next_ifd(1, 0);
  Header h = parse_ok(b.build());
  expect_ifds(h, {{8, 0, {}, {}}, {1000, 0, 0u, 1u}});
  ASSERT_EQ(h.warnings.size(), 2u);
  EXPECT_EQ(h.warnings[0], (Warning{"ifd_loop", 0, tag::sub_ifds,
                                    "SubIFD offset 8 revisits an IFD already read; SubIFD 0 of IFD 0 is skipped"}));
  EXPECT_EQ(h.warnings[1], (Warning{"ifd_loop", 1, tag::sub_ifds,
                                    "SubIFD offset 8 revisits an IFD already read; SubIFD 0 of IFD 1 is skipped"}));
}

TEST(SubIfds, OffsetPastTheEndIsAWarningAndTheRestIsKept) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1}).uints(tag::sub_ifds, 4, {999999, 1000});
  b.add_ifd(1000);
  b.uints(tag::image_width, 3, {2});
  b.set_next_ifd(0, 0);
  const auto bytes = b.build();
  Header h = parse_ok(bytes);
  expect_ifds(h, {{8, 0, {}, {}}, {1000, 0, 0u, 1u}});
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_link_out_of_bounds");
  EXPECT_EQ(h.warnings[0].ifd, 0u);
  EXPECT_EQ(h.warnings[0].tag, tag::sub_ifds);
  EXPECT_EQ(h.warnings[0].message, "SubIFD 0 of IFD 0 at offset 999999 lies past the end of the object (size " +
                                       std::to_string(bytes.size()) + "); SubIFD 0 of IFD 0 is skipped");
}

TEST(SubIfds, CountAgainstMaxIfds) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::sub_ifds, 4, {1000, 2000});
  b.set_next_ifd(0, 3000);
  b.add_ifd(1000);
  b.uints(tag::image_width, 3, {2});
  b.set_next_ifd(1, 0);
  b.add_ifd(2000);
  b.uints(tag::image_width, 3, {3});
  b.set_next_ifd(2, 0);
  b.add_ifd(3000);
  b.uints(tag::image_width, 3, {4});
  Limits limits;
  limits.max_ifds = 2;
  Header h = parse_ok(b.build(), limits);
  expect_ifds(h, {{8, 0, {}, {}}, {1000, 0, 0u, 0u}});
  ASSERT_EQ(h.warnings.size(), 2u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_budget_reached");
  EXPECT_EQ(h.warnings[0].tag, tag::sub_ifds);
  EXPECT_EQ(h.warnings[1], (Warning{"ifd_budget_reached", 0, std::nullopt,
                                    "the IFD chain has more than max_ifds (2) IFDs; the IFD chain ends after IFD 0"}));
}

TEST(SubIfds, WarningsOfManyBadSubIfdsAreCapped) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::sub_ifds, 4, U(20, 999999));
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  ASSERT_EQ(h.warnings.size(), 9u);
  // The same offset listed again gets the same verdict: past the end, not a loop.
  for (size_t i = 0; i < 8; ++i) {
    EXPECT_EQ(h.warnings[i].kind, "ifd_link_out_of_bounds") << i;
    EXPECT_EQ(h.warnings[i].tag, tag::sub_ifds) << i;
  }
  EXPECT_EQ(h.warnings[8], (Warning{"more_warnings", 0, tag::sub_ifds,
                                    "12 more SubIFDs of IFD 0 are not followed after 8 that could not be read"}));
}

// An IFD that is both a SubIFD of IFD 0 and the next main-chain IFD: no loop, the main
// chain goes on through it (tifffile counts it as page 1 and as IFD 0's SubIFD).
TEST(SubIfds, SubIfdThatIsAlsoInTheMainChainIsListedInBoth) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1024}).uints(tag::sub_ifds, 4, {1000});
  b.set_next_ifd(0, 1000);
  b.add_ifd(1000);
  b.uints(tag::image_width, 3, {512});
  b.set_next_ifd(1, 2000);
  b.add_ifd(2000);
  b.uints(tag::image_width, 3, {256});
  Header h = parse_ok(b.build());
  expect_ifds(h, {{8, 0, {}, {}}, {1000, 0, 0u, 0u}, {1000, 1, {}, {}}, {2000, 2, {}, {}}});
  EXPECT_EQ(values_of<U>(h.ifds[1], tag::image_width), U{512});
  EXPECT_EQ(values_of<U>(h.ifds[2], tag::image_width), U{512});
  EXPECT_EQ(values_of<U>(h.ifds[3], tag::image_width), U{256});
  EXPECT_TRUE(h.warnings.empty());
}

// A main-chain loop through an IFD first read as a SubIFD still ends the chain.
TEST(SubIfds, MainChainLoopThroughASubIfdStillEnds) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1}).uints(tag::sub_ifds, 4, {1000});
  b.set_next_ifd(0, 1000);
  b.add_ifd(1000);
  b.uints(tag::image_width, 3, {2});
  b.set_next_ifd(1, 8);  // back to IFD 0
  Header h = parse_ok(b.build());
  expect_ifds(h, {{8, 0, {}, {}}, {1000, 0, 0u, 0u}, {1000, 1, {}, {}}});
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "ifd_loop");
  EXPECT_EQ(h.warnings[0].ifd, 2u);
}

// SubIFDs far from the start arrive over several passes. SubIFD 1 is decoded (and cached)
// in the pass that first reaches it, when SubIFD 0's own SubIFD is still missing; reused
// in the next pass, it sits one index later and its warning must follow it.
TEST(SubIfds, FarSubIfdsKeepTheirIndexAcrossPasses) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::sub_ifds, 4, {200000, 100000});
  b.set_next_ifd(0, 0);
  b.add_ifd(100000);  // SubIFD 1: a value past the end
  b.field(tag::image_description, 2, 100, 900000);
  b.set_next_ifd(1, 0);
  b.add_ifd(200000);  // SubIFD 0, with a SubIFD of its own further on
  b.uints(tag::image_width, 3, {5}).uints(tag::sub_ifds, 4, {300000});
  b.set_next_ifd(2, 0);
  b.add_ifd(300000);
  b.uints(tag::image_width, 3, {6});
  b.set_next_ifd(3, 0);
  Header h = parse_ok(b.build());
  expect_ifds(h, {{8, 0, {}, {}}, {200000, 0, 0u, 0u}, {300000, 0, 1u, 0u}, {100000, 0, 0u, 1u}});
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "tag_value_out_of_bounds");
  EXPECT_EQ(h.warnings[0].ifd, 3u);
}

}  // namespace
}  // namespace td::tiff
