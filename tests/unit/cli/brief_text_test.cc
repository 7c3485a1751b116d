#include "cli/brief_text.h"

#include <gtest/gtest.h>

#include <string>

namespace td::cli {
namespace {

using Json = nlohmann::ordered_json;

// A row shaped like row_to_json's, with the columns brief_text reads.
Json utm_row() {
  return Json::parse(R"({
    "path": "a/utm.tif", "size": 1234567, "bigtiff": true, "byte_order": "II",
    "image_width": 10980, "image_height": 10980, "band_count": 3, "data_type": "UInt16",
    "tiled": true, "tile_width": 512, "tile_height": 512, "rows_per_strip": null,
    "compression_name": "DEFLATE", "overview_count": 4, "has_mask": true, "nodata": 0.0,
    "crs_epsg": 32633,
    "crs_projjson": {"type": "ProjectedCRS", "name": "WGS 84 / UTM zone 33N",
                     "coordinate_system": {"subtype": "Cartesian", "axis": [{"name": "Easting", "unit": "metre"}]}},
    "resolution_x": 10.0, "resolution_y": 10.0,
    "native_bbox": {"xmin": 500000.0, "ymin": 4490200.0, "xmax": 609800.0, "ymax": 4600000.0},
    "bbox": {"xmin": 14.999999999999982, "ymin": 40.5, "xmax": 16.3, "ymax": 41.55166452240851},
    "bands": null,
    "cog": {"valid": true, "errors": [], "warnings": [], "not_checked": ["block_leader", "block_trailer"]},
    "blocks": {"count": 2500, "sparse": 0, "past_object_end": 0, "overlapping": 0, "shared": 0},
    "header_bytes": 774, "first_data_offset": 778,
    "error_kind": null, "error": null, "warnings": null})");
}

TEST(BriefText, ShowsTheRowsFactsOneLineEach) {
  EXPECT_EQ(brief_text(utm_row()),
            "a/utm.tif\n"
            "  size          1.2 MiB (1234567 bytes), BigTIFF, little-endian\n"
            "  image         10980 x 10980, 3 bands of UInt16, tiled 512 x 512, DEFLATE\n"
            "  overviews     4 (+ internal mask)\n"
            "  nodata        0\n"
            "  crs           EPSG:32633 WGS 84 / UTM zone 33N\n"
            "  resolution    10 x 10 (metre)\n"
            "  extent        x 500000..609800, y 4490200..4600000\n"
            "  wgs84 bbox    lon 15..16.3, lat 40.5..41.551665\n"
            "  cog           valid\n"
            "                not checked (needs image data): block_leader block_trailer\n"
            "  blocks        2500\n"
            "  header        header_bytes 774, first data at 778\n");
}

TEST(BriefText, SaysWhyAFileIsNotACogAndWhatItsBlocksLack) {
  Json row = utm_row();
  row["cog"] = Json::parse(R"({"valid": false,
      "errors": [{"code": "main_data_order", "message": "the image's first block, at offset 900, is before the one of overview 0, at 1200"}],
      "warnings": [{"code": "no_overviews", "message": "no internal overviews"}], "not_checked": []})");
  row["blocks"] = Json::parse(R"({"count": 40, "sparse": 4, "past_object_end": 3, "overlapping": 1, "shared": 2})");
  const std::string text = brief_text(row);
  EXPECT_NE(text.find("  cog           not valid\n"
                      "                error main_data_order: the image's first block, at offset 900, is before the "
                      "one of overview 0, at 1200\n"
                      "                warning no_overviews: no internal overviews\n"
                      "  blocks        40 (4 empty), 3 past the end of the object (truncated?), 1 overlapping, "
                      "2 shared\n"),
            std::string::npos)
      << text;
}

TEST(BriefText, LeavesOutNullColumnsAndSaysStripsAndNone) {
  Json row = utm_row();
  row["bigtiff"] = false;
  row["byte_order"] = "MM";
  row["size"] = 1000;
  row["band_count"] = 1;
  row["tiled"] = false;
  row["rows_per_strip"] = 16;
  row["overview_count"] = 0;
  row["has_mask"] = false;
  for (const char* k : {"nodata", "crs_epsg", "crs_projjson", "resolution_x", "resolution_y", "native_bbox", "bbox",
                        "first_data_offset", "cog", "blocks"}) {
    row[k] = nullptr;
  }
  EXPECT_EQ(brief_text(row),
            "a/utm.tif\n"
            "  size          1000 bytes, classic TIFF, big-endian\n"
            "  image         10980 x 10980, 1 band of UInt16, strips of 16 rows, DEFLATE\n"
            "  overviews     none\n"
            "  crs           none\n"
            "  header        header_bytes 774, no image data\n");
}

TEST(BriefText, SaysWhenTheBoxCrossesTheAntimeridian) {
  Json row = utm_row();
  row["bbox"] = Json::parse(R"({"xmin": 179.5, "ymin": -10, "xmax": -179.25, "ymax": 5})");
  EXPECT_NE(brief_text(row).find("  wgs84 bbox    lon 179.5..-179.25, lat -10..5 (crosses the antimeridian)\n"),
            std::string::npos)
      << brief_text(row);
}

TEST(BriefText, ListsAtMostEightBandsAndThreeWarnings) {
  Json row = utm_row();
  row["bands"] = Json::array();
  row["bands"].push_back(Json::parse(R"({"description": "red", "unit": "m", "scale": 0.01, "offset": 0.0,
                                          "minimum": null, "maximum": 100.5})"));
  for (int i = 0; i < 9; ++i) row["bands"].push_back(Json::parse(R"({"description": null, "scale": null})"));
  row["warnings"] = Json::array();
  for (int i = 0; i < 5; ++i) {
    row["warnings"].push_back({{"kind", "ifd_unreadable"}, {"ifd", i}, {"tag", nullptr}, {"message", "bad\nIFD"}});
  }
  std::string text = brief_text(row);
  EXPECT_NE(text.find("  bands         1: \"red\" unit m scale 0.01 offset 0 max 100.5\n"
                      "                2: (no metadata)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("                8: (no metadata)\n                … 2 more\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("9: "), std::string::npos) << text;
  EXPECT_NE(text.find("  warnings      ifd_unreadable (bad\\x0AIFD)\n"
                      "                ifd_unreadable (bad\\x0AIFD)\n"
                      "                ifd_unreadable (bad\\x0AIFD)\n"
                      "                … 2 more\n"),
            std::string::npos)
      << text;
}

TEST(BriefText, AnErrorRowShowsItsErrorInsteadOfTheImage) {
  Json row = Json::parse(R"({"path": "b.tif", "size": 20, "bigtiff": null, "byte_order": null, "image_width": null,
                             "error_kind": "not_tiff", "error": "not a TIFF file", "warnings": null})");
  EXPECT_EQ(brief_text(row), "b.tif\n  size          20 bytes\n  error         not_tiff: not a TIFF file\n");
  EXPECT_EQ(brief_error_text("s3://x/\x1b[2J", Error{ErrorKind::invalid_value, "bad URL"}),
            "s3://x/\\x1B[2J\n  error         invalid_value: bad URL\n");
}

}  // namespace
}  // namespace td::cli
