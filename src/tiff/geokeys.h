// Decodes the GeoKeyDirectoryTag (34735) of one IFD, drawing values from the directory
// itself, GeoDoubleParamsTag (34736) and GeoAsciiParamsTag (34737). Internal to src/tiff.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tiff/header.h"

namespace td::tiff {

// nullopt if the IFD has no loaded, integer-typed directory of at least 4 values.
// Malformed entries never fail the directory (see the rules below).
std::optional<GeoKeyDirectory> decode_geokeys(const Ifd& ifd);

// The same, within a memory budget: `bytes` is what the keys take (sizeof(GeoKey) per key,
// 8 bytes per number, one per character); over_budget (and no dir) when they would take
// more than `byte_budget` (keys may share and overlap their params, so a short directory
// can ask for much more than the IFD holds).
//
// Odd directories are read as libgeotiff reads them (geo_new.c, ReadKey), except that
// libgeotiff then drops the whole directory while this keeps every other key (issue 15):
//   - location 0 (value in the entry) with a count other than 1: the key is left out
//     ("geokey_invalid");
//   - a location other than 0, 34735, 34736, 34737: the key is left out ("geokey_invalid");
//   - a count of 0 with a location other than 0: kept with no value ("geokey_invalid");
//   - numbers (34735, 34736) past the end of their params tag: the key is left out; text
//     running past GeoAsciiParams is cut to what it holds ("geokey_invalid"), silently
//     when one character short (the writers' missing '|'), as libgeotiff does;
//   - location GeoDoubleParams / GeoAsciiParams when the IFD has no such tag (or it was
//     not loaded): the key is kept with a null value, never "" or [] ("geokey_param_missing");
//   - an id given twice: every entry is kept in `keys`, GeoKeyDirectory::find and the
//     `geokeys` column take the last ("geokey_duplicate").
// `warnings` holds the first kMaxGeoKeyWarnings of these, `more_warnings` counts the rest.
struct GeoKeyWarning {
  const char* kind;
  std::string message;
};
inline constexpr size_t kMaxGeoKeyWarnings = 8;
struct GeoKeyDecode {
  std::optional<GeoKeyDirectory> dir;
  uint64_t bytes = 0;
  bool over_budget = false;
  std::vector<GeoKeyWarning> warnings;
  uint64_t more_warnings = 0;
};
GeoKeyDecode decode_geokeys(const Ifd& ifd, uint64_t byte_budget);

}  // namespace td::tiff
