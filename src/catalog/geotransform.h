// The affine geotransform of the main image, as GDAL derives it from the GeoTIFF
// tags of IFD 0 (GDAL's GTiff driver, LoadGeoreferencing; GeoTIFF 1.1 sections
// 7.4.1 to 7.4.4).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "tiff/header.h"

namespace td::catalog {

// GDAL's order: x = gt[0] + col * gt[1] + row * gt[2]; y = gt[3] + col * gt[4] + row * gt[5],
// for the corner (not the centre) of pixel (col, row), in the CRS's units.
using GeoTransform = std::array<double, 6>;

struct Georeferencing {
  std::optional<GeoTransform> transform;
  // Tiepoints that are not a transform: ModelTiepoint holds some but ModelPixelScale
  // and ModelTransformation give none (GDAL reads them as ground control points).
  uint64_t gcp_count = 0;
};

// From IFD 0, in GDAL's order of preference:
//   1. ModelPixelScale (>= 2 values, X and Y not 0) with ModelTiepoint (>= 6 values;
//      the first tiepoint is used however many there are):
//      gt = [tx - i * sx, sx, 0, ty - j * gt[5], 0, -|sy|] (a negative Y scale is taken
//      as north-up, GDAL's default, GTIFF_HONOUR_NEGATIVE_SCALEY=NO);
//   2. ModelTransformation with exactly 16 values: gt = [m3, m0, m1, m7, m4, m5].
// With GTRasterTypeGeoKey = RasterPixelIsPoint (2) the origin moves from the first
// pixel's centre to its corner, as GDAL does by default (GTIFF_POINT_GEO_IGNORE=NO):
// gt[0] -= (gt[1] + gt[2]) / 2, gt[3] -= (gt[4] + gt[5]) / 2.
// No transform otherwise; tiepoints left over are counted as GCPs.
Georeferencing georeferencing(const tiff::Header& header);

// Size of a pixel along its column and row directions, in CRS units, always
// positive: hypot(gt[1], gt[4]) and hypot(gt[2], gt[5]) (rasterio's `res`).
std::array<double, 2> resolution(const GeoTransform& gt);

}  // namespace td::catalog
