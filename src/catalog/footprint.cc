#include "catalog/footprint.h"

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <vector>

#include "catalog/proj_ptr.h"

namespace td::catalog {
namespace {

struct Point {
  double x, y;
};
using Ring = std::vector<Point>;  // open (the first point is not repeated)

void put_u32(std::string& out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);  // WKB byte order 1 = little-endian, as this machine
  out.append(b, 4);
}
void put_f64(std::string& out, double v) {
  char b[8];
  std::memcpy(b, &v, 8);
  out.append(b, 8);
}

void polygon_wkb(std::string& out, const Ring& ring) {
  out.push_back('\x01');
  put_u32(out, 3);  // Polygon
  put_u32(out, 1);  // one ring
  put_u32(out, static_cast<uint32_t>(ring.size() + 1));
  for (const Point& p : ring) {
    put_f64(out, p.x);
    put_f64(out, p.y);
  }
  put_f64(out, ring.front().x);  // closed
  put_f64(out, ring.front().y);
}

double signed_area(const Ring& r) {
  double a = 0;
  for (size_t i = 0; i < r.size(); ++i) {
    const Point& p = r[i];
    const Point& q = r[(i + 1) % r.size()];
    a += p.x * q.y - q.x * p.y;
  }
  return a / 2;
}

// Sutherland-Hodgman against one vertical line: keeps x >= at (keep_right) or x <= at.
Ring clip(const Ring& in, double at, bool keep_right) {
  Ring out;
  auto inside = [&](const Point& p) { return keep_right ? p.x >= at : p.x <= at; };
  for (size_t i = 0; i < in.size(); ++i) {
    const Point& cur = in[i];
    const Point& prev = in[(i + in.size() - 1) % in.size()];
    const bool ci = inside(cur), pi = inside(prev);
    if (ci != pi) {
      const double t = (at - prev.x) / (cur.x - prev.x);
      out.push_back({at, prev.y + t * (cur.y - prev.y)});
    }
    if (ci) out.push_back(cur);
  }
  return out;
}

struct Transformer {
  ProjPtr op;
};

// The CRS's transformation to CRS84 (x = longitude), made once and kept with the CRS.
PJ* to_crs84(const Crs& crs, std::string& why) {
  if (!crs.to_crs84_tried) {
    crs.to_crs84_tried = true;
    auto* ctx = static_cast<PJ_CONTEXT*>(proj_context());
    ProjPtr source(proj_create(ctx, crs.projjson->c_str()));
    ProjPtr target(proj_create(ctx, "OGC:CRS84"));
    if (!source || !target) {
      crs.to_crs84_problem = "PROJ could not read the CRS back";
    } else if (proj_get_type(source.get()) == PJ_TYPE_ENGINEERING_CRS) {
      crs.to_crs84_problem = "";  // a local CRS: no place on Earth, nothing to warn about
    } else {
      ProjPtr op(proj_create_crs_to_crs_from_pj(ctx, source.get(), target.get(), nullptr, nullptr));
      // Input in the geotransform's order (easting/longitude first), as GDAL's is.
      ProjPtr normal(op ? proj_normalize_for_visualization(ctx, op.get()) : nullptr);
      if (!normal) {
        crs.to_crs84_problem = std::string("PROJ has no transformation from ") + proj_get_name(source.get()) +
                               " to WGS 84";
      } else {
        auto holder = std::make_shared<Transformer>();
        holder->op.reset(normal.release());
        crs.to_crs84 = holder;
      }
    }
  }
  if (!crs.to_crs84) {
    why = crs.to_crs84_problem;
    return nullptr;
  }
  return static_cast<Transformer*>(crs.to_crs84.get())->op.get();
}

}  // namespace

Box native_bbox(const GeoTransform& gt, uint64_t width, uint64_t height) {
  Box b{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity()};
  const double w = static_cast<double>(width), h = static_cast<double>(height);
  for (const auto& [col, row] : {std::pair{0.0, 0.0}, {w, 0.0}, {w, h}, {0.0, h}}) {
    const double x = gt[0] + col * gt[1] + row * gt[2];
    const double y = gt[3] + col * gt[4] + row * gt[5];
    b = {std::min(b[0], x), std::min(b[1], y), std::max(b[2], x), std::max(b[3], y)};
  }
  return b;
}

