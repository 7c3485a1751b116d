// catalog/image_structure.h: GDAL's names and GDAL's overview/mask rules on headers
// built by hand. catalog_compare.py checks the same functions against gdalinfo on
// files GDAL writes; these cover what GDAL will not write (SubIFD pyramids, old
// SubfileType, masks of the wrong size or type, hostile counts, odd nodata text).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "catalog/image_structure.h"
#include "tag_fixtures.h"
#include "tiff/tags.h"

namespace td::catalog {
namespace {

using row::testing::ascii_tag;
using row::testing::uint_tag;
namespace tag = tiff::tag;

tiff::Ifd image(uint64_t width, uint64_t height, uint64_t subfile = 0, uint64_t bands = 1, uint64_t bits = 8) {
  tiff::Ifd d;
  if (subfile) d.tags.push_back(uint_tag(tag::new_subfile_type, {subfile}, 4));
  d.tags.push_back(uint_tag(tag::image_width, {width}));
  d.tags.push_back(uint_tag(tag::image_length, {height}));
  d.tags.push_back(uint_tag(tag::bits_per_sample, std::vector<uint64_t>(bands, bits)));
  d.tags.push_back(uint_tag(tag::samples_per_pixel, {bands}));
  return d;
}

TEST(CompressionName, GdalNamesDefaultAndUnknownCodes) {
  const std::vector<std::pair<uint64_t, const char*>> cases = {
      {1, "NONE"},       {2, "CCITTRLE"},      {3, "CCITTFAX3"},  {4, "CCITTFAX4"}, {5, "LZW"},
      {6, "OJPEG"},      {7, "JPEG"},          {8, "DEFLATE"},    {32946, "DEFLATE"}, {32773, "PACKBITS"},
      {34925, "LZMA"},   {50000, "ZSTD"},      {50001, "WEBP"},   {50002, "JXL"},   {34887, "LERC"},
      {34676, "SGILOG"}, {34677, "SGILOG24"},  {34712, "JP2000"}, {34661, "JBIG"},  {32909, "PIXARLOG"},
      {34892, "34892"},  {65535, "65535"},     {0, "0"}};
  for (const auto& [code, name] : cases) {
    tiff::Ifd d;
    d.tags.push_back(uint_tag(tag::compression, {code}));
    EXPECT_EQ(compression_name(d), name) << code;
  }
  EXPECT_EQ(compression_name(tiff::Ifd{}), "NONE");  // TIFF 6.0 default
  tiff::Ifd text;
  text.tags.push_back(ascii_tag(tag::compression, "LZW"));
  EXPECT_EQ(compression_name(text), std::nullopt);  // present but not a number
}

TEST(CompressionName, LercNamesItsSecondCompression) {
  for (const auto& [extra, name] : std::vector<std::pair<uint64_t, const char*>>{
           {0, "LERC"}, {1, "LERC_DEFLATE"}, {2, "LERC_ZSTD"}, {3, "LERC"}}) {
    tiff::Ifd d;
    d.tags.push_back(uint_tag(tag::compression, {34887}));
    d.tags.push_back(uint_tag(50674, {4, extra}, 4));
    EXPECT_EQ(compression_name(d), name) << extra;
  }
  tiff::Ifd short_params;
  short_params.tags.push_back(uint_tag(tag::compression, {34887}));
  short_params.tags.push_back(uint_tag(50674, {4}, 4));
  EXPECT_EQ(compression_name(short_params), "LERC");
}

TEST(DataType, GdalTypeForEveryWidthAndFormat) {
  struct Case {
    uint64_t bits, format;
    std::optional<std::string_view> name;
  };
  const std::vector<Case> cases = {
      {1, 1, "Byte"},      {4, 2, "Byte"},     {7, 4, "Byte"},      {8, 1, "Byte"},       {8, 2, "Int8"},
      {8, 4, "Byte"},      {8, 3, {}},         {12, 1, "UInt16"},   {12, 2, "UInt16"},    {12, 3, {}},
      {16, 1, "UInt16"},   {16, 2, "Int16"},   {16, 3, "Float32"},  {16, 5, {}},          {20, 1, "UInt32"},
      {24, 3, "Float32"},  {24, 2, "UInt32"},  {32, 1, "UInt32"},   {32, 2, "Int32"},     {32, 3, "Float32"},
      {32, 5, "CInt16"},   {32, 6, {}},        {32, 4, "UInt32"},   {64, 1, "UInt64"},    {64, 2, "Int64"},
      {64, 3, "Float64"},  {64, 5, "CInt32"},  {64, 6, "CFloat32"}, {128, 6, "CFloat64"}, {128, 1, {}},
      {48, 1, {}},         {0, 1, {}},         {33, 1, {}},         {96, 3, {}}};
  for (const Case& c : cases) EXPECT_EQ(data_type_name(c.bits, c.format), c.name) << c.bits << "/" << c.format;
}

TEST(DataType, DefaultsAreOneBitUnsigned) {
  EXPECT_EQ(data_type(tiff::Ifd{}), "Byte");  // BitsPerSample 1, SampleFormat 1
  tiff::Ifd d;
  d.tags.push_back(uint_tag(tag::bits_per_sample, {16, 16, 16}));
  EXPECT_EQ(data_type(d), "UInt16");
  d.tags.push_back(uint_tag(tag::sample_format, {2, 2, 2}));
  EXPECT_EQ(data_type(d), "Int16");
}

TEST(BandCountAndTiling, DefaultsAndEitherTileTag) {
  EXPECT_EQ(band_count(tiff::Ifd{}), 1u);
  EXPECT_FALSE(tiled(tiff::Ifd{}));
  tiff::Ifd length_only;
  length_only.tags.push_back(uint_tag(tag::tile_length, {256}));
  EXPECT_TRUE(tiled(length_only));  // libtiff: either tag makes the IFD tiled
  tiff::Ifd width_only;
  width_only.tags.push_back(uint_tag(tag::tile_width, {256}));
  EXPECT_TRUE(tiled(width_only));
}

TEST(Pyramid, ChainOverviewsAndMaskAsGdalFindsThem) {
  tiff::Header h;
  h.ifds = {image(1024, 1024, 0, 3), image(1024, 1024, 4, 1),   // main image, its mask
            image(512, 512, 1, 3),   image(512, 512, 5, 1),     // overview, its mask
            image(256, 256, 1, 3),   image(256, 256, 5, 1)};
  const Pyramid p = pyramid(h);
  EXPECT_EQ(p.overviews, (std::vector<size_t>{2, 4}));
  EXPECT_EQ(p.mask, 1u);
}

TEST(Pyramid, WhatGdalDoesNotTakeAsOverviewOrMask) {
  tiff::Header h;
  tiff::Ifd mask16 = image(100, 100, 4, 1, 16);  // a mask must be Byte
  tiff::Ifd fewer_bands = image(50, 50, 1, 2);    // an overview has the main image's bands
  tiff::Ifd no_width = image(50, 50, 1, 3);
  no_width.tags.erase(no_width.tags.begin() + 1);
  h.ifds = {image(100, 100, 0, 3), image(99, 100, 4, 1), mask16, fewer_bands, no_width, image(100, 100, 2, 3),
            image(100, 100, 0, 3)};  // pages
  const Pyramid p = pyramid(h);
  EXPECT_TRUE(p.overviews.empty());
  EXPECT_FALSE(p.mask.has_value());
}

TEST(Pyramid, SecondMaskAndMaskWithAsManyBandsAsTheImage) {
  tiff::Header h;
  h.ifds = {image(100, 100, 0, 3), image(100, 100, 4, 3), image(100, 100, 4, 1)};
  EXPECT_EQ(pyramid(h).mask, 1u);  // the first mask found; 3 bands = the image's count is allowed
}

TEST(Pyramid, SubIfdsOfTheMainImageAndOldSubfileType) {
  tiff::Header h;
  tiff::Ifd main = image(800, 600, 0, 1);
  main.tags.push_back(uint_tag(tag::sub_ifds, {1000, 2000}, 4));
  tiff::Ifd sub1 = image(400, 300);
  sub1.tags.insert(sub1.tags.begin(), uint_tag(tag::subfile_type, {2}));  // OFILETYPE_REDUCEDIMAGE
  sub1.parent = 0;
  sub1.subifd_index = 0;
  tiff::Ifd sub2 = image(200, 150, 1);
  sub2.parent = 0;
  sub2.subifd_index = 1;
  tiff::Ifd page2 = image(800, 600, 1);  // a later page that has SubIFDs of its own: not a candidate
  page2.chain_index = 1;
  page2.tags.push_back(uint_tag(tag::sub_ifds, {3000}, 4));
  tiff::Ifd page2_sub = image(400, 300, 1);
  page2_sub.chain_index = 1;
  page2_sub.parent = 3;
  page2_sub.subifd_index = 0;
  tiff::Ifd page3 = image(100, 75, 1);  // a later page without SubIFDs: a candidate
  page3.chain_index = 2;
  h.ifds = {main, sub1, sub2, page2, page2_sub, page3};
  EXPECT_EQ(pyramid(h).overviews, (std::vector<size_t>{1, 2, 5}));
}

TEST(Pyramid, StopsAtThirtyOverviews) {
  tiff::Header h;
  h.ifds.push_back(image(1 << 20, 1 << 20));
  for (int i = 0; i < 1000; ++i) h.ifds.push_back(image(1000 - i, 1000 - i, 1));
  EXPECT_EQ(pyramid(h).overviews.size(), 30u);
  EXPECT_TRUE(pyramid(tiff::Header{}).overviews.empty());
}

TEST(Nodata, ReadAsGdalReadsIt) {
  const double inf = std::numeric_limits<double>::infinity();
  const std::vector<std::pair<const char*, double>> numbers = {
      {"-9999", -9999},   {"  3.5 ", 3.5},    {"0", 0},           {"1e-3", 1e-3},   {"+7", 7},
      {"12abc", 12},      {"inf", inf},       {"-inf", -inf},     {"+INF", inf},    {"Infinity", inf},
      {"1.#INF", inf},    {"-1.#INF", -inf},  {"1e400", inf},     {"-1e400", -inf}, {"1e-400", 0},
      {"-32768", -32768}, {"1.5e-40", 1.5e-40}, {".5", 0.5}};
  for (const auto& [text, value] : numbers) EXPECT_EQ(parse_gdal_double(text), value) << text;
  for (const char* text : {"nan", "NaN", "-nan", "1.#QNAN", "-1.#IND"}) {
    const auto v = parse_gdal_double(text);
    ASSERT_TRUE(v.has_value()) << text;
    EXPECT_TRUE(std::isnan(*v)) << text;
  }
  for (const char* text : {"", "   ", "abc", "-", "+", "e5", "#"}) EXPECT_EQ(parse_gdal_double(text), std::nullopt) << text;
  tiff::Ifd d;
  EXPECT_EQ(nodata(d), std::nullopt);
  d.tags.push_back(ascii_tag(tag::gdal_nodata, "-9999"));
  EXPECT_EQ(nodata(d), -9999);
  tiff::Ifd wrong_type;
  wrong_type.tags.push_back(uint_tag(tag::gdal_nodata, {5}));
  EXPECT_EQ(nodata(wrong_type), std::nullopt);
}

}  // namespace
}  // namespace td::catalog
