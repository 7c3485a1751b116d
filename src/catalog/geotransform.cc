#include "catalog/geotransform.h"

#include <cmath>
#include <vector>

#include "tiff/tags.h"

namespace td::catalog {
namespace {

constexpr uint16_t kRasterTypeKey = 1025;  // GTRasterTypeGeoKey
constexpr uint64_t kPixelIsPoint = 2;

std::vector<double> doubles(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  return t ? t->as_doubles() : std::vector<double>{};
}

bool pixel_is_point(const tiff::Header& header) {
  if (!header.geokeys) return false;
  const tiff::GeoKey* k = header.geokeys->find(kRasterTypeKey);
  const auto* v = k ? std::get_if<std::vector<uint64_t>>(&k->value) : nullptr;
  return v && !v->empty() && (*v)[0] == kPixelIsPoint;
}

}  // namespace

Georeferencing georeferencing(const tiff::Header& header) {
  Georeferencing g;
  if (header.ifds.empty()) return g;
  const tiff::Ifd& ifd = header.ifds[0];
  const std::vector<double> scale = doubles(ifd, tiff::tag::model_pixel_scale);
  const std::vector<double> tie = doubles(ifd, tiff::tag::model_tiepoint);
  const std::vector<double> matrix = doubles(ifd, tiff::tag::model_transformation);
  if (scale.size() >= 2 && scale[0] != 0 && scale[1] != 0) {
    if (tie.size() >= 6) {
      GeoTransform gt{0, scale[0], 0, 0, 0, -std::fabs(scale[1])};
      gt[0] = tie[3] - tie[0] * gt[1];
      gt[3] = tie[4] - tie[1] * gt[5];
      g.transform = gt;
    }
  } else if (matrix.size() == 16) {
    g.transform = GeoTransform{matrix[3], matrix[0], matrix[1], matrix[7], matrix[4], matrix[5]};
  }
  if (!g.transform) {
    g.gcp_count = tie.size() / 6;
    return g;
  }
  if (pixel_is_point(header)) {
    GeoTransform& gt = *g.transform;
    gt[0] -= gt[1] * 0.5 + gt[2] * 0.5;
    gt[3] -= gt[4] * 0.5 + gt[5] * 0.5;
  }
  return g;
}

std::array<double, 2> resolution(const GeoTransform& gt) {
  return {std::hypot(gt[1], gt[4]), std::hypot(gt[2], gt[5])};
}

}  // namespace td::catalog
