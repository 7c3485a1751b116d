// Decodes the GeoKeyDirectoryTag (34735) of one IFD, drawing values from the directory
// itself, GeoDoubleParamsTag (34736) and GeoAsciiParamsTag (34737). Internal to src/tiff.
#pragma once

#include <optional>

#include "tiff/header.h"

namespace td::tiff {

// nullopt if the IFD has no loaded, integer-typed directory of at least 4 values.
// Malformed entries never fail: a key whose values lie out of range keeps what fits.
std::optional<GeoKeyDirectory> decode_geokeys(const Ifd& ifd);

}  // namespace td::tiff
