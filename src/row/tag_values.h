// Typed views of one IFD's tags as row values: the building blocks the column
// table's fill functions use. Each returns a null Value when the tag is absent
// (or holds no values of the expected kind). Text is made valid UTF-8 here, once.
#pragma once

#include <cstdint>
#include <string>

#include "parquet/schema.h"
#include "tiff/header.h"

namespace td::row {

// The one text rule (issue 15, kind 6) for text read from a file (TIFF ASCII
// tags, GeoKey ASCII values, warning and error messages) in every output:
// Parquet STRING columns, `other_tags` and `geokeys.unknown` JSON, `info` and
// `info --raw`. It is the `path` column's rule, parquet::escape_key: each
// well-formed UTF-8 sequence (RFC 3629) is kept as it is; each byte that is not
// part of one becomes `\xHH` (two upper-case hex digits); a backslash becomes
// `\\` only where the next output character is `\` or `x`. The result is valid
// UTF-8 and reversible: parquet::unescape_key gives back the exact bytes.
//   "Z\xc3\xbcrich \xb5m"  (valid ü, one invalid byte) -> "Zürich \xB5m"
// Valid UTF-8 without `\\` or `\x` is unchanged. Not Latin-1 (which turned
// valid UTF-8 into mojibake once one byte was bad) and not U+FFFD (which lost
// the byte).
std::string utf8(std::string s);
// utf8(s) as a row value.
parquet::Value text(std::string s);

// First value as an integer (unsigned or signed types), else null.
parquet::Value opt_int(const tiff::Ifd& ifd, uint16_t code);
// First value as a double (RATIONALs divided), else null.
parquet::Value opt_double(const tiff::Ifd& ifd, uint16_t code);
// ASCII value as UTF-8 text, else null.
parquet::Value opt_string(const tiff::Ifd& ifd, uint16_t code);
// Every value as a list of integers / doubles; null when the tag is absent or not loaded.
parquet::Value int_list(const tiff::Ifd& ifd, uint16_t code);
parquet::Value double_list(const tiff::Ifd& ifd, uint16_t code);
// BYTE / UNDEFINED values as raw bytes, else null.
parquet::Value bytes(const tiff::Ifd& ifd, uint16_t code);

}  // namespace td::row
