// Decodes the GeoKeyDirectoryTag (34735) of one IFD, drawing values from the directory
// itself, GeoDoubleParamsTag (34736) and GeoAsciiParamsTag (34737). Internal to src/tiff.
#pragma once

#include <optional>

#include "tiff/header.h"

namespace td::tiff {

// nullopt if the IFD has no loaded, integer-typed directory of at least 4 values.
// Malformed entries never fail: a key whose values lie out of range keeps what fits.
std::optional<GeoKeyDirectory> decode_geokeys(const Ifd& ifd);

// The same, within a memory budget: `bytes` is what the keys take (sizeof(GeoKey) per key,
// 8 bytes per number, one per character); over_budget (and no dir) when they would take
// more than `byte_budget` (keys may share and overlap their params, so a short directory
// can ask for much more than the IFD holds).
struct GeoKeyDecode {
  std::optional<GeoKeyDirectory> dir;
  uint64_t bytes = 0;
  bool over_budget = false;
};
GeoKeyDecode decode_geokeys(const Ifd& ifd, uint64_t byte_budget);

}  // namespace td::tiff
