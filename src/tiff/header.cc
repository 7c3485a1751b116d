#include "tiff/header.h"

#include <cmath>
#include <iterator>
#include <limits>
#include <type_traits>

namespace td::tiff {
namespace {

double rational_to_double(const Rational& r) {
  // Guarded: a zero denominator is common in broken files and must not trap.
  if (r.denominator == 0) return std::numeric_limits<double>::quiet_NaN();
  return static_cast<double>(r.numerator) / static_cast<double>(r.denominator);
}

// Saturating double -> int64 (a plain cast of NaN or out-of-range values is UB).
int64_t double_to_int(double d) {
  if (std::isnan(d)) return 0;
  if (d >= 9223372036854775807.0) return std::numeric_limits<int64_t>::max();
  if (d <= -9223372036854775808.0) return std::numeric_limits<int64_t>::min();
  return static_cast<int64_t>(d);
}

}  // namespace

uint32_t field_type_size(uint16_t type_code) {
  switch (type_code) {
    case 1: case 2: case 6: case 7: return 1;    // BYTE ASCII SBYTE UNDEFINED
    case 3: case 8: return 2;                    // SHORT SSHORT
    case 4: case 9: case 11: case 13: return 4;  // LONG SLONG FLOAT IFD
    case 5: case 10: case 12: case 16: case 17: case 18: return 8;  // RATIONALs DOUBLE 64-bit
    default: return 0;
  }
}

const char* field_type_name(uint16_t type_code) {
  static const char* const names[] = {nullptr,  "BYTE",   "ASCII",     "SHORT",  "LONG",
                                      "RATIONAL", "SBYTE", "UNDEFINED", "SSHORT", "SLONG",
                                      "SRATIONAL", "FLOAT", "DOUBLE",   "IFD",    nullptr,
                                      nullptr,  "LONG8",  "SLONG8",    "IFD8"};
  return type_code < std::size(names) ? names[type_code] : nullptr;
}

std::optional<uint64_t> Tag::first_uint() const {
  if (auto* u = std::get_if<std::vector<uint64_t>>(&values); u && !u->empty()) return u->front();
  if (auto* s = std::get_if<std::vector<int64_t>>(&values); s && !s->empty() && s->front() >= 0) {
    return static_cast<uint64_t>(s->front());
  }
  return std::nullopt;
}

std::optional<double> Tag::first_double() const {
  auto all = as_doubles();  // tags with a first_double() use are short; copying is fine
  if (all.empty()) return std::nullopt;
  return all.front();
}

std::vector<double> Tag::as_doubles() const {
  std::vector<double> out;
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::vector<uint64_t>> ||
                      std::is_same_v<V, std::vector<int64_t>> ||
                      std::is_same_v<V, std::vector<double>>) {
          out.reserve(v.size());
          for (auto x : v) out.push_back(static_cast<double>(x));
        } else if constexpr (std::is_same_v<V, std::vector<Rational>>) {
          out.reserve(v.size());
          for (const auto& r : v) out.push_back(rational_to_double(r));
        }
      },
      values);
  return out;
}

std::vector<int64_t> Tag::as_ints() const {
  std::vector<int64_t> out;
  std::visit(
      [&](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::vector<uint64_t>> ||
                      std::is_same_v<V, std::vector<int64_t>>) {
          out.reserve(v.size());
          for (auto x : v) out.push_back(static_cast<int64_t>(x));  // modular for > INT64_MAX
        } else if constexpr (std::is_same_v<V, std::vector<double>>) {
          out.reserve(v.size());
          for (auto x : v) out.push_back(double_to_int(x));
        } else if constexpr (std::is_same_v<V, std::vector<Rational>>) {
          out.reserve(v.size());
          for (const auto& r : v) out.push_back(r.denominator ? r.numerator / r.denominator : 0);
        }
      },
      values);
  return out;
}

const Tag* Ifd::find(uint16_t code) const {
  for (const auto& t : tags) {
    if (t.code == code) return &t;
  }
  return nullptr;
}

const GeoKey* GeoKeyDirectory::find(uint16_t id) const {
  for (auto k = keys.rbegin(); k != keys.rend(); ++k) {
    if (k->id == id) return &*k;  // the last of a repeated id wins
  }
  return nullptr;
}

std::optional<uint64_t> gdal_metadata_declared_size(std::string_view text) {
  if (text.size() < kGdalMetadataLineLength || text.substr(0, kGdalMetadataPrefix.size()) != kGdalMetadataPrefix)
    return std::nullopt;
  std::string_view digits = text.substr(kGdalMetadataPrefix.size(), 6);
  // What int() strips from the script's Latin-1 text: \t-\r, space, \x85, \xa0.
  auto blank = [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0;
  };
  while (!digits.empty() && blank(digits.front())) digits.remove_prefix(1);
  while (!digits.empty() && blank(digits.back())) digits.remove_suffix(1);
  if (!digits.empty() && digits.front() == '+') digits.remove_prefix(1);
  uint64_t size = 0;
  bool digit_before = false;  // '_' only between two digits
  for (size_t i = 0; i < digits.size(); ++i) {
    const char c = digits[i];
    if (c >= '0' && c <= '9') {
      size = size * 10 + static_cast<uint64_t>(c - '0');
      digit_before = true;
    } else if (c == '_' && digit_before && i + 1 < digits.size() && digits[i + 1] >= '0' && digits[i + 1] <= '9') {
      digit_before = false;
    } else {
      return std::nullopt;
    }
  }
  if (!digit_before) return std::nullopt;  // empty
  return size;
}

}  // namespace td::tiff
