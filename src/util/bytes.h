// td::Bytes: a byte vector whose resize() leaves new bytes uninitialised, for
// buffers a read fills right after (a ranged read, the header reader's chunks).
// std::vector<uint8_t>::resize zero-fills first: for a 16 KiB first read that
// fill cost as much as the rest of reading the header (callgrind, bench/README.md).
// Otherwise it is a std::vector<uint8_t>: push_back, insert and copies initialise
// as usual.
#pragma once

#include <cstdint>
#include <memory>
#include <new>
#include <utility>
#include <vector>

namespace td {

// std::allocator that default-initialises (no value-initialisation) on construct().
template <typename T>
struct DefaultInitAllocator : std::allocator<T> {
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  DefaultInitAllocator() noexcept = default;
  template <typename U>
  DefaultInitAllocator(const DefaultInitAllocator<U>&) noexcept {}  // NOLINT
  template <typename U, typename... Args>
  void construct(U* p, Args&&... args) {
    if constexpr (sizeof...(Args) == 0) {
      ::new (static_cast<void*>(p)) U;
    } else {
      ::new (static_cast<void*>(p)) U(std::forward<Args>(args)...);
    }
  }
};

using Bytes = std::vector<uint8_t, DefaultInitAllocator<uint8_t>>;

}  // namespace td
