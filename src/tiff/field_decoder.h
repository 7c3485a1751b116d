// Decodes the raw bytes of one directory entry's values into TagValues (header.h
// documents which alternative each field type yields). Internal to src/tiff.
#pragma once

#include <cstdint>

#include "tiff/byte_cursor.h"
#include "tiff/header.h"

namespace td::tiff {

// `p` points at count * field_type_size(type_code) readable bytes. Unknown types give
// monostate. Allocates `count` elements: callers bound count by bytes actually present.
TagValues decode_values(uint16_t type_code, uint64_t count, const uint8_t* p,
                        const ByteCursor& cursor);

// Heap bytes decode_values allocates for `count` values of `type_code` (not the TagValues
// itself, which lives in its Tag): 8 bytes per integer or float, 16 per rational, one per
// UNDEFINED byte, one per ASCII byte beyond the string's inline capacity; 0 for unknown types.
uint64_t decoded_size(uint16_t type_code, uint64_t count);

}  // namespace td::tiff