std::optional<Footprint> footprint(const GeoTransform& gt, uint64_t width, uint64_t height, const Crs& crs,
                                   std::string& why) {
  why.clear();
  if (!crs.projjson || width == 0 || height == 0) return std::nullopt;
  PJ* op = to_crs84(crs, why);
  if (!op) return std::nullopt;
  // The outline in pixel space, clockwise from the top-left corner. Each edge is first
  // tried as a straight line: its two corners and its midpoint; an edge whose midpoint
  // lands off the chord by more than kStraight degrees is densified to kEdgePoints.
  // Transforming 8 points instead of 88 is most of the cost of a row (callgrind).
  const double w = static_cast<double>(width), h = static_cast<double>(height);
  const std::array<Point, 4> corners{{{0, 0}, {w, 0}, {w, h}, {0, h}}};
  std::vector<double> xs, ys;
  auto add_pixel = [&](double col, double row) {
    xs.push_back(gt[0] + col * gt[1] + row * gt[2]);
    ys.push_back(gt[3] + col * gt[4] + row * gt[5]);
  };
  for (size_t e = 0; e < 4; ++e) {  // corner e, then the midpoint of edge e
    const Point a = corners[e], b = corners[(e + 1) % 4];
    add_pixel(a.x, a.y);
    add_pixel((a.x + b.x) / 2, (a.y + b.y) / 2);
  }
  proj_trans_generic(op, PJ_FWD, xs.data(), sizeof(double), xs.size(), ys.data(), sizeof(double), ys.size(), nullptr,
                     0, 0, nullptr, 0, 0);
  std::array<bool, 4> curved{};
  for (size_t e = 0; e < 4; ++e) {
    const size_t a = 2 * e, m = 2 * e + 1, b = (2 * e + 2) % 8;
    const double dx = xs[m] - (xs[a] + xs[b]) / 2, dy = ys[m] - (ys[a] + ys[b]) / 2;
    // Non-finite values fail the test too. An edge spanning more than 90° of longitude
    // is densified whatever its midpoint: unwrapping needs steps shorter than 180°.
    curved[e] = !(std::fabs(dx) <= kStraight && std::fabs(dy) <= kStraight) || !(std::fabs(xs[b] - xs[a]) <= 90);
  }
  std::vector<double> dense_x, dense_y;
  for (size_t e = 0; e < 4; ++e) {
    dense_x.push_back(xs[2 * e]);
    dense_y.push_back(ys[2 * e]);
    if (!curved[e]) continue;
    const Point a = corners[e], b = corners[(e + 1) % 4];
    const size_t from = dense_x.size();
    for (int i = 1; i < kEdgePoints - 1; ++i) {
      const double t = static_cast<double>(i) / (kEdgePoints - 1);
      const double col = a.x + t * (b.x - a.x), row = a.y + t * (b.y - a.y);
      dense_x.push_back(gt[0] + col * gt[1] + row * gt[2]);
      dense_y.push_back(gt[3] + col * gt[4] + row * gt[5]);
    }
    const size_t n = dense_x.size() - from;
    proj_trans_generic(op, PJ_FWD, dense_x.data() + from, sizeof(double), n, dense_y.data() + from, sizeof(double), n,
                       nullptr, 0, 0, nullptr, 0, 0);
  }
  xs = std::move(dense_x);
  ys = std::move(dense_y);
  Ring ring;
  for (size_t i = 0; i < xs.size(); ++i)
    if (std::isfinite(xs[i]) && std::isfinite(ys[i]) && std::fabs(ys[i]) <= 90.0001) ring.push_back({xs[i], std::clamp(ys[i], -90.0, 90.0)});
  if (ring.size() < 3) {
    why = "the image's outline does not transform to WGS 84 (" + std::to_string(xs.size() - ring.size()) + " of " +
          std::to_string(xs.size()) + " points failed)";
    return std::nullopt;
  }
  // Longitudes unwrapped along the outline, so an edge never jumps by more than 180°.
  for (size_t i = 1; i < ring.size(); ++i) {
    while (ring[i].x - ring[i - 1].x > 180) ring[i].x -= 360;
    while (ring[i].x - ring[i - 1].x < -180) ring[i].x += 360;
  }
  double closing = ring.front().x - ring.back().x;  // back to the start: 0, or ±360 around a pole
  double wrap = 0;
  while (closing > 180) closing -= 360, wrap += 360;
  while (closing < -180) closing += 360, wrap -= 360;
  Footprint f;
  bool pole = wrap != 0;
  if (pole) {
    double mean_lat = 0;
    for (const Point& p : ring) mean_lat += p.y;
    const double pole_lat = mean_lat >= 0 ? 90.0 : -90.0;
    const double end_x = ring.front().x - wrap;  // where the outline comes back to, 360° on
    ring.push_back({end_x, pole_lat});
    ring.push_back({ring.front().x, pole_lat});
  }
  if (signed_area(ring) < 0) std::reverse(ring.begin(), ring.end());  // exterior rings counter-clockwise
  // Split at every antimeridian the unwrapped outline crosses; each piece shifted home.
  double lo = ring.front().x, hi = lo;
  for (const Point& p : ring) lo = std::min(lo, p.x), hi = std::max(hi, p.x);
  const int first_k = static_cast<int>(std::floor((lo + 180) / 360)), last_k = static_cast<int>(std::ceil((hi + 180) / 360)) - 1;
  std::vector<Ring> pieces;
  std::vector<int> piece_k;
  for (int k = first_k; k <= std::max(first_k, last_k); ++k) {
    Ring piece = first_k == last_k ? ring : clip(clip(ring, k * 360.0 - 180, true), k * 360.0 + 180, false);
    if (piece.size() < 3 || std::fabs(signed_area(piece)) < 1e-12) continue;
    for (Point& p : piece) p.x -= k * 360.0;
    pieces.push_back(std::move(piece));
    piece_k.push_back(k);
  }
  if (pieces.empty()) {
    why = "the image's outline in WGS 84 is empty";
    return std::nullopt;
  }
  f.multi = pieces.size() > 1;
  if (f.multi) {
    f.wkb.push_back('\x01');
    put_u32(f.wkb, 6);  // MultiPolygon
    put_u32(f.wkb, static_cast<uint32_t>(pieces.size()));
  }
  double ymin = 90, ymax = -90;
  for (const Ring& r : pieces) {
    polygon_wkb(f.wkb, r);
    for (const Point& p : r) ymin = std::min(ymin, p.y), ymax = std::max(ymax, p.y);
  }
  auto x_range = [](const Ring& r) {
    double a = 180, b = -180;
    for (const Point& p : r) a = std::min(a, p.x), b = std::max(b, p.x);
    return std::pair{a, b};
  };
  if (pole) {
    f.bbox = {-180, ymin, 180, ymax};
  } else if (pieces.size() == 1) {
    const auto [a, b] = x_range(pieces[0]);
    f.bbox = {a, ymin, b, ymax};
  } else {  // across the antimeridian: west edge of the western-most piece, east edge of the eastern-most
    f.bbox = {x_range(pieces.front()).first, ymin, x_range(pieces.back()).second, ymax};
  }
  return f;
}

}  // namespace td::catalog
