#include "parquet/levels.h"

namespace td::parquet {

int level_bit_width(int16_t max_level) {
  int w = 0;
  while (w < 16 && (1 << w) <= max_level) ++w;
  return w;
}

void put_uleb128(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

std::string encode_levels(std::span<const int16_t> levels, int16_t max_level) {
  const int width = level_bit_width(max_level);
  const size_t n = levels.size();
  std::string out;

  auto value_at = [&](size_t i) -> uint64_t {
    return i < n ? static_cast<uint16_t>(levels[i]) : 0;  // zero padding past the end
  };
  auto flush_packed = [&](size_t start, size_t groups) {
    if (groups == 0) return;
    put_uleb128(out, (static_cast<uint64_t>(groups) << 1) | 1);
    uint64_t acc = 0;
    int bits = 0;
    for (size_t k = 0; k < groups * 8; ++k) {
      acc |= value_at(start + k) << bits;
      bits += width;
      while (bits >= 8) {
        out.push_back(static_cast<char>(acc & 0xff));
        acc >>= 8;
        bits -= 8;
      }
    }
  };

  size_t packed_start = 0, packed_groups = 0;
  size_t i = 0;
  while (i < n) {
    size_t run = 1;
    while (i + run < n && levels[i + run] == levels[i]) ++run;
    if (run >= 8) {
      flush_packed(packed_start, packed_groups);
      packed_groups = 0;
      put_uleb128(out, static_cast<uint64_t>(run) << 1);
      const auto v = static_cast<uint16_t>(levels[i]);
      for (int b = 0; b < (width + 7) / 8; ++b) out.push_back(static_cast<char>((v >> (8 * b)) & 0xff));
      i += run;
    } else {
      if (packed_groups == 0) packed_start = i;
      ++packed_groups;
      i += 8;
    }
  }
  flush_packed(packed_start, packed_groups);
  return out;
}

}  // namespace td::parquet
