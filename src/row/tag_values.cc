#include "row/tag_values.h"

#include <vector>

#include "parquet/utf8.h"

namespace td::row {

namespace {
// Text the rule leaves as it is (the common case): no copy is made of it.
bool kept_as_is(std::string_view s) { return parquet::is_valid_utf8(s) && s.find('\\') == std::string_view::npos; }
}  // namespace

std::string utf8(std::string s) {
  if (kept_as_is(s)) return s;  // moved, not copied
  return parquet::escape_key(s);
}

void text(std::string_view s, parquet::RowSink& out) {
  if (kept_as_is(s)) return out.bytes(s);
  out.bytes(parquet::escape_key(s));
}

void opt_int(const std::optional<uint64_t>& v, parquet::RowSink& out) {
  if (v) return out.int64(static_cast<int64_t>(*v));
  out.null();
}

void opt_int(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return out.null();
  if (auto v = t->first_uint()) return out.int64(static_cast<int64_t>(*v));
  auto ints = t->as_ints();  // signed types
  if (ints.empty()) return out.null();
  out.int64(ints[0]);
}

void opt_double(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return out.null();
  if (auto v = t->first_double()) return out.float64(*v);
  out.null();
}

void opt_string(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return out.null();
  if (auto* s = std::get_if<std::string>(&t->values)) return text(*s, out);
  out.null();
}

void int_list(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out) {
  const tiff::Tag* t = ifd.find(code);
  if (!t || !t->loaded()) return out.null();
  out.begin_list();
  for (int64_t v : t->as_ints()) out.int64(v);
  out.end_list();
}

void double_list(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out) {
  const tiff::Tag* t = ifd.find(code);
  if (!t || !t->loaded()) return out.null();
  out.begin_list();
  for (double v : t->as_doubles()) out.float64(v);
  out.end_list();
}

void bytes(const tiff::Ifd& ifd, uint16_t code, parquet::RowSink& out) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return out.null();
  if (auto* b = std::get_if<std::vector<uint8_t>>(&t->values))
    return out.bytes(std::string_view(reinterpret_cast<const char*>(b->data()), b->size()));
  if (auto* u = std::get_if<std::vector<uint64_t>>(&t->values)) {  // JPEGTables stored as BYTE
    std::string s;
    s.reserve(u->size());
    for (uint64_t v : *u) s.push_back(static_cast<char>(v));
    return out.bytes(s);
  }
  out.null();
}

}  // namespace td::row
