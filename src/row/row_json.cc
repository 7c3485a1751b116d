#include "row/row_json.h"

#include <cmath>
#include <ctime>
#include <string>
#include <unordered_map>

#include "row/row_schema.h"
#include "row/tag_values.h"
#include "tiff/tags.h"

namespace td::row {
namespace {

using parquet::Logical;
using parquet::Node;
using parquet::Value;
using json = nlohmann::ordered_json;

std::string iso8601_ms(int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  int millis = static_cast<int>(ms - static_cast<int64_t>(seconds) * 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, millis);
  return out;
}

std::string hex(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

json value_to_json(const Node& node, const Value& value) {
  if (value.is_null()) return nullptr;
  const auto& raw = value.raw();
  switch (node.kind) {
    case Node::Kind::primitive:
      if (auto* b = std::get_if<bool>(&raw)) return *b;
      if (auto* d = std::get_if<double>(&raw)) {
        // JSON has no NaN or infinity: spelled as gdalinfo -json does, so they are not lost as null.
        if (std::isnan(*d)) return "NaN";
        if (std::isinf(*d)) return *d > 0 ? "Infinity" : "-Infinity";
        return *d;
      }
      if (auto* i = std::get_if<int64_t>(&raw)) {
        if (node.logical == Logical::timestamp_ms_utc) return iso8601_ms(*i);
        return *i;
      }
      if (auto* s = std::get_if<std::string>(&raw)) {
        if (node.logical == Logical::json) return json::parse(*s, nullptr, false);
        if (node.logical == Logical::string) return *s;
        return hex(*s);
      }
      return nullptr;
    case Node::Kind::group: {
      json out = json::object();
      const auto& fields = std::get<Value::FieldsBox>(raw).fields;
      for (size_t i = 0; i < node.children.size() && i < fields.size(); ++i) {
        out[node.children[i].name] = value_to_json(node.children[i], fields[i]);
      }
      return out;
    }
    case Node::Kind::list: {
      json out = json::array();
      for (const auto& item : std::get<Value::ListBox>(raw).items) out.push_back(value_to_json(node.children[0], item));
      return out;
    }
    case Node::Kind::map: {
      // ordered_json finds a key by a linear scan, so operator[] per entry is
      // O(n^2): a 60,000-tag IFD took 7.8 s. Entries are appended to the
      // object's vector instead, with a hash index; a repeated key keeps its
      // first position and its last value, as operator[] would.
      json out = json::object();
      auto& entries = static_cast<json::object_t::Container&>(out.get_ref<json::object_t&>());
      const auto& map = std::get<Value::MapBox>(raw).entries;
      entries.reserve(map.size());
      std::unordered_map<std::string, size_t> position;
      for (const auto& [k, v] : map) {
        json key = value_to_json(node.children[0], k);
        std::string name = key.is_string() ? key.get<std::string>() : key.dump();
        json item = value_to_json(node.children[1], v);
        auto [at, fresh] = position.emplace(name, entries.size());
        if (fresh) {
          entries.emplace_back(std::move(name), std::move(item));
        } else {
          entries[at->second].second = std::move(item);
        }
      }
      return out;
    }
  }
  return nullptr;
}

json tag_values_raw(const tiff::Tag& t) {
  if (tiff::is_data_array_tag(t.code)) return nullptr;
  return std::visit(
      [](const auto& v) -> json {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          return nullptr;
        } else if constexpr (std::is_same_v<V, std::string>) {
          return utf8(v);  // the one text rule; the exact bytes are in "bytes_hex"
        } else {
          if constexpr (std::is_same_v<V, std::vector<tiff::Rational>>) {
            json a = json::array();
            for (const auto& r : v) a.push_back({r.numerator, r.denominator});
            return a;
          } else {
            return json(v);
          }
        }
      },
      t.values);
}

}  // namespace

json row_to_json(const Value& row) {
  Node root;
  root.kind = Node::Kind::group;
  root.children = row_schema().fields;
  return value_to_json(root, row);
}

json header_to_raw_json(const tiff::Header& header) {
  json out;
  out["byte_order"] = header.byte_order == tiff::ByteOrder::little ? "II" : "MM";
  out["bigtiff"] = header.bigtiff;
  json ifds = json::array();
  for (const auto& ifd : header.ifds) {
    json tags = json::array();
    const bool tiled = ifd.find(tiff::tag::tile_width) || ifd.find(tiff::tag::tile_length);
    for (const auto& t : ifd.tags) {
      const char* name = tiff::tag_name(t.code);
      json values = tag_values_raw(t);
      // The strip/tile arrays the reader keeps as block ranges (tiff::Ifd::block_offsets),
      // when kept whole; the other pair of a tiled IFD, or a pair of unequal lengths, stays null.
      if (tiff::is_data_array_tag(t.code) && values.is_null()) {
        const bool offsets = t.code == (tiled ? tiff::tag::tile_offsets : tiff::tag::strip_offsets);
        const bool counts = t.code == (tiled ? tiff::tag::tile_byte_counts : tiff::tag::strip_byte_counts);
        const std::vector<uint64_t>& kept = offsets ? ifd.block_offsets : ifd.block_byte_counts;
        if ((offsets || counts) && t.count > 0 && kept.size() == t.count && ifd.find(t.code) == &t) values = kept;
      }
      json tag = {{"code", t.code},
                  {"name", name ? json(name) : json(nullptr)},
                  {"type", t.type_code},
                  {"count", t.count},
                  {"values", std::move(values)}};
      // Text that the text rule changed (not valid UTF-8, or holding `\\` / `\x`): its exact bytes too.
      const auto* s = std::get_if<std::string>(&t.values);
      if (s && !tiff::is_data_array_tag(t.code) && utf8(*s) != *s) tag["bytes_hex"] = hex(*s);
      tags.push_back(std::move(tag));
    }
    auto opt = [](const std::optional<uint32_t>& v) { return v ? json(*v) : json(nullptr); };
    ifds.push_back({{"offset", ifd.offset},
                    {"chain_index", ifd.chain_index},
                    {"parent", opt(ifd.parent)},
                    {"subifd_index", opt(ifd.subifd_index)},
                    {"tags", std::move(tags)}});
  }
  out["ifds"] = std::move(ifds);
  // The same warnings as the row's `warnings` column (null when none).
  json warnings = nullptr;
  for (const tiff::Warning& w : header.warnings) {
    warnings.push_back({{"kind", w.kind},
                        {"ifd", w.ifd},
                        {"tag", w.tag ? json(*w.tag) : json(nullptr)},
                        {"message", utf8(w.message)}});
  }
  out["warnings"] = std::move(warnings);
  return out;
}

}  // namespace td::row
