// Tag and GeoKey tables, and the Tag / Ifd / GeoKeyDirectory helpers.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "tiff/header.h"
#include "tiff/tags.h"

namespace td::tiff {
namespace {

TEST(TagNames, TifffileSpellings) {
  EXPECT_STREQ(tag_name(254), "NewSubfileType");
  EXPECT_STREQ(tag_name(256), "ImageWidth");
  EXPECT_STREQ(tag_name(257), "ImageLength");
  EXPECT_STREQ(tag_name(258), "BitsPerSample");
  EXPECT_STREQ(tag_name(259), "Compression");
  EXPECT_STREQ(tag_name(262), "PhotometricInterpretation");
  EXPECT_STREQ(tag_name(273), "StripOffsets");
  EXPECT_STREQ(tag_name(330), "SubIFDs");
  EXPECT_STREQ(tag_name(338), "ExtraSamples");
  EXPECT_STREQ(tag_name(339), "SampleFormat");
  EXPECT_STREQ(tag_name(347), "JPEGTables");
  EXPECT_STREQ(tag_name(33550), "ModelPixelScaleTag");
  EXPECT_STREQ(tag_name(33922), "ModelTiepointTag");
  EXPECT_STREQ(tag_name(34264), "ModelTransformationTag");
  EXPECT_STREQ(tag_name(34735), "GeoKeyDirectoryTag");
  EXPECT_STREQ(tag_name(34736), "GeoDoubleParamsTag");
  EXPECT_STREQ(tag_name(34737), "GeoAsciiParamsTag");
  EXPECT_STREQ(tag_name(42112), "GDAL_METADATA");
  EXPECT_STREQ(tag_name(42113), "GDAL_NODATA");
  EXPECT_EQ(tag_name(0), nullptr);
  EXPECT_EQ(tag_name(12345), nullptr);
  EXPECT_EQ(tag_name(65535), nullptr);
}

TEST(TagNames, Classification) {
  for (uint16_t c : {273, 279, 324, 325}) EXPECT_TRUE(is_data_array_tag(c)) << c;
  for (uint16_t c : {256, 330, 347}) EXPECT_FALSE(is_data_array_tag(c)) << c;
}

TEST(GeoKeyTable, EveryGeoTiff11KeyWithReferenceNames) {
  const std::pair<uint16_t, const char*> expected[] = {
      {1024, "model_type"}, {1025, "raster_type"}, {1026, "citation"},
      {2048, "geographic_type"}, {2049, "geog_citation"}, {2050, "geog_geodetic_datum"},
      {2051, "geog_prime_meridian"}, {2052, "geog_linear_units"},
      {2053, "geog_linear_unit_size"}, {2054, "geog_angular_units"},
      {2055, "geog_angular_unit_size"}, {2056, "geog_ellipsoid"},
      {2057, "geog_semi_major_axis"}, {2058, "geog_semi_minor_axis"},
      {2059, "geog_inv_flattening"}, {2060, "geog_azimuth_units"},
      {2061, "geog_prime_meridian_long"}, {2062, "geog_towgs84"}, {3072, "projected_type"},
      {3073, "proj_citation"}, {3074, "projection"}, {3075, "proj_coord_trans"},
      {3076, "proj_linear_units"}, {3077, "proj_linear_unit_size"},
      {3078, "proj_std_parallel1"}, {3079, "proj_std_parallel2"},
      {3080, "proj_nat_origin_long"}, {3081, "proj_nat_origin_lat"},
      {3082, "proj_false_easting"}, {3083, "proj_false_northing"},
      {3084, "proj_false_origin_long"}, {3085, "proj_false_origin_lat"},
      {3086, "proj_false_origin_easting"}, {3087, "proj_false_origin_northing"},
      {3088, "proj_center_long"}, {3089, "proj_center_lat"}, {3090, "proj_center_easting"},
      {3091, "proj_center_northing"}, {3092, "proj_scale_at_nat_origin"},
      {3093, "proj_scale_at_center"}, {3094, "proj_azimuth_angle"},
      {3095, "proj_straight_vert_pole_long"}, {3096, "proj_rectified_grid_angle"},
      {4096, "vertical"}, {4097, "vertical_citation"}, {4098, "vertical_datum"},
      {4099, "vertical_units"}, {5120, "coordinate_epoch"},
  };
  auto table = geokey_table();
  ASSERT_EQ(table.size(), std::size(expected));
  for (size_t i = 0; i < table.size(); ++i) {
    EXPECT_EQ(table[i].id, expected[i].first);
    EXPECT_STREQ(table[i].name, expected[i].second);
    EXPECT_EQ(geokey_info(expected[i].first), &table[i]);
  }
  EXPECT_EQ(geokey_info(1), nullptr);
  EXPECT_EQ(geokey_info(3059), nullptr);  // libgeotiff extension, not GeoTIFF 1.1
}

TEST(GeoKeyTable, SpecNamesAndKinds) {
  EXPECT_STREQ(geokey_info(1024)->spec_name, "GTModelTypeGeoKey");
  EXPECT_STREQ(geokey_info(2048)->spec_name, "GeodeticCRSGeoKey");
  EXPECT_STREQ(geokey_info(3072)->spec_name, "ProjectedCRSGeoKey");
  EXPECT_STREQ(geokey_info(3075)->spec_name, "ProjMethodGeoKey");
  EXPECT_STREQ(geokey_info(4096)->spec_name, "VerticalGeoKey");
  EXPECT_STREQ(geokey_info(5120)->spec_name, "CoordinateEpochGeoKey");
  EXPECT_EQ(geokey_info(1026)->kind, GeoKeyValueKind::ascii);
  EXPECT_EQ(geokey_info(2049)->kind, GeoKeyValueKind::ascii);
  EXPECT_EQ(geokey_info(3073)->kind, GeoKeyValueKind::ascii);
  EXPECT_EQ(geokey_info(4097)->kind, GeoKeyValueKind::ascii);
  EXPECT_EQ(geokey_info(2062)->kind, GeoKeyValueKind::double_list);
  for (uint16_t id : {1024, 1025, 2048, 2050, 2051, 2052, 2054, 2056, 2060, 3072, 3074, 3075,
                      3076, 4096, 4098, 4099}) {
    EXPECT_EQ(geokey_info(id)->kind, GeoKeyValueKind::short_) << id;
  }
  for (uint16_t id : {2053, 2055, 2057, 2061, 3077, 3082, 3092, 3096, 5120}) {
    EXPECT_EQ(geokey_info(id)->kind, GeoKeyValueKind::double_) << id;
  }
  std::set<std::string> names, spec_names;
  for (const auto& k : geokey_table()) {
    names.insert(k.name);
    spec_names.insert(k.spec_name);
  }
  EXPECT_EQ(names.size(), geokey_table().size());
  EXPECT_EQ(spec_names.size(), geokey_table().size());
}

TEST(FieldTypeSize, AllTypes) {
  const uint32_t sizes[] = {0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4, 0, 0, 8, 8, 8, 0};
  for (uint16_t t = 0; t < std::size(sizes); ++t) EXPECT_EQ(field_type_size(t), sizes[t]) << t;
  EXPECT_EQ(field_type_size(0xFFFF), 0u);
}

TEST(TagHelpers, NumericAccessors) {
  Tag u{256, 3, 2, std::vector<uint64_t>{640, 480}};
  EXPECT_EQ(u.first_uint(), 640u);
  EXPECT_EQ(u.first_double(), 640.0);
  EXPECT_EQ(u.as_ints(), (std::vector<int64_t>{640, 480}));

  Tag s{1, 8, 2, std::vector<int64_t>{-3, 4}};
  EXPECT_EQ(s.first_uint(), std::nullopt);  // negative
  EXPECT_EQ(s.as_doubles(), (std::vector<double>{-3.0, 4.0}));

  Tag r{282, 5, 2, std::vector<Rational>{{72, 1}, {1, 0}}};
  EXPECT_EQ(r.first_double(), 72.0);
  EXPECT_TRUE(std::isnan(r.as_doubles()[1]));
  EXPECT_EQ(r.as_ints(), (std::vector<int64_t>{72, 0}));
  EXPECT_EQ(r.first_uint(), std::nullopt);

  Tag d{33550, 12, 3, std::vector<double>{0.5, NAN, 1e300}};
  EXPECT_EQ(d.as_ints(), (std::vector<int64_t>{0, 0, INT64_MAX}));  // saturating, no UB
  EXPECT_EQ(d.first_double(), 0.5);

  Tag a{270, 2, 3, std::string("ab")};
  EXPECT_TRUE(a.loaded());
  EXPECT_TRUE(a.as_doubles().empty());
  EXPECT_EQ(a.first_uint(), std::nullopt);
  EXPECT_EQ(a.first_double(), std::nullopt);

  Tag m{273, 4, 1000, std::monostate{}};
  EXPECT_FALSE(m.loaded());
  EXPECT_TRUE(m.as_ints().empty());
}

TEST(TagHelpers, FindFirstByCode) {
  Ifd ifd;
  ifd.tags = {Tag{256, 3, 1, std::vector<uint64_t>{1}}, Tag{257, 3, 1, std::vector<uint64_t>{2}},
              Tag{256, 3, 1, std::vector<uint64_t>{3}}};
  ASSERT_NE(ifd.find(256), nullptr);
  EXPECT_EQ(ifd.find(256)->first_uint(), 1u);
  EXPECT_EQ(ifd.find(258), nullptr);

  GeoKeyDirectory dir;
  dir.keys = {GeoKey{1024, std::vector<uint64_t>{2}}, GeoKey{1026, std::string("x")}};
  ASSERT_NE(dir.find(1026), nullptr);
  EXPECT_EQ(std::get<std::string>(dir.find(1026)->value), "x");
  EXPECT_EQ(dir.find(3072), nullptr);
}

}  // namespace
}  // namespace td::tiff
