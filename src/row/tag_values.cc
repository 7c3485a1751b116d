#include "row/tag_values.h"

#include <vector>

#include "parquet/utf8.h"

namespace td::row {

using parquet::Value;

std::string utf8(std::string s) {
  if (parquet::is_valid_utf8(s) && s.find('\\') == std::string::npos) return s;  // the common case, no copy
  return parquet::escape_key(s);
}

Value text(std::string s) { return Value(utf8(std::move(s))); }

Value opt_int(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return {};
  auto v = t->first_uint();
  if (!v) {
    auto ints = t->as_ints();  // signed types
    if (ints.empty()) return {};
    return Value(ints[0]);
  }
  return Value(static_cast<int64_t>(*v));
}

Value opt_double(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return {};
  auto v = t->first_double();
  return v ? Value(*v) : Value();
}

Value opt_string(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return {};
  if (auto* s = std::get_if<std::string>(&t->values)) return text(*s);
  return {};
}

namespace {
template <typename Number>
Value list_of(const std::vector<Number>& numbers) {
  Value::List items;
  items.reserve(numbers.size());
  for (Number v : numbers) items.emplace_back(v);
  return Value::list(std::move(items));
}
}  // namespace

Value int_list(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  return t && t->loaded() ? list_of(t->as_ints()) : Value();
}

Value double_list(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  return t && t->loaded() ? list_of(t->as_doubles()) : Value();
}

Value bytes(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return {};
  if (auto* b = std::get_if<std::vector<uint8_t>>(&t->values)) return Value(std::string(b->begin(), b->end()));
  if (auto* u = std::get_if<std::vector<uint64_t>>(&t->values)) {  // JPEGTables stored as BYTE
    std::string s;
    for (uint64_t v : *u) s.push_back(static_cast<char>(v));
    return Value(s);
  }
  return {};
}

}  // namespace td::row
