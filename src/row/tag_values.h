// Typed views of one IFD's tags as row values: the building blocks the column
// table's fill functions use. Each gives its sink (parquet::RowSink) exactly one
// value: null when the tag is absent (or holds no values of the expected kind).
// Text is made valid UTF-8 here, once.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parquet/row_sink.h"
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
// utf8(s) as one value of `out`.
void text(std::string_view s, parquet::RowSink& out);

// First value as an integer (unsigned or signed types), else null.
void opt_int(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out);
// First value as a double (RATIONALs divided), else null.
void opt_double(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out);
// ASCII value as UTF-8 text, else null.
void opt_string(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out);
// Every value as a list of integers / doubles; null when the tag is absent or not loaded.
void int_list(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out);
void double_list(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out);
// BYTE / UNDEFINED values as raw bytes, else null.
void bytes(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out);

// An optional integer as one value (null when absent).
void opt_int(const std::optional<uint64_t>& v, parquet::RowSink& out);

}  // namespace td::row
