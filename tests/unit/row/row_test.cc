#include <gtest/gtest.h>

#include "row/row_builder.h"
#include "row/row_json.h"
#include "row/row_schema.h"
#include "tiff/tags.h"
#include "tag_fixtures.h"

namespace td::row {
namespace {

using testing::ascii_tag;
using testing::uint_tag;

ObjectOutcome sample_outcome() {
  ObjectOutcome o;
  o.object.key = "dir/a.tif";
  o.object.size = 12345;
  o.object.last_modified_ms = 1700000000123;
  tiff::Header h;
  h.byte_order = tiff::ByteOrder::big;
  h.bigtiff = true;
  tiff::Ifd ifd;
  ifd.tags.push_back(uint_tag(256, {1024}));
  ifd.tags.push_back(uint_tag(257, {512}));
  ifd.tags.push_back(uint_tag(258, {16, 16}));
  ifd.tags.push_back(ascii_tag(305, "GDAL 3.6"));
  tiff::Tag xres;
  xres.code = 282;
  xres.type_code = 5;
  xres.count = 1;
  xres.values = std::vector<tiff::Rational>{{300, 2}};
  ifd.tags.push_back(xres);
  ifd.tags.push_back(uint_tag(324, {}, 4));  // TileOffsets: counted, never a column
  ifd.tags.back().count = 64;
  ifd.tags.back().values = std::monostate{};
  ifd.tags.push_back(ascii_tag(42113, "-9999"));
  ifd.tags.push_back(uint_tag(50000, {1, 2, 3}));
  h.ifds.push_back(ifd);
  tiff::Ifd overview;
  overview.tags.push_back(uint_tag(254, {1}, 4));
  overview.tags.push_back(uint_tag(256, {512}));
  h.ifds.push_back(overview);
  tiff::GeoKeyDirectory geo;
  geo.keys.push_back({1024, std::vector<uint64_t>{1}});
  geo.keys.push_back({3072, std::vector<uint64_t>{32633}});
  geo.keys.push_back({1026, std::string("WGS 84 / UTM zone 33N")});
  geo.keys.push_back({3082, std::vector<double>{500000.0}});
  geo.keys.push_back({60000, std::vector<uint64_t>{7}});
  h.geokeys = geo;
  h.first_data_offset = 4000;
  h.metadata_end = 3000;
  o.header = h;
  o.cost = {2, 70000};
  return o;
}

TEST(RowBuilder, FillsFirstIfdColumnsAndAdditions) {
  nlohmann::ordered_json j = row_to_json(build_row(sample_outcome()));
  EXPECT_EQ(j["path"], "dir/a.tif");
  EXPECT_EQ(j["size"], 12345);
  EXPECT_EQ(j["last_modified"], "2023-11-14T22:13:20.123Z");
  EXPECT_TRUE(j["etag"].is_null());
  EXPECT_EQ(j["image_width"], 1024);
  EXPECT_EQ(j["image_height"], 512);
  EXPECT_EQ(j["bits_per_sample"], nlohmann::json({16, 16}));
  EXPECT_EQ(j["software"], "GDAL 3.6");
  EXPECT_DOUBLE_EQ(j["x_resolution"].get<double>(), 150.0);
  EXPECT_TRUE(j["tile_width"].is_null());
  EXPECT_EQ(j["byte_order"], "MM");
  EXPECT_EQ(j["bigtiff"], true);
  EXPECT_EQ(j["ifd_count"], 2);
  EXPECT_EQ(j["ifds"][1]["new_subfile_type"], 1);
  EXPECT_EQ(j["ifds"][1]["width"], 512);
  // Issue 15: header_bytes is where the metadata ends, first_data_offset where data starts.
  EXPECT_EQ(j["header_bytes"], 3000);
  EXPECT_EQ(j["first_data_offset"], 4000);
  EXPECT_EQ(j["requests"], 2);
  EXPECT_EQ(j["bytes_read"], 70000);
  EXPECT_TRUE(j["error_kind"].is_null());
}

TEST(RowBuilder, OtherTagsHoldEverythingWithoutAColumn) {
  nlohmann::ordered_json j = row_to_json(build_row(sample_outcome()));
  const auto& other = j["other_tags"];
  EXPECT_EQ(other.size(), 2u) << other.dump();
  EXPECT_EQ(other["42113"], "-9999");
  EXPECT_EQ(other["50000"], nlohmann::json({1, 2, 3}));
  EXPECT_FALSE(other.contains("324"));  // offsets are counted, not stored
  EXPECT_FALSE(other.contains("256"));
}

TEST(RowBuilder, GeoKeysByNameAndUnknownById) {
  nlohmann::ordered_json j = row_to_json(build_row(sample_outcome()));
  const auto& g = j["geokeys"];
  EXPECT_EQ(g["model_type"], 1);
  EXPECT_EQ(g["projected_type"], 32633);
  EXPECT_EQ(g["citation"], "WGS 84 / UTM zone 33N");
  EXPECT_EQ(g["proj_false_easting"], 500000.0);
  EXPECT_TRUE(g["geographic_type"].is_null());
  EXPECT_EQ(g["unknown"]["60000"], nlohmann::json({7}));
  // Every GeoTIFF key has a field, present or not.
  EXPECT_EQ(g.size(), tiff::geokey_table().size() + 1);
}

TEST(RowBuilder, ErrorRowKeepsObjectFacts) {
  ObjectOutcome o;
  o.object.key = "bad.tif";
  o.object.size = 7;
  o.error = Error{ErrorKind::not_tiff, "bad magic"};
  o.cost = {1, 7};
  nlohmann::ordered_json j = row_to_json(build_row(o));
  EXPECT_EQ(j["path"], "bad.tif");
  EXPECT_EQ(j["size"], 7);
  EXPECT_EQ(j["error_kind"], "not_tiff");
  EXPECT_EQ(j["error"], "bad magic");
  EXPECT_TRUE(j["image_width"].is_null());
  EXPECT_TRUE(j["geokeys"].is_null());
  EXPECT_EQ(j.size(), row_schema().fields.size());
}

TEST(RawJson, NullsOffsetArraysAndKeepsPairs) {
  nlohmann::ordered_json j = header_to_raw_json(*sample_outcome().header);
  EXPECT_EQ(j["byte_order"], "MM");
  const auto& tags = j["ifds"][0]["tags"];
  bool saw_offsets = false, saw_xres = false;
  for (const auto& t : tags) {
    if (t["code"] == 324) {
      saw_offsets = true;
      EXPECT_TRUE(t["values"].is_null());
      EXPECT_EQ(t["count"], 64);
    }
    if (t["code"] == 282) {
      saw_xres = true;
      EXPECT_EQ(t["values"], nlohmann::json({{300, 2}}));
      EXPECT_EQ(t["name"], "XResolution");
    }
  }
  EXPECT_TRUE(saw_offsets);
  EXPECT_TRUE(saw_xres);
}

}  // namespace
}  // namespace td::row

