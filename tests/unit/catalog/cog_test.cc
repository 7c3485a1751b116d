// catalog/cog.h on headers built by hand: the layouts GDAL and tifffile will not write
// (IFDs out of order, data before its IFD, odd ghost-area sizes, masks out of place,
// hostile grids and offsets near 2^64). cog_compare.py checks the same functions
// against GDAL's validate_cloud_optimized_geotiff.py on files GDAL writes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "catalog/cog.h"
#include "tag_fixtures.h"
#include "tiff/tags.h"

namespace td::catalog {
namespace {

using row::testing::uint_tag;
namespace tag = tiff::tag;

// A tiled IFD at `offset` whose tiles sit one after another from `data`, `tile_bytes` each.
tiff::Ifd tiled_image(uint64_t offset, uint64_t width, uint64_t height, uint64_t tile, uint64_t data,
                      uint64_t tile_bytes = 100, uint64_t subfile = 0) {
  tiff::Ifd d;
  d.offset = offset;
  if (subfile) d.tags.push_back(uint_tag(tag::new_subfile_type, {subfile}, 4));
  d.tags.push_back(uint_tag(tag::image_width, {width}));
  d.tags.push_back(uint_tag(tag::image_length, {height}));
  d.tags.push_back(uint_tag(tag::bits_per_sample, {8}));
  d.tags.push_back(uint_tag(tag::tile_width, {tile}));
  d.tags.push_back(uint_tag(tag::tile_length, {tile}));
  const uint64_t n = ((width + tile - 1) / tile) * ((height + tile - 1) / tile);
  for (uint64_t i = 0; i < n; ++i) {
    d.block_offsets.push_back(data + i * tile_bytes);
    d.block_byte_counts.push_back(tile_bytes);
  }
  return d;
}

// A COG laid out as GDAL's COG driver does: IFDs first, then the smallest overview's
// data, up to the full resolution's.
tiff::Header cog_layout() {
  tiff::Header h;
  h.ifds.push_back(tiled_image(8, 1024, 1024, 256, 10000));  // 16 tiles
  h.ifds.push_back(tiled_image(300, 512, 512, 256, 2000, 100, 1));
  h.ifds.push_back(tiled_image(500, 256, 256, 256, 1000, 100, 1));
  return h;
}

std::vector<std::string> codes(const std::vector<CogFinding>& list) {
  std::vector<std::string> out;
  for (const CogFinding& f : list) out.push_back(f.code);
  return out;
}

using Codes = std::vector<std::string>;

TEST(CogVerdict, GdalCogLayoutIsValid) {
  const tiff::Header h = cog_layout();
  const CogVerdict v = cog_verdict(h, pyramid(h));
  EXPECT_TRUE(v.valid);
  EXPECT_EQ(codes(v.errors), Codes{});
  EXPECT_EQ(codes(v.warnings), Codes{});
  EXPECT_TRUE(v.not_checked.empty());
}

TEST(CogVerdict, OverviewIfdBeforeThePreviousLevelsIfd) {
  tiff::Header h = cog_layout();
  std::swap(h.ifds[1].offset, h.ifds[2].offset);  // overview 1's IFD now precedes overview 0's
  const CogVerdict v = cog_verdict(h, pyramid(h));
  EXPECT_FALSE(v.valid);
  EXPECT_EQ(codes(v.errors), Codes{"ifd_order"});
  EXPECT_NE(v.errors[0].message.find("overview 1 is at offset 300"), std::string::npos) << v.errors[0].message;
}

TEST(CogVerdict, DataBeforeItsIfdAndMainIfdNotFirst) {
  tiff::Header h;
  h.ifds.push_back(tiled_image(5000, 256, 256, 256, 100));
  const CogVerdict v = cog_verdict(h, pyramid(h));
  EXPECT_EQ(codes(v.errors), (Codes{"main_ifd_not_first", "data_before_ifd"}));
  EXPECT_NE(v.errors[0].message.find("should be at 8"), std::string::npos) << v.errors[0].message;
  EXPECT_NE(v.errors[1].message.find("the image's first block, at offset 100"), std::string::npos);
}

TEST(CogVerdict, IfdRightAfterTheGhostAreaRoundedToAWord) {
  // 8 + 43-byte first line + the size it declares, then the next even offset.
  for (const auto& [size, expected] : std::vector<std::pair<int, uint64_t>>{{11, 62}, {12, 64}}) {
    tiff::Header h;
    h.ifds.push_back(tiled_image(expected, 256, 256, 256, 1000));
    char line[64];
    std::snprintf(line, sizeof line, "GDAL_STRUCTURAL_METADATA_SIZE=%06d bytes\n", size);
    h.gdal_structural_metadata = std::string(line) + std::string(static_cast<size_t>(size), 'x');
    EXPECT_TRUE(cog_verdict(h, pyramid(h)).valid) << size;
    h.ifds[0].offset = expected + 2;
    const CogVerdict v = cog_verdict(h, pyramid(h));
    ASSERT_EQ(codes(v.errors), Codes{"main_ifd_not_first"}) << size;
    EXPECT_NE(v.errors[0].message.find("should be at " + std::to_string(expected)), std::string::npos);
  }
  // BigTIFF: after the 16-byte header.
  tiff::Header big;
  big.bigtiff = true;
  big.ifds.push_back(tiled_image(16, 256, 256, 256, 1000));
  EXPECT_TRUE(cog_verdict(big, pyramid(big)).valid);
  big.ifds[0].offset = 40;
  EXPECT_EQ(codes(cog_verdict(big, pyramid(big)).errors), Codes{"main_ifd_not_first"});
}

tiff::Header with_ghost(tiff::Header h, const std::string& body) {
  char line[64];
  std::snprintf(line, sizeof line, "GDAL_STRUCTURAL_METADATA_SIZE=%06zu bytes\n", body.size());
  h.gdal_structural_metadata = std::string(line) + body;
  uint64_t at = 8 + 43 + body.size();
  at += at % 2;
  h.ifds[0].offset = at;
  return h;
}

TEST(CogVerdict, RowMajorOrderDeclaredAndBroken) {
  tiff::Header h = with_ghost(cog_layout(), "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\n");
  EXPECT_TRUE(cog_verdict(h, pyramid(h)).valid);
  // Tiles 2 and 3 and tiles 6 and 7 trade places: two blocks below the one before them.
  auto& offsets = h.ifds[0].block_offsets;
  std::swap(offsets[2], offsets[3]);
  std::swap(offsets[6], offsets[7]);
  const CogVerdict v = cog_verdict(h, pyramid(h));
  ASSERT_EQ(codes(v.errors), Codes{"block_order"});
  EXPECT_NE(v.errors[0].message.find("main image: block (3, 0) at offset 10200"), std::string::npos)
      << v.errors[0].message;
  EXPECT_NE(v.errors[0].message.find("1 more blocks alike"), std::string::npos) << v.errors[0].message;
  // Not declared: the script does not check the order, nor does the column.
  h = with_ghost(h, "LAYOUT=IFDS_BEFORE_DATA\n");
  EXPECT_EQ(codes(cog_verdict(h, pyramid(h)).errors), Codes{});
}

TEST(CogVerdict, MaskInterleavedWithLeaderAndTrailer) {
  // Image tile i at 10000 + 300 i (100 bytes), its mask 8 bytes after its end (leader 4 + trailer 4).
  tiff::Header h;
  h.ifds.push_back(tiled_image(0, 512, 512, 256, 10000, 100));
  h.ifds.push_back(tiled_image(200, 512, 512, 256, 10108, 20, 4));
  for (size_t i = 0; i < 4; ++i) {
    h.ifds[0].block_offsets[i] = 10000 + 300 * i;
    h.ifds[1].block_offsets[i] = 10000 + 300 * i + 108;
  }
  h = with_ghost(h, "BLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\n"
                    "MASK_INTERLEAVED_WITH_IMAGERY=YES\n");
  ASSERT_EQ(pyramid(h).mask, 1u);
  CogVerdict v = cog_verdict(h, pyramid(h));
  EXPECT_EQ(codes(v.errors), Codes{});
  EXPECT_EQ(v.not_checked, (std::vector<std::string>{"block_leader", "block_trailer"}));
  h.ifds[1].block_offsets[2] += 4;  // one mask block out of place
  v = cog_verdict(h, pyramid(h));
  ASSERT_EQ(codes(v.errors), Codes{"mask_not_interleaved"});
  EXPECT_NE(v.errors[0].message.find("the mask of block (0, 1) is at offset 10712, 10708 was expected"),
            std::string::npos)
      << v.errors[0].message;
  // Mask blocks of another size cannot interleave.
  h.ifds[1] = tiled_image(h.ifds[1].offset, 512, 512, 128, 20000, 20, 4);
  EXPECT_EQ(codes(cog_verdict(h, pyramid(h)).errors), Codes{"mask_block_size"});
}

TEST(CogVerdict, StripsAndMissingOverviews) {
  tiff::Header h;
  tiff::Ifd d;
  d.offset = 8;
  d.tags.push_back(uint_tag(tag::image_width, {2000}));
  d.tags.push_back(uint_tag(tag::image_length, {600}));
  d.tags.push_back(uint_tag(tag::rows_per_strip, {16}));
  h.ifds.push_back(d);
  CogVerdict v = cog_verdict(h, pyramid(h));
  EXPECT_EQ(codes(v.errors), Codes{"not_tiled"});
  EXPECT_EQ(codes(v.warnings), Codes{"no_overviews"});
  // 1024 wide or narrower: strips are no error (the script's rule), the warning stays.
  h.ifds[0].tags[0] = uint_tag(tag::image_width, {1024});
  v = cog_verdict(h, pyramid(h));
  EXPECT_TRUE(v.valid);
  EXPECT_EQ(codes(v.warnings), Codes{"no_overviews"});
}

TEST(CogVerdict, HostileGridIsBoundedByTheArrays) {
  // 2^32-1 x 2^32-1 pixels in 1x1 tiles: ~2^64 blocks claimed, 3 listed.
  tiff::Header h;
  h.ifds.push_back(tiled_image(8, 1, 1, 1, 100));
  h.ifds[0].tags[0] = uint_tag(tag::image_width, {UINT32_MAX}, 4);
  h.ifds[0].tags[1] = uint_tag(tag::image_length, {UINT32_MAX}, 4);
  h.ifds[0].block_offsets = {300, 200, 100};
  h.ifds[0].block_byte_counts = {10, 10, 10};
  h = with_ghost(h, "BLOCK_ORDER=ROW_MAJOR\n");
  const CogVerdict v = cog_verdict(h, pyramid(h));
  EXPECT_EQ(codes(v.errors), Codes{"block_order"});
  EXPECT_NE(v.errors[0].message.find("(1 more blocks alike)"), std::string::npos) << v.errors[0].message;
  EXPECT_EQ(codes(v.warnings), Codes{"no_overviews"});
}

TEST(Pyramid, OverviewMasksAttachToTheirOverview) {
  tiff::Header h;
  h.ifds.push_back(tiled_image(8, 1024, 1024, 256, 1000));
  h.ifds.push_back(tiled_image(100, 512, 512, 256, 1000, 100, 5));  // mask before its overview: dropped
  h.ifds.push_back(tiled_image(200, 1024, 1024, 256, 1000, 100, 4));
  h.ifds.push_back(tiled_image(300, 512, 512, 256, 1000, 100, 1));
  h.ifds.push_back(tiled_image(400, 256, 256, 256, 1000, 100, 1));
  h.ifds.push_back(tiled_image(500, 256, 256, 256, 1000, 100, 5));
  const Pyramid p = pyramid(h);
  EXPECT_EQ(p.overviews, (std::vector<size_t>{3, 4}));
  EXPECT_EQ(p.mask, 2u);
  ASSERT_EQ(p.overview_masks.size(), 2u);
  EXPECT_FALSE(p.overview_masks[0]);
  EXPECT_EQ(p.overview_masks[1], 5u);
}

TEST(BlockIntegrity, SparseTruncatedOverlappingShared) {
  tiff::Header h;
  tiff::Ifd a;
  a.offset = 8;
  a.block_offsets = {1000, 0, 1100, 1150, 1100, 5000};
  a.block_byte_counts = {100, 0, 100, 10, 100, 100};
  tiff::Ifd b;
  b.offset = 200;
  b.block_offsets = {1200, 0};
  b.block_byte_counts = {0, 50};  // both empty: no bytes, or no offset
  h.ifds = {a, b, a};             // IFD at 8 listed twice (a SubIFD that is also in the chain)
  BlockIntegrity r = block_integrity(h, 5050);
  EXPECT_EQ(r.count, 8u);
  EXPECT_EQ(r.sparse, 3u);
  ASSERT_TRUE(r.past_object_end);
  EXPECT_EQ(*r.past_object_end, 1u);  // [5000, 5100) past 5050
  EXPECT_EQ(r.overlapping, 1u);       // [1150, 1160) inside [1100, 1200)
  EXPECT_EQ(r.shared, 1u);            // [1100, 1200) twice
  EXPECT_FALSE(block_integrity(h, std::nullopt).past_object_end);
}

TEST(BlockIntegrity, RangesOfDifferentIfdsMeetingOrRepeating) {
  // A COG: the overview's data (IFD 1) before the image's (IFD 0), each in order.
  tiff::Header h;
  tiff::Ifd image;
  image.offset = 8;
  image.block_offsets = {5000, 5100, 5200};
  image.block_byte_counts = {100, 100, 100};
  tiff::Ifd overview;
  overview.offset = 300;
  overview.block_offsets = {1000, 1100};
  overview.block_byte_counts = {100, 100};
  h.ifds = {image, overview};
  BlockIntegrity r = block_integrity(h, 5300);
  EXPECT_EQ(r.count, 5u);
  EXPECT_EQ(*r.past_object_end, 0u);
  EXPECT_EQ(r.overlapping, 0u);
  EXPECT_EQ(r.shared, 0u);
  h.ifds[1].block_byte_counts[1] = 3950;  // [1100, 5050) runs into the image's first block
  r = block_integrity(h, 5300);
  EXPECT_EQ(r.overlapping, 1u);
  h.ifds[1].block_offsets[1] = 5100;  // the image's second block, listed again
  h.ifds[1].block_byte_counts[1] = 100;
  r = block_integrity(h, 5300);
  EXPECT_EQ(r.overlapping, 0u);
  EXPECT_EQ(r.shared, 1u);
  // A mask interleaved with its image: two runs that interleave, no range overlapping.
  h.ifds[1].block_offsets = {5100 - 8, 5200 - 8};
  h.ifds[1].block_byte_counts = {8, 8};
  h.ifds[0].block_byte_counts = {92, 92, 92};
  r = block_integrity(h, 5300);
  EXPECT_EQ(r.overlapping, 0u);
  EXPECT_EQ(r.shared, 0u);
}

TEST(BlockIntegrity, OffsetsNearTheTopOfUint64DoNotWrap) {
  tiff::Header h;
  tiff::Ifd a;
  a.block_offsets = {UINT64_MAX - 5, 10};
  a.block_byte_counts = {100, UINT64_MAX};
  h.ifds = {a};
  const BlockIntegrity r = block_integrity(h, 1000);
  EXPECT_EQ(*r.past_object_end, 2u);
  EXPECT_EQ(r.overlapping, 1u);  // [10, 2^64) covers the other
}

}  // namespace
}  // namespace td::catalog
