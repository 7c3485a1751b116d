// Repetition/definition levels in the RLE / bit-packed hybrid encoding.
//
// The bit width is the number of bits needed for the column's max level. A run
// of 8 or more equal levels becomes an RLE run (header count<<1, then the value
// in ceil(width/8) little-endian bytes); everything else goes into bit-packed
// runs of 8-value groups (header groups<<1|1, values packed LSB first). The last
// group is zero-padded; readers stop at the page's value count.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace td::parquet {

// Bits needed to store levels 0..max_level (0 for max_level 0).
int level_bit_width(int16_t max_level);

// The encoded levels, without the 4-byte length prefix of data page V1.
std::string encode_levels(std::span<const int16_t> levels, int16_t max_level);

// Appends `v` as an unsigned LEB128 varint.
void put_uleb128(std::string& out, uint64_t v);

}  // namespace td::parquet
