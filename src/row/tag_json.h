// JSON text of one tag's values, as stored in `other_tags` (a JSON column):
// produced once here, valid UTF-8 JSON by construction, never parsed back.
#pragma once

#include <string>

#include "tiff/header.h"

namespace td::row {

// A scalar for one value, an array otherwise; RATIONALs as [numerator,
// denominator]; null when the values were not loaded. Text that is not valid
// UTF-8 has its invalid bytes replaced (U+FFFD).
std::string tag_values_json(const tiff::Tag& tag);

}  // namespace td::row
