// catalog/geotransform.h on tags GDAL does not write (negative Y scale, zero scale,
// short matrices, several tiepoints with a scale); catalog_compare.py checks GDAL's files.
#include <gtest/gtest.h>

#include "catalog/geotransform.h"
#include "tiff/tags.h"

namespace td::catalog {
namespace {

namespace tag = tiff::tag;

tiff::Tag doubles(uint16_t code, std::vector<double> v) {
  tiff::Tag t;
  t.code = code;
  t.type_code = 12;
  t.count = v.size();
  t.values = std::move(v);
  return t;
}

tiff::Header with(std::vector<tiff::Tag> tags, bool pixel_is_point = false) {
  tiff::Header h;
  h.ifds.emplace_back();
  h.ifds[0].tags = std::move(tags);
  if (pixel_is_point) {
    tiff::GeoKeyDirectory d;
    d.keys.push_back({1025, std::vector<uint64_t>{2}});
    h.geokeys = d;
  }
  return h;
}

const std::vector<double> kMatrix = {2, 0.5, 0, 100, 0.25, -3, 0, 200, 0, 0, 0, 0, 0, 0, 0, 1};

TEST(Georeferencing, ScaleAndFirstTiepoint) {
  const auto g = georeferencing(with({doubles(tag::model_pixel_scale, {10, 20, 0}),
                                      doubles(tag::model_tiepoint, {2, 3, 0, 1000, 5000, 0, 9, 9, 0, 1, 1, 0})}));
  ASSERT_TRUE(g.transform);
  EXPECT_EQ(*g.transform, (GeoTransform{1000 - 2 * 10, 10, 0, 5000 + 3 * 20, 0, -20}));
  EXPECT_EQ(g.gcp_count, 0u);
  EXPECT_EQ(resolution(*g.transform), (std::array<double, 2>{10, 20}));
}

TEST(Georeferencing, NegativeYScaleIsNorthUpAsInGdal) {
  const auto g = georeferencing(with({doubles(tag::model_pixel_scale, {10, -20}),
                                      doubles(tag::model_tiepoint, {0, 0, 0, 1000, 5000, 0})}));
  ASSERT_TRUE(g.transform);
  EXPECT_EQ((*g.transform)[5], -20);
}

TEST(Georeferencing, ScaleWinsOverMatrixUnlessZero) {
  const auto scale_wins = georeferencing(with({doubles(tag::model_pixel_scale, {1, 1}),
                                               doubles(tag::model_tiepoint, {0, 0, 0, 7, 8, 0}),
                                               doubles(tag::model_transformation, kMatrix)}));
  EXPECT_EQ(*scale_wins.transform, (GeoTransform{7, 1, 0, 8, 0, -1}));
  const auto zero_scale = georeferencing(with({doubles(tag::model_pixel_scale, {1, 0}),
                                               doubles(tag::model_transformation, kMatrix)}));
  EXPECT_EQ(*zero_scale.transform, (GeoTransform{100, 2, 0.5, 200, 0.25, -3}));
}

TEST(Georeferencing, PixelIsPointMovesTheOriginHalfAPixel) {
  const auto g = georeferencing(with({doubles(tag::model_transformation, kMatrix)}, true));
  EXPECT_EQ(*g.transform, (GeoTransform{100 - 1.25, 2, 0.5, 200 - (0.25 - 3) / 2, 0.25, -3}));
}

TEST(Georeferencing, NothingUsableOrOnlyGcps) {
  std::vector<double> short_matrix(kMatrix.begin(), kMatrix.end() - 1);
  EXPECT_FALSE(georeferencing(with({doubles(tag::model_transformation, short_matrix)})).transform);
  EXPECT_FALSE(georeferencing(with({doubles(tag::model_pixel_scale, {1, 1})})).transform);  // no tiepoint
  const auto gcps = georeferencing(with({doubles(tag::model_tiepoint, std::vector<double>(18, 1.0))}));
  EXPECT_FALSE(gcps.transform);
  EXPECT_EQ(gcps.gcp_count, 3u);
  EXPECT_FALSE(georeferencing(tiff::Header{}).transform);
}

}  // namespace
}  // namespace td::catalog
