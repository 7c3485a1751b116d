// Structure of the result: IFD chains, counted-not-loaded arrays, first_data_offset,
// GDAL structural metadata, metadata_end.
#include <gtest/gtest.h>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_ok;
using testing::tag_of;
using testing::TiffBuilder;
using testing::values_of;
using U = std::vector<uint64_t>;
using D = std::vector<double>;

TEST(HeaderReader, MinimalClassicLittleEndian) {
  const std::vector<uint8_t> bytes = {'I', 'I', 42, 0, 8, 0, 0, 0,  // header
                                      1, 0,                          // one entry
                                      0, 1, 3, 0, 1, 0, 0, 0, 7, 0, 0, 0,  // ImageWidth=7
                                      0, 0, 0, 0};                  // no next IFD
  Header h = parse_ok(bytes);
  EXPECT_EQ(h.byte_order, ByteOrder::little);
  EXPECT_FALSE(h.bigtiff);
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(h.ifds[0].offset, 8u);
  EXPECT_EQ(values_of<U>(h.ifds[0], tag::image_width), U{7});
  EXPECT_EQ(h.metadata_end, bytes.size());
  EXPECT_FALSE(h.geokeys);
  EXPECT_FALSE(h.gdal_structural_metadata);
  EXPECT_FALSE(h.first_data_offset);
}

TEST(HeaderReader, MinimalBigTiffBigEndian) {
  const std::vector<uint8_t> bytes = {
      'M', 'M', 0, 43, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 16,  // header, IFD at 16
      0, 0, 0, 0, 0, 0, 0, 1,                                 // one entry
      1, 1, 0, 16, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2,  // ImageLength LONG8
      0, 0, 0, 0, 0, 0, 0, 0};
  Header h = parse_ok(bytes);
  EXPECT_EQ(h.byte_order, ByteOrder::big);
  EXPECT_TRUE(h.bigtiff);
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(values_of<U>(h.ifds[0], tag::image_length), U{(1ull << 32) | 2});
}

TEST(HeaderReader, WalksTheWholeChainInOrder) {
  for (bool big : {false, true}) {
    TiffBuilder b(ByteOrder::big, big);
    for (uint64_t i = 0; i < 5; ++i) {
      b.add_ifd(i == 3 ? 100001 : 0);  // one odd, far offset: accepted
      b.uints(tag::image_width, 4, {100 + i}).uints(tag::new_subfile_type, 4, {i ? 1u : 0u});
    }
    Header h = parse_ok(b.build());
    ASSERT_EQ(h.ifds.size(), 5u);
    for (uint64_t i = 0; i < 5; ++i) {
      EXPECT_EQ(values_of<U>(h.ifds[i], tag::image_width), U{100 + i});
    }
    EXPECT_EQ(h.ifds[3].offset, 100001u);
  }
}

TEST(HeaderReader, KeepsEntryOrderAndDuplicates) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(300, 3, {1}).uints(256, 3, {2}).uints(300, 3, {3});
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds[0].tags.size(), 3u);
  EXPECT_EQ(h.ifds[0].tags[0].code, 300);
  EXPECT_EQ(h.ifds[0].tags[1].code, 256);
  EXPECT_EQ(h.ifds[0].find(300)->first_uint(), 1u);
}

TEST(HeaderReader, DataArraysAreCountedNotLoaded) {
  TiffBuilder b(ByteOrder::little, false);
  b.add_ifd();
  b.uints(tag::strip_offsets, 4, {5000, 6000, 7000}).uints(tag::strip_byte_counts, 3, {10, 20, 30});
  b.uints(tag::rows_per_strip, 3, {1});
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  const Tag& offsets = tag_of(h.ifds[0], tag::strip_offsets);
  EXPECT_FALSE(offsets.loaded());
  EXPECT_EQ(offsets.count, 3u);
  EXPECT_EQ(offsets.type_code, 4);
  EXPECT_FALSE(tag_of(h.ifds[0], tag::strip_byte_counts).loaded());
  EXPECT_EQ(tag_of(h.ifds[0], tag::strip_byte_counts).count, 3u);
  EXPECT_EQ(h.first_data_offset, 5000u);
}

