// The output schema: one row per listed TIFF. The reference tool's column
// names (first IFD) plus our additions. Every file carries exactly this schema.
#pragma once

#include <string>
#include <string_view>

#include "parquet/schema.h"

namespace td::row {

// The full row schema, built once.
const parquet::Schema& row_schema();

// Index of a top-level column by name; aborts on a name not in the schema
// (a programming error, caught by every test that builds a row).
size_t column_index(std::string_view name);

// Fields of the `geokeys` struct and of one `ifds` element, in order.
const parquet::Node& geokeys_node();
const parquet::Node& ifd_summary_node();

}  // namespace td::row