namespace td::row {
namespace {

// other_tags values: integers are written without nlohmann; every type must
// read back as the same JSON nlohmann would have produced.
TEST(RowBuilder, TagValuesJsonForEveryValueType) {
  auto json_of = [](tiff::TagValues v) {
    tiff::Tag t;
    t.code = 50000;
    t.values = std::move(v);
    return tag_values_json(t);
  };
  EXPECT_EQ(json_of(std::vector<uint64_t>{7}), "7");
  EXPECT_EQ(json_of(std::vector<uint64_t>{1, 18446744073709551615u}), "[1,18446744073709551615]");
  EXPECT_EQ(json_of(std::vector<uint64_t>{}), "[]");
  EXPECT_EQ(json_of(std::vector<int64_t>{-9223372036854775807 - 1, 0, 5}), "[-9223372036854775808,0,5]");
  EXPECT_EQ(json_of(std::vector<uint8_t>{0, 255}), "[0,255]");
  EXPECT_EQ(json_of(std::vector<tiff::Rational>{{300, 2}}), "[300,2]");
  EXPECT_EQ(json_of(std::vector<tiff::Rational>{{1, 3}, {-4, 5}}), "[[1,3],[-4,5]]");
  EXPECT_EQ(json_of(std::vector<double>{0.5}), "0.5");
  EXPECT_EQ(json_of(std::vector<double>{1.0, -2.25}), "[1.0,-2.25]");
  EXPECT_EQ(json_of(std::string("a\"b\n")), R"("a\"b\n")");
  EXPECT_EQ(json_of(std::string("\xff")), R"("\\xFF")");  // invalid UTF-8 escaped (row::utf8)
  // Not loaded: a marker with the type and count (issue 15), never a bare null.
  tiff::Tag not_loaded;
  not_loaded.code = 700;
  not_loaded.type_code = 1;
  not_loaded.count = 15198;
  EXPECT_EQ(tag_values_json(not_loaded), R"({"not_loaded":{"type":"BYTE","count":15198}})");
  not_loaded.type_code = 99;  // unknown type: its code as text
  EXPECT_EQ(tag_values_json(not_loaded), R"({"not_loaded":{"type":"99","count":15198}})");
  for (const std::string& text : {json_of(std::vector<uint64_t>{1, 2}), json_of(std::vector<tiff::Rational>{{1, 3}, {4, 5}})})
    EXPECT_TRUE(nlohmann::json::accept(text)) << text;
}

TEST(RowBuilder, Latin1TextIsEscapedNotDecoded) {
  ObjectOutcome o = sample_outcome();
  o.header->ifds[0].tags.push_back(ascii_tag(315, std::string("Jos\xe9 M\xfcller")));  // Artist, Latin-1
  nlohmann::ordered_json j = row_to_json(build_row(o));
  EXPECT_EQ(j["artist"], "Jos\\xE9 M\\xFCller");  // issue 15 kind 6: escaped, no longer decoded as Latin-1
}

TEST(RowBuilder, PathIsTheEscapedKeyDistinctForDistinctKeys) {
  ObjectOutcome latin1 = sample_outcome(), utf8 = sample_outcome(), literal = sample_outcome();
  latin1.object.key = "dir/caf\xe9.tif";
  utf8.object.key = "dir/caf\xc3\xa9.tif";
  literal.object.key = "dir/caf\\xE9.tif";
  EXPECT_EQ(row_to_json(build_row(latin1))["path"], "dir/caf\\xE9.tif");
  EXPECT_EQ(row_to_json(build_row(utf8))["path"], "dir/caf\u00e9.tif");
  EXPECT_EQ(row_to_json(build_row(literal))["path"], "dir/caf\\\\xE9.tif");
  ObjectOutcome line = sample_outcome();  // a key-list line is escaped the same way
  line.path = "/abs/x\xff.tif";
  EXPECT_EQ(row_to_json(build_row(line))["path"], "/abs/x\\xFF.tif");
}

TEST(RowBuilder, RepeatedTagKeepsFirstEntry) {
  ObjectOutcome o = sample_outcome();
  o.header->ifds[0].tags.push_back(uint_tag(50000, {9}));
  nlohmann::ordered_json j = row_to_json(build_row(o));
  EXPECT_EQ(j["other_tags"]["50000"], nlohmann::json({1, 2, 3}));
}

TEST(RowJson, ManyOtherTagsKeepEveryEntryInCodeOrder) {
  ObjectOutcome o = sample_outcome();
  for (uint64_t code = 50001; code <= 60000; ++code) {
    o.header->ifds[0].tags.push_back(uint_tag(static_cast<uint16_t>(code), {code}));
  }
  nlohmann::ordered_json other = row_to_json(build_row(o))["other_tags"];
  ASSERT_EQ(other.size(), 2u + 10000u);
  auto it = other.begin();
  EXPECT_EQ(it.key(), "42113");
  EXPECT_EQ((++it).key(), "50000");
  for (uint64_t code = 50001; code <= 60000; ++code) {
    ++it;
    ASSERT_EQ(it.key(), std::to_string(code));
    ASSERT_EQ(it.value(), nlohmann::json(code));  // one value: a scalar
  }
}

TEST(RowJson, RepeatedMapKeyKeepsFirstPositionAndLastValue) {
  parquet::Value row = build_row(sample_outcome());
  parquet::Value::Fields fields = std::get<parquet::Value::FieldsBox>(row.raw()).fields;
  size_t other = 0;
  while (row_schema().fields[other].name != "other_tags") ++other;
  fields[other] = parquet::Value::map({{"7", "[1]"}, {"8", "[2]"}, {"7", "[3]"}});
  nlohmann::ordered_json j = row_to_json(parquet::Value::fields(std::move(fields)))["other_tags"];
  EXPECT_EQ(j.dump(), R"({"7":[3],"8":[2]})");
}

}  // namespace
}  // namespace td::row