TEST(HeaderReader, FirstDataOffsetIsTheMinimumOverIfdsWithData) {
  TiffBuilder b(ByteOrder::big, true);
  b.add_ifd();  // full resolution, tiles
  b.uints(tag::tile_offsets, 16, {90000, 80000}).uints(tag::tile_byte_counts, 16, {5, 5});
  b.add_ifd();  // overview: inline single tile, lowest offset
  b.uints(tag::tile_offsets, 16, {70000}).uints(tag::tile_byte_counts, 4, {100});
  b.add_ifd();  // sparse: offset 0 and byte count 0 are skipped
  b.uints(tag::tile_offsets, 4, {0, 0, 0}).uints(tag::tile_byte_counts, 4, {0, 0, 0});
  b.add_ifd();  // lower offset but byte count 0: skipped; the next strip counts (issue 15)
  b.uints(tag::strip_offsets, 4, {60000, 75000}).uints(tag::strip_byte_counts, 3, {0, 9});
  b.add_ifd();  // no byte counts at all: skipped
  b.uints(tag::strip_offsets, 4, {50000});
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 5u);
  EXPECT_EQ(h.first_data_offset, 70000u);
}

// Issue 15: the arrays are read in full (not only their first element), so a far array
// costs its length, and metadata_end covers it.
TEST(HeaderReader, FarDataArraysAreReadInFull) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::strip_offsets, 4, {123456, 2, 3, 4}).uints(tag::strip_byte_counts, 4, {7, 7, 7, 7});
  b.set_values_at(0, 500000);
  auto bytes = b.build();
  HeaderReader reader({}, bytes.size());
  reader.feed(0, std::span(bytes).first(4096));
  auto step = reader.advance();
  ASSERT_EQ(step.needed.size(), 1u);
  // Both arrays (at 500000 and 500016), one range.
  EXPECT_EQ(step.needed[0], (ByteRange{500000, 32}));
  reader.feed(500000, std::span(bytes).subspan(500000, 32));
  step = reader.advance();
  ASSERT_TRUE(step.header);
  EXPECT_EQ(step.header->first_data_offset, 2u);  // the smallest offset, not the first
  EXPECT_EQ(step.header->metadata_end, 500032u);
}

// Issue 15: long arrays of every type are loaded within the metadata budget (they were
// capped at 1,024 values before); only the strip/tile offset arrays are counted.
TEST(HeaderReader, LongArraysOfEveryTypeAreLoaded) {
  TiffBuilder b;
  b.add_ifd();
  U big(1025, 7);
  D points(2000, 1.5);
  b.uints(tag::color_map, 3, big);
  b.uints(40000, 1, U(15198, 60));  // XMP stored as BYTE, as some writers do
  b.floats(tag::model_tiepoint, 12, points);
  b.ascii(tag::image_description, std::string(5000, 'x'));
  b.raw(tag::jpeg_tables, 7, 3000, std::vector<uint8_t>(3000, 0xFF));
  b.raw(50000, 7, 2000, std::vector<uint8_t>(2000, 1));
  b.uints(tag::strip_offsets, 4, U(5000, 1));
  Header h = parse_ok(b.build());
  const Ifd& ifd = h.ifds.at(0);
  EXPECT_EQ(values_of<U>(ifd, tag::color_map), big);
  EXPECT_EQ(values_of<U>(ifd, 40000), U(15198, 60));
  EXPECT_EQ(values_of<D>(ifd, tag::model_tiepoint), points);
  EXPECT_EQ(values_of<std::string>(ifd, tag::image_description).size(), 5000u);
  EXPECT_EQ(values_of<std::vector<uint8_t>>(ifd, tag::jpeg_tables).size(), 3000u);
  EXPECT_EQ(values_of<std::vector<uint8_t>>(ifd, 50000).size(), 2000u);
  EXPECT_FALSE(tag_of(ifd, tag::strip_offsets).loaded());
  EXPECT_EQ(tag_of(ifd, tag::strip_offsets).count, 5000u);
  EXPECT_TRUE(h.warnings.empty());
}

TEST(HeaderReader, SubIfdsAreRecordedNotFollowed) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  b.uints(tag::sub_ifds, 13, {4000, 5000});
  Header h = parse_ok(b.build());
  ASSERT_EQ(h.ifds.size(), 1u);
  EXPECT_EQ(values_of<U>(h.ifds[0], tag::sub_ifds), (U{4000, 5000}));
}

