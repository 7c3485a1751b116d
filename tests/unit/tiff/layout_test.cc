// Issue 15, kind 4: where metadata ends (Header::metadata_end, the `header_bytes` column)
// and where image data starts (first_data_offset), from every element of every array.
#include <gtest/gtest.h>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_ok;
using testing::TiffBuilder;

// A sparse COG (GDAL SPARSE_OK=TRUE): its first tiles are empty (offset 0, count 0).
TEST(Layout, SparseCogSkipsEmptyTiles) {
  TiffBuilder b;
  b.add_ifd();  // at 8, 2 entries: ends at 8 + 30 = 38; arrays at 38 and 54
  b.uints(tag::tile_offsets, 4, {0, 0, 9000, 8550}).uints(tag::tile_byte_counts, 4, {0, 0, 100, 200});
  b.pad_to(10000);
  Header h = parse_ok(b.build());
  EXPECT_EQ(h.first_data_offset, 8550u);  // not the first element (0), not 9000
  EXPECT_EQ(h.metadata_end, 70u);         // both arrays in full
  EXPECT_TRUE(h.warnings.empty());
}

TEST(Layout, NoFirstDataOffsetWhenEveryTileIsEmpty) {
  TiffBuilder b(ByteOrder::big, true);
  b.add_ifd();
  b.uints(tag::tile_offsets, 16, {0, 0}).uints(tag::tile_byte_counts, 16, {0, 0});
  Header h = parse_ok(b.build());
  EXPECT_FALSE(h.first_data_offset);
  EXPECT_EQ(h.metadata_end, 16u + 8 + 2 * 20 + 8 + 2 * 16);  // header, IFD, two arrays
}

// A writer that puts the IFD after the strips (libtiff's rewrite of a grown directory).
TEST(Layout, MetadataThatFollowsTheDataEndsPastIt) {
  TiffBuilder b;
  b.add_ifd(6000);  // 3 entries: ends at 6000 + 42; the description (101 bytes) after it
  b.uints(tag::strip_offsets, 4, {8}).uints(tag::strip_byte_counts, 4, {5992});
  b.ascii(tag::image_description, std::string(100, 'd'));
  Header h = parse_ok(b.build());
  EXPECT_EQ(h.first_data_offset, 8u);
  EXPECT_EQ(h.metadata_end, 6042u + 101);
}

// Arrays past the end: a warning, the row keeps the rest; they count for neither value.
TEST(Layout, DataArrayPastTheEndIsAWarning) {
  TiffBuilder b;
  b.add_ifd();  // at 8, 2 entries: ends at 38; the byte counts at 38..54
  b.field(tag::tile_offsets, 4, 4, 1000000).uints(tag::tile_byte_counts, 4, {1, 1, 1, 1});
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.warnings.size(), 1u);
  EXPECT_EQ(h.warnings[0].kind, "tag_value_out_of_bounds");
  EXPECT_EQ(h.warnings[0].tag, tag::tile_offsets);
  EXPECT_FALSE(h.first_data_offset);
  EXPECT_EQ(h.metadata_end, 54u);
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(h.ifds[0].tags.size(), 2u);
}

}  // namespace
}  // namespace td::tiff
