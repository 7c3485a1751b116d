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

// A location none of 0, 34735, 34736, 34737 (here ModelPixelScale): libgeotiff rejects
// the key ("of unknown type"); it is left out, the others kept.
TEST(GeoKeysOdd, OtherLocationIsIgnored) {
  Header h = parse_ok(geotiff_with({2049, tag::model_pixel_scale, 1, 0}, true, true).build());
  ASSERT_TRUE(h.geokeys);
  EXPECT_EQ(h.geokeys->find(2049), nullptr);
  EXPECT_EQ(h.geokeys->keys.size(), 2u);
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "geokey_invalid", "has TIFFTagLocation 33550, which is none of 0, 34735, 34736, 34737");
}

// Numbers past the end of GeoDoubleParams (starting past it, or running past it): libgeotiff
// rejects the key; it is left out.
TEST(GeoKeysOdd, NumbersPastTheirParamsAreIgnored) {
  for (std::vector<uint64_t> key : {std::vector<uint64_t>{2057, 34736, 1, 5}, {2057, 34736, 3, 0},
                                    {2057, 34735, 2, 15}}) {
    SCOPED_TRACE(std::to_string(key[1]) + " count " + std::to_string(key[2]) + " at " + std::to_string(key[3]));
    Header h = parse_ok(geotiff_with(key, true, true).build());
    ASSERT_TRUE(h.geokeys);
    EXPECT_EQ(h.geokeys->find(2057), nullptr);
    ASSERT_EQ(h.warnings.size(), 1u);
    expect_warning(h.warnings[0], "geokey_invalid", "; the key is ignored");
  }
}

// Text running past GeoAsciiParams is cut to what it holds (libgeotiff: "Truncating the
// value of the key"); one character past is the writers' missing '|', read silently.
TEST(GeoKeysOdd, TextRunningPastGeoAsciiParamsIsCut) {
  Header cut = parse_ok(geotiff_with({2049, 34737, 20, 0}, true, true).build());
  ASSERT_TRUE(cut.geokeys);
  EXPECT_EQ(std::get<std::string>(cut.geokeys->find(2049)->value), "WGS 84");
  ASSERT_EQ(cut.warnings.size(), 1u);
  expect_warning(cut.warnings[0], "geokey_invalid", "the value is cut to the 7 there");

  Header one_past = parse_ok(geotiff_with({2049, 34737, 8, 0}, true, true).build());
  ASSERT_TRUE(one_past.geokeys);
  EXPECT_EQ(std::get<std::string>(one_past.geokeys->find(2049)->value), "WGS 84");
  EXPECT_TRUE(one_past.warnings.empty());

  Header start_past = parse_ok(geotiff_with({2049, 34737, 3, 9}, true, true).build());
  ASSERT_TRUE(start_past.geokeys);
  EXPECT_EQ(start_past.geokeys->find(2049), nullptr);
  ASSERT_EQ(start_past.warnings.size(), 1u);
  expect_warning(start_past.warnings[0], "geokey_invalid", "; the key is ignored");
}

// Count 0 in a params tag: libgeotiff keeps the key with no value (listgeo: "(Double,0)").
TEST(GeoKeysOdd, CountZeroIsKeptWithNoValue) {
  Header h = parse_ok(geotiff_with({2057, 34736, 0, 0}, true, true).build());
  ASSERT_TRUE(h.geokeys);
  ASSERT_NE(h.geokeys->find(2057), nullptr);
  EXPECT_EQ(std::get<D>(h.geokeys->find(2057)->value), D{});
  ASSERT_EQ(h.warnings.size(), 1u);
  expect_warning(h.warnings[0], "geokey_invalid", "with count 0; the key is kept with no value");
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
