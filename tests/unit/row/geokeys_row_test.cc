// Issue 15, kind 5 in the `geokeys` column: a repeated id fills its field with the
// last entry (the earlier one kept in `unknown`); a key whose params tag is missing
// is a null field, not "" and not an `unknown` entry.
#include <gtest/gtest.h>

#include "row/row_builder.h"
#include "row/row_json.h"

namespace td::row {
namespace {

TEST(GeoKeysRow, RepeatedKeyTakesTheLastAndMissingParamsAreNull) {
  ObjectOutcome o;
  o.object.key = "a.tif";
  tiff::Header h;
  h.ifds.emplace_back();
  tiff::GeoKeyDirectory geo;
  geo.keys.push_back({2048, std::vector<uint64_t>{4326}});
  geo.keys.push_back({2049, std::monostate{}});  // GeogCitation: GeoAsciiParams missing
  geo.keys.push_back({2057, std::monostate{}});  // GeogSemiMajorAxis: GeoDoubleParams missing
  geo.keys.push_back({2048, std::vector<uint64_t>{4269}});
  h.geokeys = geo;
  o.header = h;
  nlohmann::ordered_json g = row_to_json(build_row(o))["geokeys"];
  EXPECT_EQ(g["geographic_type"], 4269);
  EXPECT_TRUE(g["geog_citation"].is_null());
  EXPECT_TRUE(g["geog_semi_major_axis"].is_null());
  EXPECT_EQ(g["unknown"], nlohmann::ordered_json::parse(R"({"2048": [4326]})"));
}

}  // namespace
}  // namespace td::row
