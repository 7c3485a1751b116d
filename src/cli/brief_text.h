// `tiff-dumper info --brief`: a dozen plain-text lines per file, like gdalinfo's
// first screen, for a person rather than a program.
//
// Every value shown comes from the file's row — the JSON view of row::build_row
// (row::row_to_json), i.e. what `info FILE` prints and the Parquet output holds —
// so the brief text cannot disagree with the dataset: nothing is worked out a
// second way here, only formatted.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "util/status.h"

namespace td::cli {

// The brief text of one row (row::row_to_json(row::build_row(outcome))): the path,
// then indented `label  value` lines (size, image, overviews, nodata, crs,
// resolution, extent, wgs84 bbox, bands, header, warnings); an error row shows
// its size (when listed) and an `error  KIND: message` line instead of the image
// lines. Lines whose column is null are left out. Ends with a newline.
std::string brief_text(const nlohmann::ordered_json& row);

// The brief text of a file that has no row (its URL or store could not be
// opened): the path as given and an `error  KIND: message` line.
std::string brief_error_text(const std::string& path, const Error& error);

}  // namespace td::cli
