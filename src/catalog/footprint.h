// Where the image is on Earth: its outline reprojected to WGS 84 longitude/latitude
// (OGC:CRS84, x = longitude), as WKB for GeoParquet 1.1, and its bounding boxes.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "catalog/crs.h"
#include "catalog/geotransform.h"

namespace td::catalog {

// {xmin, ymin, xmax, ymax}
using Box = std::array<double, 4>;

// The image's extent in its own CRS: the four pixel corners of a `width` x `height`
// image through `gt` (rotation included), their min and max.
Box native_bbox(const GeoTransform& gt, uint64_t width, uint64_t height);

struct Footprint {
  // The outline in CRS84 as ISO WKB (little-endian): a Polygon, or a MultiPolygon
  // when it crosses the antimeridian (split there, RFC 7946 section 3.1.9). An image
  // edge whose midpoint lands within kStraight degrees of the straight line between
  // its corners is kept straight; any other is densified to kEdgePoints points, so
  // the curvature a reprojection gives straight edges is kept. An outline around a
  // pole is closed through it (latitude ±90 across the whole longitude range).
  std::string wkb;
  bool multi = false;  // MultiPolygon (else Polygon)
  // In CRS84. For an outline split at the antimeridian xmin > xmax (the western edge
  // of the eastern part and the eastern edge of the western part), as GeoParquet 1.1
  // says; around a pole xmin = -180, xmax = 180.
  Box bbox{};
};
inline constexpr double kStraight = 1e-5;  // degrees, about 1 m: a 5 km UTM edge bows 4e-6°
inline constexpr int kEdgePoints = 23;  // both corners and 21 between: PROJ's proj_trans_bounds densify_pts = 21

// The footprint of the image, or nullopt with `why` set when it cannot be made (the
// CRS has no transformation to WGS 84, e.g. a local engineering CRS; points that do
// not transform). PROJ's transformation is made once per CRS (cached with it, per
// thread). An empty `why` means there was nothing to say (no CRS).
std::optional<Footprint> footprint(const GeoTransform& gt, uint64_t width, uint64_t height, const Crs& crs,
                                   std::string& why);

}  // namespace td::catalog
