#include "row/geokeys_column.h"

#include <nlohmann/json.hpp>

#include <string>
#include <unordered_map>
#include <vector>

#include "row/tag_values.h"
#include "tiff/tags.h"

namespace td::row {
namespace {

using parquet::Logical;
using parquet::Node;
using parquet::Physical;

Node int_node(const char* name) { return Node::primitive(name, Physical::int64, Logical::int64); }
Node double_node(const char* name) { return Node::primitive(name, Physical::double_); }

nlohmann::json geokey_json(const tiff::GeoKey& key) {
  return std::visit(
      [](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          return nlohmann::json(utf8(v));  // the one text rule (tag_values.h)
        } else if constexpr (std::is_same_v<V, std::monostate>) {
          return nlohmann::json(nullptr);  // its params tag is missing
        } else {
          return nlohmann::json(v);
        }
      },
      key.value);
}

// Whether the key's value has the type its own field expects.
bool fits_field(const tiff::GeoKeyInfo& info, const tiff::GeoKey& key) {
  switch (info.kind) {
    case tiff::GeoKeyValueKind::short_:
      if (auto* v = std::get_if<std::vector<uint64_t>>(&key.value)) return v->size() == 1;
      return false;
    case tiff::GeoKeyValueKind::double_:
      if (auto* v = std::get_if<std::vector<double>>(&key.value)) return v->size() == 1;
      return false;
    case tiff::GeoKeyValueKind::ascii: return std::holds_alternative<std::string>(key.value);
    case tiff::GeoKeyValueKind::double_list: return std::holds_alternative<std::vector<double>>(key.value);
  }
  return false;
}

}  // namespace

Node geokeys_node(const char* name) {
  std::vector<Node> fields;
  for (const auto& key : tiff::geokey_table()) {
    switch (key.kind) {
      case tiff::GeoKeyValueKind::short_: fields.push_back(int_node(key.name)); break;
      case tiff::GeoKeyValueKind::double_: fields.push_back(double_node(key.name)); break;
      case tiff::GeoKeyValueKind::ascii: fields.push_back(Node::string(key.name)); break;
      case tiff::GeoKeyValueKind::double_list: fields.push_back(Node::list(key.name, double_node("element"))); break;
    }
  }
  // Keys with ids GeoTIFF 1.1 does not define (or stored with an unexpected
  // type): key id as text -> value as JSON text.
  fields.push_back(Node::map("unknown", Node::string("key", false),
                             Node::primitive("value", Physical::byte_array, Logical::json)));
  return Node::group(name, std::move(fields));
}

void geokeys_value(const std::optional<tiff::GeoKeyDirectory>& dir, parquet::RowSink& out) {
  if (!dir) return out.null();
  const auto table = tiff::geokey_table();
  static const auto field_of_id = [] {
    std::unordered_map<uint16_t, size_t> m;
    const auto t = tiff::geokey_table();
    for (size_t i = 0; i < t.size(); ++i) m.emplace(t[i].id, i);
    return m;
  }();
  // Per field, the last key with its id (GeoKeyDirectory::find's rule, libgeotiff's and
  // tifffile's), if its value fits the field; a null value (its params tag missing, a
  // warning says so) stays a null field. Every other key goes to `unknown`: unknown ids,
  // earlier duplicates, values of an unexpected type.
  constexpr size_t kNone = SIZE_MAX;
  thread_local std::vector<size_t> key_of_field, unknown;  // reused: no allocation per row
  key_of_field.assign(table.size(), kNone);
  unknown.clear();
  for (size_t i = 0; i < dir->keys.size(); ++i) {
    if (auto f = field_of_id.find(dir->keys[i].id); f != field_of_id.end()) key_of_field[f->second] = i;
  }
  for (size_t f = 0; f < table.size(); ++f) {
    const size_t i = key_of_field[f];
    if (i != kNone && !fits_field(table[f], dir->keys[i]) && !std::holds_alternative<std::monostate>(dir->keys[i].value))
      key_of_field[f] = kNone;
  }
  for (size_t i = 0; i < dir->keys.size(); ++i) {
    auto f = field_of_id.find(dir->keys[i].id);
    if (f == field_of_id.end() || key_of_field[f->second] != i) unknown.push_back(i);
  }
  out.begin_group();
  for (size_t f = 0; f < table.size(); ++f) {
    if (key_of_field[f] == kNone) {
      out.null();
      continue;
    }
    const tiff::GeoKey& key = dir->keys[key_of_field[f]];
    if (auto* u = std::get_if<std::vector<uint64_t>>(&key.value)) {
      out.int64(static_cast<int64_t>((*u)[0]));
    } else if (auto* s = std::get_if<std::string>(&key.value)) {
      text(*s, out);
    } else if (auto* d = std::get_if<std::vector<double>>(&key.value)) {
      if (table[f].kind == tiff::GeoKeyValueKind::double_) {
        out.float64((*d)[0]);
      } else {
        out.begin_list();
        for (double v : *d) out.float64(v);
        out.end_list();
      }
    } else {
      out.null();
    }
  }
  if (unknown.empty()) {
    out.null();
  } else {
    out.begin_map();
    for (size_t i : unknown) {
      out.bytes(std::to_string(dir->keys[i].id));
      out.bytes(geokey_json(dir->keys[i]).dump());
    }
    out.end_map();
  }
  out.end_group();
}

}  // namespace td::row
