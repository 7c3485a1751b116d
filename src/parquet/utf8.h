// UTF-8 validation for STRING and JSON columns: readers (DuckDB, arrow-rs)
// refuse a whole file that holds one invalid string, so the writer rejects
// such values up front.
#pragma once

#include <string_view>

namespace td::parquet {

// Well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view s);

}  // namespace td::parquet
