// Rows are bounded by the header's size (row_budget): a header whose values would take far
// more memory as a row has its long other_tags values written as markers, and if that is
// not enough becomes an error row, keeping the listing's columns and the cost.
#include <gtest/gtest.h>

#include "parquet/value_tree_sink.h"
#include "row/row_builder.h"
#include "row/row_json.h"

namespace td::row {
namespace {

ObjectOutcome many_text_tags(uint64_t span_bytes, uint16_t tags = 5000) {
  ObjectOutcome o;
  o.object.key = "hostile.tif";
  o.object.size = 4096;
  o.cost = {1, 4096};
  tiff::Header h;
  h.span_bytes = span_bytes;
  tiff::Ifd ifd;
  for (uint16_t code = 40000; code < 40000 + tags; ++code) {
    tiff::Tag t;
    t.code = code;
    t.type_code = 2;
    t.count = 101;
    t.values = std::string(100, '\x01');  // each byte escapes to \u0001: 6x in JSON
    ifd.tags.push_back(std::move(t));
  }
  h.ifds.push_back(std::move(ifd));
  o.header = std::move(h);
  return o;
}

TEST(RowBudget, OversizedRowBecomesErrorRow) {
  nlohmann::ordered_json j = row_to_json(build_row(many_text_tags(4096)));
  EXPECT_EQ(j["error_kind"], "limit_exceeded");
  EXPECT_NE(j["error"].get<std::string>().find("bytes of memory"), std::string::npos) << j["error"];
  EXPECT_EQ(j["path"], "hostile.tif");
  EXPECT_EQ(j["size"], 4096);
  EXPECT_EQ(j["bytes_read"], 4096);
  EXPECT_TRUE(j["other_tags"].is_null());
}

// Issue 15: a row over its budget first writes its long other_tags values as not-loaded
// markers, with a value_not_loaded warning; only a row still over becomes an error row.
TEST(RowBudget, OversizedRowKeepsItsColumnsWithMarkers) {
  // 100 x ~600 bytes of JSON text: over 8 x 1 + 64 KiB; 100 markers fit.
  nlohmann::ordered_json j = row_to_json(build_row(many_text_tags(1, 100)));
  EXPECT_TRUE(j["error_kind"].is_null()) << j["error"];
  ASSERT_EQ(j["other_tags"].size(), 100u);
  EXPECT_EQ(j["other_tags"]["40000"], nlohmann::ordered_json::parse(R"({"not_loaded":{"type":"ASCII","count":101}})"));
  ASSERT_EQ(j["warnings"].size(), 1u);
  EXPECT_EQ(j["warnings"][0]["kind"], "value_not_loaded");
  EXPECT_EQ(j["warnings"][0]["ifd"], 0);
  EXPECT_TRUE(j["warnings"][0]["tag"].is_null());
  EXPECT_EQ(j["warnings"][0]["message"].get<std::string>().rfind("100 values of other_tags", 0), 0u)
      << j["warnings"][0]["message"];
}

TEST(RowBudget, RowWithinBudgetIsKept) {
  // 5000 x 600 bytes of JSON: ~3.4 MB of row, within 8 x 1 MiB + 64 KiB.
  nlohmann::ordered_json j = row_to_json(build_row(many_text_tags(1 << 20)));
  EXPECT_TRUE(j["error_kind"].is_null()) << j["error"];
  EXPECT_EQ(j["other_tags"].size(), 5000u);
  // A header built by hand (span_bytes 0): not checked.
  EXPECT_TRUE(row_to_json(build_row(many_text_tags(0)))["error_kind"].is_null());
}

// A GDAL structural metadata block larger than the budget of the header's span (which
// leaves the block out) still makes a header row: the block counts toward the budget.
TEST(RowBudget, LargeGdalMetadataBlockKeepsTheRow) {
  ObjectOutcome o = many_text_tags(456, 0);
  std::string body = "LAYOUT=IFDS_BEFORE_DATA\n" + std::string(70000, '#') + "\n";
  o.header->gdal_structural_metadata = "GDAL_STRUCTURAL_METADATA_SIZE=070025 bytes\n" + body;
  nlohmann::ordered_json j = row_to_json(build_row(o));
  EXPECT_TRUE(j["error_kind"].is_null()) << j["error"];
  EXPECT_EQ(j["gdal_structural_metadata"].get<std::string>().size(), 43u + body.size());
  EXPECT_EQ(row_budget(*o.header), row_budget(456) + 2 * (43 + body.size()));
  // Beyond that the rule is unchanged: still an error row when the tags do not fit.
  ObjectOutcome hostile = many_text_tags(4096);
  hostile.header->gdal_structural_metadata = o.header->gdal_structural_metadata;
  j = row_to_json(build_row(hostile));
  EXPECT_EQ(j["error_kind"], "limit_exceeded");
  EXPECT_NE(j["error"].get<std::string>().find("+ 2 x the 70068 bytes of GDAL structural metadata"), std::string::npos)
      << j["error"];
}

TEST(RowBudget, RowBytesCountsHeapText) {
  parquet::ValueTreeSink sink;
  sink.begin_row();
  sink.int64(1);
  EXPECT_EQ(sink.row_bytes(), sizeof(parquet::Value));
  sink.bytes(std::string(1000, 'x'));
  EXPECT_GE(sink.row_bytes(), 2 * sizeof(parquet::Value) + 1000);
  sink.begin_row();
  EXPECT_EQ(sink.row_bytes(), 0u);  // per row
  EXPECT_EQ(row_budget(1000), 8000u + 65536u);
}

}  // namespace
}  // namespace td::row
