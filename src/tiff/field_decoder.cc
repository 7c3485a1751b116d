#include "tiff/field_decoder.h"

#include <string>
#include <vector>

namespace td::tiff {
namespace {

template <typename T, typename ReadOne>
std::vector<T> read_all(uint64_t count, uint32_t size, const uint8_t* p, ReadOne read_one) {
  std::vector<T> out;
  out.reserve(count);
  for (uint64_t i = 0; i < count; ++i) out.push_back(read_one(p + i * size));
  return out;
}

}  // namespace

uint64_t decoded_size(uint16_t type_code, uint64_t count) {
  switch (static_cast<FieldType>(type_code)) {
    case FieldType::rational:
    case FieldType::srational:
      return count * sizeof(Rational);
    case FieldType::ascii:
      return count > 16 ? count : 0;  // shorter strings live inside std::string (SSO)
    case FieldType::undefined:
      return count;
    default:
      return field_type_size(type_code) == 0 ? 0 : count * sizeof(uint64_t);  // all 8-byte elements
  }
}

TagValues decode_values(uint16_t type_code, uint64_t count, const uint8_t* p,
                        const ByteCursor& c) {
  const uint32_t size = field_type_size(type_code);
  switch (static_cast<FieldType>(type_code)) {
    case FieldType::byte:
    case FieldType::short_:
    case FieldType::long_:
    case FieldType::ifd:
    case FieldType::long8:
    case FieldType::ifd8:
      return read_all<uint64_t>(count, size, p, [&](const uint8_t* q) { return c.uint(q, size); });
    case FieldType::sbyte:
    case FieldType::sshort:
    case FieldType::slong:
    case FieldType::slong8:
      return read_all<int64_t>(count, size, p, [&](const uint8_t* q) { return c.sint(q, size); });
    case FieldType::float_:
      return read_all<double>(count, size, p, [&](const uint8_t* q) { return c.f32(q); });
    case FieldType::double_:
      return read_all<double>(count, size, p, [&](const uint8_t* q) { return c.f64(q); });
    case FieldType::rational:
      return read_all<Rational>(count, size, p, [&](const uint8_t* q) {
        return Rational{static_cast<int64_t>(c.u32(q)), static_cast<int64_t>(c.u32(q + 4))};
      });
    case FieldType::srational:
      return read_all<Rational>(count, size, p, [&](const uint8_t* q) {
        return Rational{c.sint(q, 4), c.sint(q + 4, 4)};
      });
    case FieldType::ascii: {
      std::string s(reinterpret_cast<const char*>(p), count);
      if (!s.empty() && s.back() == '\0') s.pop_back();  // drop one terminator, keep the rest
      return s;
    }
    case FieldType::undefined:
      return std::vector<uint8_t>(p, p + count);
  }
  return std::monostate{};
}

}  // namespace td::tiff
