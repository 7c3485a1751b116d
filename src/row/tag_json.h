// JSON text of one tag's values, as stored in `other_tags` (a JSON column):
// produced once here, valid UTF-8 JSON by construction, never parsed back.
#pragma once

#include <string>
#include <string_view>

#include "tiff/header.h"

namespace td::row {

// A scalar for one value, an array otherwise; RATIONALs as [numerator,
// denominator]. Values that were not loaded (past the end of the object, over a
// budget, unknown type; the header's warnings say why) are not_loaded_json(tag) —
// never null, which would read as "absent". Text follows row::utf8 (tag_values.h):
// invalid bytes as `\xHH`, reversible.
std::string tag_values_json(const tiff::Tag& tag);

// {"not_loaded":{"type":"BYTE","count":15198}}: the TIFF 6.0 type name (the type
// code as text when unknown) and the count of values that were not loaded.
std::string not_loaded_json(const tiff::Tag& tag);

// Appends `text` (valid UTF-8) to `out` as a JSON string, byte for byte as
// nlohmann::json's dump() writes it (RFC 8259): `"` and `\` escaped, \b \f \n
// \r \t short, other bytes below 0x20 as \u00xx (lower-case hex), everything
// else (DEL and non-ASCII included) as it is.
void append_json_string(std::string& out, std::string_view text);

}  // namespace td::row
