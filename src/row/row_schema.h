// The output schema: one row per listed TIFF, one field per entry of the
// column table (columns.h), in its order. Every file carries exactly this schema.
#pragma once

#include <cstddef>
#include <string_view>

#include "parquet/schema.h"

namespace td::row {

// The full row schema, built once from columns().
const parquet::Schema& row_schema();

// Index of a top-level column by name; aborts on a name not in the schema
// (a programming error, caught by every test that builds a row).
size_t column_index(std::string_view name);

}  // namespace td::row
