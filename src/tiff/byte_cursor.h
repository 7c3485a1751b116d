// Endian-aware reads of fixed-size integers and floats from raw bytes. Internal to
// src/tiff. Callers check bounds first; these only copy bytes (memcpy, no unaligned
// or type-punned loads, so they are UB-free on any input).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>

#include "tiff/header.h"

namespace td::tiff {

static_assert(std::endian::native == std::endian::little, "loads assume a little-endian host");

// One unsigned integer of type T (2, 4 or 8 bytes) stored little-endian
// (kLittle) or big-endian at p: one load (memcpy: no unaligned or type-punned
// load) and, for big-endian, a byte swap. For loops that fix the byte order
// once (ParsePass::first_data); ByteCursor picks it per read.
template <typename T, bool kLittle>
T load_uint(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (kLittle) return v;
  if constexpr (sizeof(T) == 2) return __builtin_bswap16(v);
  if constexpr (sizeof(T) == 4) return __builtin_bswap32(v);
  if constexpr (sizeof(T) == 8) return __builtin_bswap64(v);
}

class ByteCursor {
 public:
  explicit ByteCursor(ByteOrder order) : little_(order == ByteOrder::little) {}
  bool little() const { return little_; }

  // An unsigned integer of `size` bytes (1..8). The TIFF sizes (1, 2, 4, 8) are
  // one load and at most a byte swap: offset and byte-count arrays of many
  // thousand tiles are read this way (first_data_offset).
  uint64_t uint(const uint8_t* p, unsigned size) const {
    switch (size) {
      case 1: return p[0];
      case 2: return load<uint16_t>(p);
      case 4: return load<uint32_t>(p);
      case 8: return load<uint64_t>(p);
      default: break;
    }
    uint64_t v = 0;
    for (unsigned i = 0; i < size; ++i) {
      unsigned shift = 8 * (little_ ? i : size - 1 - i);
      v |= static_cast<uint64_t>(p[i]) << shift;
    }
    return v;
  }
  uint16_t u16(const uint8_t* p) const { return static_cast<uint16_t>(uint(p, 2)); }
  uint32_t u32(const uint8_t* p) const { return static_cast<uint32_t>(uint(p, 4)); }
  uint64_t u64(const uint8_t* p) const { return uint(p, 8); }
  int64_t sint(const uint8_t* p, unsigned size) const {
    uint64_t v = uint(p, size);
    if (size < 8 && (v >> (8 * size - 1)) != 0) v |= ~uint64_t{0} << (8 * size);  // sign-extend
    return static_cast<int64_t>(v);
  }
  double f32(const uint8_t* p) const { return std::bit_cast<float>(u32(p)); }
  double f64(const uint8_t* p) const { return std::bit_cast<double>(u64(p)); }

 private:
  template <typename T>
  T load(const uint8_t* p) const {
    return little_ ? load_uint<T, true>(p) : load_uint<T, false>(p);
  }

  bool little_;
};

}  // namespace td::tiff
