// UTF-8 validation for STRING and JSON columns: readers (DuckDB, arrow-rs)
// refuse a whole file that holds one invalid string, so the writer rejects
// such values up front. Also the reversible escaping of object keys (bytes)
// into the `path` column (text).
#pragma once

#include <string>
#include <string_view>

namespace td::parquet {

// Well-formed UTF-8 (no overlong forms, surrogates or code points > U+10FFFF).
bool is_valid_utf8(std::string_view s);

// The `path` text of an object key (any bytes): valid UTF-8, and a different
// text for every different key. Each byte that is not part of a well-formed
// UTF-8 sequence becomes `\xHH` (two upper-case hex digits); a backslash
// becomes `\\` only where the next output character is `\` or `x` (so that
// `\\` and `\xHH` read back unambiguously). Everything else is copied. So a
// valid UTF-8 key is its own `path` unless it holds `\\` or `\x`, and Windows-
// style keys such as `a\b.tif` stay as they are.
//   b"caf\xe9.tif" -> "caf\xE9.tif"    "caf\xc3\xa9.tif" (café.tif) -> itself
//   "a\xE9.tif" (literal backslash) -> "a\\xE9.tif"
// Why not the alternatives: Latin-1 or U+FFFD replacement make two keys share
// one path; percent-escaping would change every key holding '%', common in
// real buckets; base64/hex would change every key.
std::string escape_key(std::string_view key);

// The inverse of escape_key: `\\` -> `\`, `\xHH` -> the byte 0xHH, any other
// character (a lone `\` too) as it is. unescape_key(escape_key(k)) == k for
// every byte string k.
std::string unescape_key(std::string_view path);

}  // namespace td::parquet
