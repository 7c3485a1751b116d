// Issue 15: the `warnings` column and `info --raw` carry Header::warnings; long arrays are
// written in full in other_tags; a row without warnings has a null column, not [].
#include <gtest/gtest.h>

#include "row/row_builder.h"
#include "row/row_json.h"
#include "row/row_schema.h"

namespace td::row {
namespace {

ObjectOutcome outcome_with(std::vector<tiff::Warning> warnings) {
  ObjectOutcome o;
  o.object.key = "damaged.tif";
  tiff::Header h;
  tiff::Ifd ifd;
  tiff::Tag width;
  width.code = 256;
  width.type_code = 3;
  width.count = 1;
  width.values = std::vector<uint64_t>{16};
  ifd.tags.push_back(width);
  tiff::Tag xmp;  // XMP stored as BYTE x 15,198
  xmp.code = 700;
  xmp.type_code = 1;
  xmp.count = 15198;
  xmp.values = std::vector<uint64_t>(15198, 60);
  ifd.tags.push_back(xmp);
  tiff::Tag junk;  // a value past the end: kept, not loaded
  junk.code = 50001;
  junk.type_code = 2;
  junk.count = 3900000000u;
  ifd.tags.push_back(junk);
  h.ifds.push_back(ifd);
  h.warnings = std::move(warnings);
  o.header = std::move(h);
  return o;
}

TEST(RowWarnings, ColumnListsEveryWarning) {
  const std::vector<tiff::Warning> warnings = {
      {"tag_value_out_of_bounds", 0, 50001, "value of tag 50001 lies past the end"},
      {"ifd_loop", 2, std::nullopt, "the next-IFD offset 8 of IFD 2 revisits IFD 0"}};
  const parquet::Value row = build_row(outcome_with(warnings));
  EXPECT_TRUE(row_has_warnings(row));
  nlohmann::ordered_json j = row_to_json(row);
  EXPECT_EQ(j["warnings"], nlohmann::ordered_json::parse(R"([
      {"kind": "tag_value_out_of_bounds", "ifd": 0, "tag": 50001, "message": "value of tag 50001 lies past the end"},
      {"kind": "ifd_loop", "ifd": 2, "tag": null, "message": "the next-IFD offset 8 of IFD 2 revisits IFD 0"}])"));
  EXPECT_TRUE(j["error_kind"].is_null());
  // The column is the last one, so the schema change stays one line (see row_schema.cc).
  EXPECT_EQ(row_schema().fields.back().name, "warnings");

  nlohmann::ordered_json raw = header_to_raw_json(*outcome_with(warnings).header);
  EXPECT_EQ(raw["warnings"], j["warnings"]);
}

TEST(RowWarnings, NullWithoutWarnings) {
  const parquet::Value row = build_row(outcome_with({}));
  EXPECT_FALSE(row_has_warnings(row));
  EXPECT_TRUE(row_to_json(row)["warnings"].is_null());
  EXPECT_TRUE(header_to_raw_json(*outcome_with({}).header)["warnings"].is_null());
}

TEST(RowWarnings, LongArraysInFullAndMarkersForValuesNotLoaded) {
  nlohmann::ordered_json j = row_to_json(build_row(outcome_with({})));
  ASSERT_TRUE(j["other_tags"]["700"].is_array());
  EXPECT_EQ(j["other_tags"]["700"].size(), 15198u);
  EXPECT_EQ(j["other_tags"]["50001"],
            nlohmann::ordered_json::parse(R"({"not_loaded": {"type": "ASCII", "count": 3900000000}})"));
  nlohmann::ordered_json raw = header_to_raw_json(*outcome_with({}).header);
  EXPECT_EQ(raw["ifds"][0]["tags"][1]["values"].size(), 15198u);  // no 1,024-value cap
}

}  // namespace
}  // namespace td::row
