// JSON views for `tiff-dumper info`: a row (exactly the Parquet columns, so
// what `info` prints is what the dataset holds) and the raw tag dump.
#pragma once

#include <nlohmann/json.hpp>

#include "parquet/schema.h"
#include "tiff/header.h"

namespace td::row {

// A row as JSON: column name -> value. Timestamps as ISO 8601 UTC text,
// binary columns as lowercase hex, JSON-text columns embedded as JSON, a double that
// is NaN or infinite as the string "NaN", "Infinity" or "-Infinity" (gdalinfo -json's spelling).
nlohmann::ordered_json row_to_json(const parquet::Value& row);

// `info --raw`: {"byte_order","bigtiff","ifds":[{"offset","tags":[{"code","name","type","count","values"}]}],
// "warnings":[{"kind","ifd","tag","message"}] or null}. The four strip/tile offset and
// byte-count arrays, and values not loaded (see "warnings"), print "values": null with
// their true type and count. Text values follow row::utf8 (tag_values.h: invalid bytes as
// `\xHH`); a text tag that rule changed also has "bytes_hex": its exact bytes as lowercase
// hex (the trailing NUL excluded, as in "values").
nlohmann::ordered_json header_to_raw_json(const tiff::Header& header);

}  // namespace td::row
