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

}  // namespace td::tiff
