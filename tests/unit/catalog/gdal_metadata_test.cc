// catalog/gdal_metadata.h: GDAL_METADATA's band items, including what GDAL itself
// never writes (unknown roles, other domains, bands past the image, broken XML).
#include <gtest/gtest.h>

#include "catalog/gdal_metadata.h"

namespace td::catalog {
namespace {

TEST(BandMetadata, RolesAndStatisticsPerBand) {
  const std::string xml = R"(<GDALMetadata>
  <Item name="AREA_OR_POINT">Area</Item>
  <Item name="STATISTICS_MAXIMUM" sample="0">199</Item>
  <Item name="STATISTICS_MEAN" sample="0">99.5</Item>
  <Item name="STATISTICS_MINIMUM" sample="0">0</Item>
  <Item name="STATISTICS_STDDEV" sample="0">57.73</Item>
  <Item name="STATISTICS_VALID_PERCENT" sample="0">100</Item>
  <Item name="OFFSET" sample="0" role="offset">-5.5</Item>
  <Item name="SCALE" sample="0" role="scale">0.0100000000000000002</Item>
  <Item name="UNITTYPE" sample="0" role="unittype">metre</Item>
  <Item name="DESCRIPTION" sample="0" role="description">red &amp;amp; &amp;lt;b&amp;gt; &amp;#233;</Item>
  <Item name="SCALE" sample="2" role="SCALE">2</Item>
</GDALMetadata>)";
  const auto bands = band_metadata(xml, 3);
  ASSERT_EQ(bands.size(), 3u);
  EXPECT_EQ(bands[0].description, "red & <b> \xc3\xa9");  // unescaped twice, as GDAL stores it
  EXPECT_EQ(bands[0].unit, "metre");
  EXPECT_EQ(bands[0].scale, 0.01);
  EXPECT_EQ(bands[0].offset, -5.5);
  EXPECT_EQ(bands[0].minimum, 0);
  EXPECT_EQ(bands[0].maximum, 199);
  EXPECT_EQ(bands[0].mean, 99.5);
  EXPECT_EQ(bands[0].stddev, 57.73);
  EXPECT_EQ(bands[0].valid_percent, 100);
  EXPECT_TRUE(bands[1].empty());  // band 2 has nothing, band 3 its scale
  EXPECT_EQ(bands[2].scale, 2);
}

TEST(BandMetadata, WhatIsNotABandItem) {
  // Another domain's statistics, a band the image lacks, negative or missing sample,
  // an unknown role, a value that is not a number.
  const std::string xml = R"(<GDALMetadata>
  <Item name="STATISTICS_MEAN" sample="0" domain="other">5</Item>
  <Item name="SCALE" sample="3" role="scale">9</Item>
  <Item name="SCALE" sample="-1" role="scale">9</Item>
  <Item name="SCALE" role="scale">9</Item>
  <Item name="COLORINTERP" sample="0" role="colorinterp">Red</Item>
  <Item name="SCALE" sample="1" role="scale">not a number</Item>
</GDALMetadata>)";
  EXPECT_TRUE(band_metadata(xml, 3).empty());  // no band item: no bands (the column is null)
  EXPECT_TRUE(band_metadata("<GDALMetadata><Item name=\"X\" sample=\"0\">1</Item></GDALMetadata>", 1).empty());
}

TEST(BandMetadata, BrokenOrHostileXmlGivesNothingAndNeverCrashes) {
  EXPECT_TRUE(band_metadata("", 1).empty());
  EXPECT_TRUE(band_metadata("not xml at all", 1).empty());
  EXPECT_TRUE(band_metadata("<GDALMetadata><Item sample=\"0\" role=\"scale\">1", 1).empty());  // cut short
  EXPECT_TRUE(band_metadata("<Other><Item name=\"S\" sample=\"0\" role=\"scale\">1</Item></Other>", 1).empty());
  // 200,000 nested elements: a recursive parser without a depth limit would overflow its stack.
  std::string deep = "<GDALMetadata>";
  for (int i = 0; i < 200000; ++i) deep += "<a>";
  EXPECT_TRUE(band_metadata(deep, 1).empty());
  // An entity that is not one stays as written; a huge sample index is not a band.
  const auto bands = band_metadata(
      "<GDALMetadata><Item name=\"D\" sample=\"0\" role=\"description\">a &amp;bogus; &amp;#xD800; b</Item>"
      "<Item name=\"S\" sample=\"99999999999999999999\" role=\"scale\">1</Item></GDALMetadata>", 65535);
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_EQ(bands[0].description, "a &bogus; &#xD800; b");
}

}  // namespace
}  // namespace td::catalog
