// Helpers shared by the parquet unit tests: a level decoder (the inverse of
// encode_levels) and readers for a ColumnBuffer's levels and PLAIN values.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "parquet/column_buffer.h"
#include "parquet/levels.h"

namespace td::parquet::testing {

inline std::vector<int> decode_levels(const std::string& enc, int16_t max_level, size_t n) {
  const int w = level_bit_width(max_level);
  std::vector<int> out;
  size_t pos = 0;
  auto uleb = [&]() {
    uint64_t v = 0;
    int shift = 0;
    while (true) {
      const auto b = static_cast<uint8_t>(enc.at(pos++));
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7;
    }
  };
  while (out.size() < n) {
    const uint64_t header = uleb();
    if (header & 1) {
      const uint64_t count = (header >> 1) * 8;
      uint64_t acc = 0;
      int bits = 0;
      for (uint64_t i = 0; i < count; ++i) {
        while (bits < w) {
          acc |= static_cast<uint64_t>(static_cast<uint8_t>(enc.at(pos++))) << bits;
          bits += 8;
        }
        out.push_back(static_cast<int>(acc & ((1u << w) - 1)));
        acc >>= w;
        bits -= w;
      }
    } else {
      int v = 0;
      for (int b = 0; b < (w + 7) / 8; ++b) v |= static_cast<uint8_t>(enc.at(pos++)) << (8 * b);
      out.insert(out.end(), header >> 1, v);
    }
  }
  out.resize(n);
  return out;
}

// (rep, def) per slot; rep/def are 0 where the column has no such levels.
inline std::vector<std::pair<int, int>> levels_of(const ColumnBuffer& c) {
  std::vector<std::pair<int, int>> out;
  for (int64_t i = 0; i < c.num_levels(); ++i)
    out.emplace_back(c.rep_levels().empty() ? 0 : c.rep_levels()[i],
                     c.def_levels().empty() ? 0 : c.def_levels()[i]);
  return out;
}

inline std::vector<int64_t> int64_values(const ColumnBuffer& c) {
  std::vector<int64_t> out(c.values().size() / 8);
  std::memcpy(out.data(), c.values().data(), out.size() * 8);
  return out;
}

inline std::vector<std::string> byte_array_values(const ColumnBuffer& c) {
  std::vector<std::string> out;
  const std::string& v = c.values();
  size_t pos = 0;
  while (pos < v.size()) {
    uint32_t len;
    std::memcpy(&len, v.data() + pos, 4);
    out.push_back(v.substr(pos + 4, len));
    pos += 4 + len;
  }
  return out;
}

}  // namespace td::parquet::testing