TEST(HeaderReader, GdalStructuralMetadata) {
  const std::string body =
      "LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\n"
      "BLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ";
  for (bool big : {false, true}) {
    TiffBuilder b(ByteOrder::little, big);
    b.set_gdal_metadata(body);
    b.add_ifd();
    b.uints(tag::image_width, 3, {1});
    auto bytes = b.build();
    Header h = parse_ok(bytes);
    ASSERT_TRUE(h.gdal_structural_metadata);
    char line[64];
    std::snprintf(line, sizeof line, "GDAL_STRUCTURAL_METADATA_SIZE=%06zu bytes\n", body.size());
    EXPECT_EQ(*h.gdal_structural_metadata, line + body);
    EXPECT_EQ(h.ifds.at(0).offset, (b.header_size() + 43 + body.size() + 1) / 2 * 2);
  }
}

TEST(HeaderReader, GdalMetadataOnlyFromBytesAtHand) {
  // IFD 0 far from the block: the block is not fetched just for the hint.
  TiffBuilder b;
  b.set_gdal_metadata("LAYOUT=IFDS_BEFORE_DATA\n");
  b.add_ifd(200000);
  b.uints(tag::image_width, 3, {1});
  auto bytes = b.build();
  HeaderReader reader({}, bytes.size());
  reader.feed(0, std::span(bytes).first(8));
  auto step = reader.advance();
  ASSERT_EQ(step.needed.size(), 1u);
  EXPECT_EQ(step.needed[0].offset, 200000u);
  reader.feed(200000, std::span(bytes).subspan(200000));
  step = reader.advance();
  ASSERT_TRUE(step.header);
  EXPECT_FALSE(step.header->gdal_structural_metadata);
  // With everything at hand it is decoded.
  EXPECT_TRUE(parse_ok(bytes).gdal_structural_metadata);
}

TEST(HeaderReader, NoGdalMetadataWithoutTheMarker) {
  TiffBuilder b;
  b.add_ifd(100);
  b.uints(tag::image_width, 3, {1});
  auto bytes = b.build();
  std::string junk = "GDAL_STRUCTURAL_METADATA_SIZE=00x140 bytes\n";
  std::copy(junk.begin(), junk.end(), bytes.begin() + 8);
  EXPECT_FALSE(parse_ok(bytes).gdal_structural_metadata);
}

TEST(GdalMetadataDeclaredSize, ReadAsGdalsValidatorReadsIt) {
  // The validator reads the 6 characters with Python's int(); the expected values are
  // what /usr/bin/python3 -c 'print(int(s))' prints (nullopt: ValueError, or negative).
  const std::vector<std::pair<std::string, std::optional<uint64_t>>> cases = {
      {"000140", 140}, {" 00174", 174}, {"+00174", 174}, {"174   ", 174},   {"000_17", 17},
      {"\xa0 0174", 174}, {"0__174", std::nullopt}, {"_00174", std::nullopt}, {"00174_", std::nullopt},
      {"abc   ", std::nullopt}, {"      ", std::nullopt}, {"-00001", std::nullopt}, {"\x1c" "00174", std::nullopt},
      {"1 7 4 ", std::nullopt}};
  for (const auto& [digits, want] : cases) {
    EXPECT_EQ(gdal_metadata_declared_size("GDAL_STRUCTURAL_METADATA_SIZE=" + digits + " bytes\nLAYOUT=X\n"), want)
        << digits;
  }
  EXPECT_EQ(gdal_metadata_declared_size("GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes"), std::nullopt);  // cut short
  EXPECT_EQ(gdal_metadata_declared_size("GDAL_STRUCTURAL_METADATA_SIZ=0000140 bytes\n"), std::nullopt);
}

TEST(HeaderReader, MetadataEndCoversTheLastValueRead) {
  TiffBuilder b;
  b.add_ifd();
  b.ascii(tag::software, "far away software string");
  b.set_values_at(0, 3000);
  b.pad_to(10000);
  Header h = parse_ok(b.build());
  EXPECT_EQ(h.metadata_end, 3000u + 25u);
}

}  // namespace
}  // namespace td::tiff
