// Issue 15, kind 5: odd GeoKey directories read as libgeotiff reads them
// (geo_new.c, ReadKey), keeping the other keys, each oddity a warning.
// tests/oracle/geokeys_odd_check.py checks the same files against listgeo / gdalinfo.
#include <gtest/gtest.h>

#include "test_util.h"
#include "tiff/geokeys.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_ok;
using testing::TiffBuilder;
using U = std::vector<uint64_t>;
using D = std::vector<double>;

// A geographic (WGS 84) GeoTIFF whose directory gets `extra` keys after 1024 and 2048.
TiffBuilder geotiff_with(std::vector<uint64_t> extra, bool ascii, bool doubles) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {10});
  b.uints(tag::image_length, 3, {10});
  b.floats(tag::model_pixel_scale, 12, {0.1, 0.1, 0});
  b.floats(tag::model_tiepoint, 12, {0, 0, 0, 10, 50, 0});
  std::vector<uint64_t> dir = {1, 1, 0, 2 + extra.size() / 4, 1024, 0, 1, 2, 2048, 0, 1, 4326};
  dir.insert(dir.end(), extra.begin(), extra.end());
  b.uints(tag::geo_key_directory, 3, dir);
  if (doubles) b.floats(tag::geo_double_params, 12, {6378137.0});
  if (ascii) b.ascii(tag::geo_ascii_params, "WGS 84|");
  return b;
}

void expect_warning(const Warning& w, const std::string& kind, const std::string& text) {
  EXPECT_EQ(w.kind, kind);
  EXPECT_EQ(w.ifd, 0u);
  EXPECT_EQ(w.tag, std::optional<uint16_t>(tag::geo_key_directory));
  EXPECT_NE(w.message.find(text), std::string::npos) << w.message;
}

TEST(GeoKeysOdd, LocationZeroWithCountTwoIsIgnored) {
  Header h = parse_ok(geotiff_with({1025, 0, 2, 1}, true, true).build());
  ASSERT_TRUE(h.geokeys);
  EXPECT_EQ(h.geokeys->keys.size(), 2u);  // 1024 and 2048 kept
  EXPECT_EQ(h.geokeys->find(1025), nullptr);
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "geokey_invalid",
                 "GeoKey 1025 (GTRasterTypeGeoKey) has TIFFTagLocation 0 and count 2, whereas only 1 is legal");
}

TEST(GeoKeysOdd, MissingAsciiParamsGivesNull) {
  Header h = parse_ok(geotiff_with({2049, 34737, 7, 0}, false, true).build());
  ASSERT_TRUE(h.geokeys);
  ASSERT_NE(h.geokeys->find(2049), nullptr);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(h.geokeys->find(2049)->value));
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "geokey_param_missing",
                 "GeoKey 2049 (GeodeticCitationGeoKey) points at GeoAsciiParams (34737), which the IFD does not have");
}

TEST(GeoKeysOdd, MissingDoubleParamsGivesNull) {
  Header h = parse_ok(geotiff_with({2057, 34736, 1, 0}, true, false).build());
  ASSERT_TRUE(h.geokeys);
  EXPECT_TRUE(std::holds_alternative<std::monostate>(h.geokeys->find(2057)->value));
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "geokey_param_missing", "points at GeoDoubleParams (34736)");
}

TEST(GeoKeysOdd, RepeatedKeyTakesTheLast) {
  // 2048 again, now 4269 (NAD83): libgeotiff and tifffile use the later entry.
  Header h = parse_ok(geotiff_with({2048, 0, 1, 4269}, true, true).build());
  ASSERT_TRUE(h.geokeys);
  ASSERT_EQ(h.geokeys->keys.size(), 3u);  // both entries kept, in directory order
  EXPECT_EQ(std::get<U>(h.geokeys->keys[1].value), U{4326});
  EXPECT_EQ(std::get<U>(h.geokeys->find(2048)->value), U{4269});
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "geokey_duplicate", "GeoKey 2048 (GeodeticCRSGeoKey) is given more than once");
}

TEST(GeoKeysOdd, ManyOddKeysAreCountedNotListed) {
  std::vector<uint64_t> extra;
  for (int i = 0; i < 20; ++i) extra.insert(extra.end(), {1025, 0, 3, 1});
  Header h = parse_ok(geotiff_with(extra, true, true).build());
  ASSERT_EQ(h.warnings.size(), kMaxGeoKeyWarnings + 1);
  EXPECT_EQ(h.warnings.back().kind, "more_warnings");
  EXPECT_NE(h.warnings.back().message.find("12 more GeoKeys"), std::string::npos) << h.warnings.back().message;
}

}  // namespace
}  // namespace td::tiff
