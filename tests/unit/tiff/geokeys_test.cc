// GeoKeyDirectory decoding: values from the directory, GeoDoubleParams and
// GeoAsciiParams, and robustness against malformed directories.
#include <gtest/gtest.h>

#include <cmath>

#include "test_util.h"
#include "tiff/tags.h"
#include "tiff_builder.h"

namespace td::tiff {
namespace {

using testing::parse_ok;
using testing::TiffBuilder;
using U = std::vector<uint64_t>;
using D = std::vector<double>;

template <typename T>
T key_value(const GeoKeyDirectory& dir, uint16_t id) {
  const GeoKey* k = dir.find(id);
  EXPECT_NE(k, nullptr) << "key " << id;
  if (!k) return T{};
  const T* v = std::get_if<T>(&k->value);
  EXPECT_NE(v, nullptr) << "key " << id << " holds alternative " << k->value.index();
  return v ? *v : T{};
}

// A UTM zone 33N GeoTIFF as GDAL writes it, plus a few GeoTIFF 1.1 keys.
TiffBuilder utm_geotiff(ByteOrder order, bool big) {
  TiffBuilder b(order, big);
  b.add_ifd();
  b.uints(tag::image_width, 3, {10});
  b.floats(tag::model_pixel_scale, 12, {30, 30, 0});
  b.floats(tag::model_tiepoint, 12, {0, 0, 0, 500000, 4000000, 0});
  b.uints(tag::geo_key_directory, 3,
          {1, 1, 1, 8,                  // version 1.1.1, 8 keys
           1024, 0, 1, 1,               // model_type = projected
           1025, 0, 1, 1,               // raster_type = pixel is area
           1026, 34737, 22, 0,          // citation "WGS 84 / UTM zone 33N|"
           2049, 34737, 7, 22,          // geog_citation "WGS 84|"
           2062, 34736, 3, 1,           // geog_towgs84 (double list)
           3072, 0, 1, 32633,           // projected_type
           3092, 34736, 1, 0,           // proj_scale_at_nat_origin
           5120, 34736, 1, 4});         // coordinate_epoch
  b.floats(tag::geo_double_params, 12, {0.9996, 1, 2, 3, 2021.5});
  b.ascii(tag::geo_ascii_params, "WGS 84 / UTM zone 33N|WGS 84|");
  return b;
}

TEST(GeoKeys, DecodesShortDoubleAndAsciiValues) {
  for (auto order : {ByteOrder::little, ByteOrder::big}) {
    for (bool big : {false, true}) {
      Header h = parse_ok(utm_geotiff(order, big).build());
      ASSERT_TRUE(h.geokeys);
      const GeoKeyDirectory& g = *h.geokeys;
      EXPECT_EQ(g.version, 1);
      EXPECT_EQ(g.revision_major, 1);
      EXPECT_EQ(g.revision_minor, 1);
      ASSERT_EQ(g.keys.size(), 8u);
      EXPECT_EQ(g.keys[0].id, 1024);  // directory order
      EXPECT_EQ(key_value<U>(g, 1024), U{1});
      EXPECT_EQ(key_value<U>(g, 1025), U{1});
      EXPECT_EQ(key_value<std::string>(g, 1026), "WGS 84 / UTM zone 33N");
      EXPECT_EQ(key_value<std::string>(g, 2049), "WGS 84");
      EXPECT_EQ(key_value<D>(g, 2062), (D{1, 2, 3}));
      EXPECT_EQ(key_value<U>(g, 3072), U{32633});
      EXPECT_EQ(key_value<D>(g, 3092), D{0.9996});
      EXPECT_EQ(key_value<D>(g, 5120), D{2021.5});
    }
  }
}

TEST(GeoKeys, FromTheFirstIfdThatHasADirectory) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::image_width, 3, {1});
  b.add_ifd();
  b.uints(tag::geo_key_directory, 3, {1, 1, 0, 1, 1024, 0, 1, 2});
  b.add_ifd();
  b.uints(tag::geo_key_directory, 3, {1, 1, 0, 1, 1024, 0, 1, 1});
  Header h = parse_ok(b.build());
  ASSERT_TRUE(h.geokeys);
  EXPECT_EQ(key_value<U>(*h.geokeys, 1024), U{2});
}

// libgeotiff's bounds (geo_new.c, ReadKey): numbers past their params tag and locations
// other than 0/34735/34736/34737 reject the key (left out here, the others kept); text
// running past GeoAsciiParams is cut to what it holds.
TEST(GeoKeys, MalformedEntriesFollowLibgeotiff) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::geo_key_directory, 3,
          {1, 1, 0, 10,            // declares one key more than present
           1024, 0, 1, 2,          // fine
           9999, 0, 1, 5,          // unknown key id: kept
           2057, 34736, 4, 1,      // runs past GeoDoubleParams: left out
           2058, 34736, 1, 60000,  // offset past GeoDoubleParams: left out
           3073, 34737, 100, 3,    // runs past GeoAsciiParams: cut to what it holds
           4097, 34737, 3, 900,    // offset past GeoAsciiParams: left out
           4098, 33550, 2, 1,      // refers to another tag (ModelPixelScale): left out
           4099, 34735, 2, 4,      // values in the directory itself
           4096, 12345, 1, 0});    // refers to a tag that does not exist: left out
  b.floats(tag::geo_double_params, 12, {1, 2, 3});
  b.ascii(tag::geo_ascii_params, "abcdef|");
  b.floats(tag::model_pixel_scale, 12, {10, 20, 0});
  Header h = parse_ok(b.build());
  ASSERT_TRUE(h.geokeys);
  const GeoKeyDirectory& g = *h.geokeys;
  ASSERT_EQ(g.keys.size(), 4u);
  EXPECT_EQ(key_value<U>(g, 1024), U{2});
  EXPECT_EQ(key_value<U>(g, 9999), U{5});
  EXPECT_EQ(key_value<std::string>(g, 3073), "def");
  EXPECT_EQ(key_value<U>(g, 4099), (U{1024, 0}));
  for (uint16_t gone : {2057, 2058, 4097, 4098, 4096}) EXPECT_EQ(g.find(gone), nullptr) << gone;
  ASSERT_EQ(h.warnings.size(), 6u);
  for (const Warning& w : h.warnings) EXPECT_EQ(w.kind, "geokey_invalid") << w.message;
}

