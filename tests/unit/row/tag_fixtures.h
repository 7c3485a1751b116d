// Tags built by hand for the row tests: the decoded form tiff::Tag takes (no bytes).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tiff/header.h"

namespace td::row::testing {

// A SHORT (type 3) or other unsigned-integer tag holding `v`.
inline tiff::Tag uint_tag(uint16_t code, std::vector<uint64_t> v, uint16_t type = 3) {
  tiff::Tag t;
  t.code = code;
  t.type_code = type;
  t.count = v.size();
  t.values = std::move(v);
  return t;
}

// An ASCII tag holding `s` (count with its terminating NUL, as in a file).
inline tiff::Tag ascii_tag(uint16_t code, std::string s) {
  tiff::Tag t;
  t.code = code;
  t.type_code = 2;
  t.count = s.size() + 1;
  t.values = std::move(s);
  return t;
}

}  // namespace td::row::testing
