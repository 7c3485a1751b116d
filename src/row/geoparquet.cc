#include "row/geoparquet.h"

#include <algorithm>

#include <nlohmann/json.hpp>

namespace td::row {

void GeoParquetMetadata::add(const std::optional<catalog::Footprint>& f) {
  if (!f) return;
  any_ = true;
  (f->multi ? multi_ : polygon_) = true;
  const catalog::Box& b = f->bbox;
  if (b[0] > b[2]) crosses_ = true;
  box_ = {std::min(box_[0], b[0]), std::min(box_[1], b[1]), std::max(box_[2], b[2]), std::max(box_[3], b[3])};
}

std::string GeoParquetMetadata::json() const {
  nlohmann::ordered_json types = nlohmann::ordered_json::array();
  if (polygon_) types.push_back("Polygon");
  if (multi_) types.push_back("MultiPolygon");
  // Exterior rings are made counter-clockwise (catalog/footprint.cc).
  nlohmann::ordered_json column = {{"encoding", "WKB"}, {"geometry_types", types}, {"orientation", "counterclockwise"}};
  if (any_) {
    catalog::Box b = box_;
    if (crosses_) b[0] = -180, b[2] = 180;
    column["bbox"] = {b[0], b[1], b[2], b[3]};
  }
  column["covering"] = {{"bbox",
                         {{"xmin", {"bbox", "xmin"}},
                          {"ymin", {"bbox", "ymin"}},
                          {"xmax", {"bbox", "xmax"}},
                          {"ymax", {"bbox", "ymax"}}}}};
  nlohmann::ordered_json geo = {
      {"version", "1.1.0"}, {"primary_column", "geometry"}, {"columns", {{"geometry", column}}}};
  return geo.dump();
}

}  // namespace td::row
