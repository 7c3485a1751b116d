// The `geokeys` column: a struct with one field per GeoTIFF 1.1 key of
// tiff::geokey_table() (in that order), plus `unknown`, a map from key id (text)
// to value (JSON text) for ids the table lacks, repeats and unexpected types.
#pragma once

#include <optional>

#include "parquet/row_sink.h"
#include "tiff/header.h"

namespace td::row {

// The struct's schema node, named `name`.
parquet::Node geokeys_node(const char* name);

// The struct's value for a file's GeoKey directory, as one value of `out`; null
// when there is none.
void geokeys_value(const std::optional<tiff::GeoKeyDirectory>& dir, parquet::RowSink& out);

}  // namespace td::row
