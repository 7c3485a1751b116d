// Whether a JSON column's text is one JSON document (RFC 8259): DuckDB
// refuses a whole file whose JSON column holds one malformed value.
#pragma once

#include <string_view>

namespace td::parquet {

bool is_json_document(std::string_view text);

}  // namespace td::parquet
