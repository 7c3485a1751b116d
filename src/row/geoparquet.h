// GeoParquet 1.1 file metadata (https://geoparquet.org/releases/v1.1.0/): the "geo"
// key-value entry that makes readers (geopandas, GDAL >= 3.8, DuckDB spatial, QGIS,
// Sedona) see the `geometry` column as geometry, with `bbox` as its covering.
#pragma once

#include <optional>
#include <string>

#include "catalog/footprint.h"

namespace td::row {

// Collects, row by row, what the "geo" entry states about one file: the geometry
// types present and the bounding box of all footprints.
class GeoParquetMetadata {
 public:
  // One row's footprint (nullopt for a row without one).
  void add(const std::optional<catalog::Footprint>& footprint);
  // The "geo" value: version "1.1.0", primary_column "geometry", and for it
  // encoding "WKB", geometry_types (those added: "Polygon", "MultiPolygon"),
  // orientation "counterclockwise" (exterior rings are made so), crs
  // omitted (OGC:CRS84), the file bbox [xmin, ymin, xmax, ymax] when any row has a
  // footprint, and covering.bbox naming the `bbox` struct's fields. A file with a
  // footprint across the antimeridian gets longitudes -180..180 in its bbox.
  std::string json() const;

 private:
  bool polygon_ = false, multi_ = false, any_ = false, crosses_ = false;
  catalog::Box box_{180, 90, -180, -90};
};

}  // namespace td::row
