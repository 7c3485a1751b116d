#include "row/geokeys_column.h"

#include <nlohmann/json.hpp>

#include <string>
#include <unordered_map>

#include "row/tag_values.h"
#include "tiff/tags.h"

namespace td::row {
namespace {

using parquet::Logical;
using parquet::Node;
using parquet::Physical;
using parquet::Value;

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

// The key's value in its own field, or null when its type is not the expected one.
Value typed_value(const tiff::GeoKeyInfo& info, const tiff::GeoKey& key) {
  switch (info.kind) {
    case tiff::GeoKeyValueKind::short_:
      if (auto* v = std::get_if<std::vector<uint64_t>>(&key.value); v && v->size() == 1)
        return Value(static_cast<int64_t>((*v)[0]));
      break;
    case tiff::GeoKeyValueKind::double_:
      if (auto* v = std::get_if<std::vector<double>>(&key.value); v && v->size() == 1) return Value((*v)[0]);
      break;
    case tiff::GeoKeyValueKind::ascii:
      if (auto* v = std::get_if<std::string>(&key.value)) return text(*v);
      break;
    case tiff::GeoKeyValueKind::double_list:
      if (auto* v = std::get_if<std::vector<double>>(&key.value)) {
        Value::List items;
        for (double d : *v) items.emplace_back(d);
        return Value::list(std::move(items));
      }
      break;
  }
  return {};
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

Value geokeys_value(const std::optional<tiff::GeoKeyDirectory>& dir) {
  if (!dir) return {};
  const auto table = tiff::geokey_table();
  Value::Fields fields(table.size() + 1);
  Value::Map unknown;
  static const auto field_of_id = [] {
    std::unordered_map<uint16_t, size_t> m;
    const auto t = tiff::geokey_table();
    for (size_t i = 0; i < t.size(); ++i) m.emplace(t[i].id, i);
    return m;
  }();
  // A repeated id: the last entry fills the field (GeoKeyDirectory::find's rule, libgeotiff's
  // and tifffile's); the earlier ones go to `unknown`.
  std::unordered_map<uint16_t, size_t> last_of_id;
  for (size_t i = 0; i < dir->keys.size(); ++i) last_of_id[dir->keys[i].id] = i;
  for (size_t i = 0; i < dir->keys.size(); ++i) {
    const tiff::GeoKey& key = dir->keys[i];
    const tiff::GeoKeyInfo* info = tiff::geokey_info(key.id);
    bool placed = false;
    if (info && last_of_id.at(key.id) == i) {
      Value& field = fields[field_of_id.at(key.id)];
      field = typed_value(*info, key);
      // A null value (its params tag missing, a warning says so) stays a null field.
      placed = !field.is_null() || std::holds_alternative<std::monostate>(key.value);
    }
    // Unknown ids, earlier duplicates and values of an unexpected type are kept, not dropped.
    if (!placed) {
      unknown.emplace_back(Value(std::to_string(key.id)),
                           Value(geokey_json(key).dump()));
    }
  }
  fields.back() = unknown.empty() ? Value() : Value::map(std::move(unknown));
  return Value::fields(std::move(fields));
}

}  // namespace td::row