TEST(GeoKeys, MissingParamsTagsKeepTheKeys) {
  TiffBuilder b;
  b.add_ifd();
  b.uints(tag::geo_key_directory, 3, {1, 1, 0, 2, 2057, 34736, 1, 0, 1026, 34737, 5, 0});
  Header h = parse_ok(b.build());
  ASSERT_TRUE(h.geokeys);
  // Issue 15, kind 5: null (monostate), not "" or [], with a warning each (geokeys_odd_test.cc).
  EXPECT_TRUE(std::holds_alternative<std::monostate>(h.geokeys->find(2057)->value));
  EXPECT_TRUE(std::holds_alternative<std::monostate>(h.geokeys->find(1026)->value));
  EXPECT_EQ(h.warnings.size(), 2u);
}

TEST(GeoKeys, DirectoryTooShortOrWrongTypeGivesNoKeys) {
  for (int variant = 0; variant < 3; ++variant) {
    TiffBuilder b;
    b.add_ifd();
    if (variant == 0) b.uints(tag::geo_key_directory, 3, {1, 1, 0});
    if (variant == 1) b.floats(tag::geo_key_directory, 12, {1, 1, 0, 0});
    if (variant == 2) b.field(tag::geo_key_directory, 99, 4, 0);
    b.uints(tag::image_width, 3, {1});
    Header h = parse_ok(b.build());
    EXPECT_FALSE(h.geokeys) << variant;
    EXPECT_EQ(h.ifds.size(), 1u);
  }
}

TEST(GeoKeys, LongDirectoriesIgnoreTheValueCap) {
  TiffBuilder b;
  b.add_ifd();
  U dir = {1, 1, 0, 400};
  for (uint64_t i = 0; i < 400; ++i) dir.insert(dir.end(), {10000 + i, 0, 1, i});
  b.uints(tag::geo_key_directory, 3, dir);
  Header h = parse_ok(b.build());
  ASSERT_TRUE(h.geokeys);
  EXPECT_EQ(h.geokeys->keys.size(), 400u);
  EXPECT_EQ(key_value<U>(*h.geokeys, 10399), U{399});
}

TEST(GeoKeys, OverlappingKeysCannotMultiplyMemory) {
  // 2000 keys each asking for all 1000 doubles: a legitimate file never decodes more
  // values than its GeoTIFF tags hold, so the total is capped near that.
  TiffBuilder b;
  b.add_ifd();
  U dir = {1, 1, 0, 2000};
  for (uint64_t i = 0; i < 2000; ++i) dir.insert(dir.end(), {2057, 34736, 1000, 0});
  b.uints(tag::geo_key_directory, 3, dir);
  b.floats(tag::geo_double_params, 12, D(1000, 6378137.0));
  Header h = parse_ok(b.build());
  ASSERT_TRUE(h.geokeys);
  ASSERT_EQ(h.geokeys->keys.size(), 2000u);
  EXPECT_EQ(std::get<D>(h.geokeys->keys[0].value).size(), 1000u);
  uint64_t total = 0;
  for (const auto& k : h.geokeys->keys) total += std::get<D>(k.value).size();
  EXPECT_LE(total, dir.size() + 1000);
  EXPECT_TRUE(std::get<D>(h.geokeys->keys.back().value).empty());
}

// GeoDoubleParams written with another numeric type still gives doubles.
TEST(GeoKeys, RationalAndSignedParamsBecomeDoubles) {
  TiffBuilder r;
  r.add_ifd();
  r.uints(tag::geo_key_directory, 3, {1, 1, 0, 1, 3078, 34736, 2, 0});
  r.rationals(tag::geo_double_params, 5, {{1, 2}, {3, 0}});
  Header h = parse_ok(r.build());
  ASSERT_TRUE(h.geokeys);
  D rational = key_value<D>(*h.geokeys, 3078);
  ASSERT_EQ(rational.size(), 2u);
  EXPECT_EQ(rational[0], 0.5);
  EXPECT_TRUE(std::isnan(rational[1]));

  TiffBuilder s;
  s.add_ifd();
  s.uints(tag::geo_key_directory, 3, {1, 1, 0, 1, 3079, 34736, 1, 1});
  s.sints(tag::geo_double_params, 8, {-5, -7});
  h = parse_ok(s.build());
  ASSERT_TRUE(h.geokeys);
  EXPECT_EQ(key_value<D>(*h.geokeys, 3079), D{-7});
}

}  // namespace
}  // namespace td::tiff
