#include "row/row_builder.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bitset>
#include <charconv>
#include <unordered_map>

#include "parquet/utf8.h"
#include "row/row_schema.h"
#include "tiff/tags.h"

namespace td::row {
namespace {

using parquet::Value;
namespace tag = tiff::tag;

// STRING columns must hold valid UTF-8 (readers reject the whole file
// otherwise). TIFF ASCII is often Latin-1 in practice: decode invalid text as
// Latin-1, which keeps every byte recoverable.
std::string utf8(std::string s) {
  if (parquet::is_valid_utf8(s)) return s;
  std::string out;
  out.reserve(s.size() * 2);
  for (unsigned char c : s) {
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

Value text(std::string s) { return Value(utf8(std::move(s))); }

// Tags that have a column of their own, are decoded into `geokeys`, or are
// large arrays we only count: everything else goes to `other_tags`.
bool has_own_column(uint16_t code) {
  static const std::bitset<65536> own = [] {
    std::bitset<65536> bits;
    for (uint16_t c : {
      tag::artist, tag::copyright, tag::date_time, tag::document_name, tag::host_computer,
      tag::image_description, tag::software, tag::bits_per_sample, tag::sample_format,
      tag::extra_samples, tag::compression, tag::image_length, tag::image_width,
      tag::new_subfile_type, tag::orientation, tag::photometric_interpretation,
      tag::planar_configuration, tag::predictor, tag::resolution_unit, tag::rows_per_strip,
      tag::samples_per_pixel, tag::tile_length, tag::tile_width, tag::max_sample_value,
      tag::min_sample_value, tag::x_resolution, tag::y_resolution, tag::jpeg_tables,
      tag::model_pixel_scale, tag::model_tiepoint, tag::model_transformation,
      tag::geo_key_directory, tag::geo_double_params, tag::geo_ascii_params}) {
      bits.set(c);
    }
    return bits;
  }();
  return own.test(code) || tiff::is_data_array_tag(code);
}

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

template <typename Number>
Value list_of(const std::vector<Number>& numbers) {
  Value::List items;
  items.reserve(numbers.size());
  for (Number v : numbers) items.emplace_back(v);
  return Value::list(std::move(items));
}

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

nlohmann::json geokey_json(const tiff::GeoKey& key) {
  return std::visit([](const auto& v) { return nlohmann::json(v); }, key.value);
}

Value geokeys_value(const std::optional<tiff::GeoKeyDirectory>& dir) {
  const auto& node = geokeys_node();
  if (!dir) return {};
  Value::Fields fields(node.children.size());
  Value::Map unknown;
  // The struct's fields follow geokey_table() order (row_schema.cc).
  static const auto field_of_id = [] {
    std::unordered_map<uint16_t, size_t> m;
    const auto table = tiff::geokey_table();
    for (size_t i = 0; i < table.size(); ++i) m.emplace(table[i].id, i);
    return m;
  }();
  for (const auto& key : dir->keys) {
    const tiff::GeoKeyInfo* info = tiff::geokey_info(key.id);
    size_t index = info ? field_of_id.at(key.id) : 0;
    bool placed = false;
    if (info && fields[index].is_null()) {
      switch (info->kind) {
        case tiff::GeoKeyValueKind::short_:
          if (auto* v = std::get_if<std::vector<uint64_t>>(&key.value); v && v->size() == 1) {
            fields[index] = Value(static_cast<int64_t>((*v)[0]));
            placed = true;
          }
          break;
        case tiff::GeoKeyValueKind::double_:
          if (auto* v = std::get_if<std::vector<double>>(&key.value); v && v->size() == 1) {
            fields[index] = Value((*v)[0]);
            placed = true;
          }
          break;
        case tiff::GeoKeyValueKind::ascii:
          if (auto* v = std::get_if<std::string>(&key.value)) {
            fields[index] = text(*v);
            placed = true;
          }
          break;
        case tiff::GeoKeyValueKind::double_list:
          if (auto* v = std::get_if<std::vector<double>>(&key.value)) {
            Value::List items;
            for (double d : *v) items.emplace_back(d);
            fields[index] = Value::list(std::move(items));
            placed = true;
          }
          break;
      }
    }
    // Unknown ids, duplicates and values of an unexpected type are kept, not dropped.
    if (!placed) {
      unknown.emplace_back(Value(std::to_string(key.id)),
                           Value(geokey_json(key).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)));
    }
  }
  fields.back() = unknown.empty() ? Value() : Value::map(std::move(unknown));
  return Value::fields(std::move(fields));
}

std::string not_loaded_json(const tiff::Tag& t) {
  const char* type = tiff::field_type_name(t.type_code);
  return std::string(R"({"not_loaded":{"type":")") + (type ? type : std::to_string(t.type_code)) +
         R"(","count":)" + std::to_string(t.count) + "}}";
}

// Values whose JSON text is longer than this are written as not-loaded markers when the
// row is over its memory budget: short ones cost less than the marker.
constexpr size_t kShortValueJson = 64;

// `shrink`: write long values as markers; `*shrunk` counts them.
Value other_tags_value(const tiff::Ifd& ifd, bool shrink = false, size_t* shrunk = nullptr) {
  Value::Map entries;
  std::bitset<65536> seen;  // no allocation, and O(1) however many tags a hostile IFD holds
  for (const auto& t : ifd.tags) {
    // A repeated code keeps its first entry, as the columns (and libtiff) do.
    if (has_own_column(t.code) || seen.test(t.code)) continue;
    seen.set(t.code);
    std::string json = tag_values_json(t);
    if (shrink && json.size() > kShortValueJson && t.loaded()) {
      json = not_loaded_json(t);
      ++*shrunk;
    }
    entries.emplace_back(Value(std::to_string(t.code)), Value(std::move(json)));
  }
  return Value::map(std::move(entries));
}

// Value::fields({...}) would copy every value out of the initializer list
// (lists included): move them in instead.
template <typename... Values>
Value fields_of(Values&&... values) {
  Value::Fields fields;
  fields.reserve(sizeof...(values));
  (fields.push_back(std::forward<Values>(values)), ...);
  return Value::fields(std::move(fields));
}

Value ifd_summaries(const std::vector<tiff::Ifd>& ifds) {
  Value::List items;
  items.reserve(ifds.size());
  for (const auto& ifd : ifds) {
    items.push_back(fields_of(
        opt_int(ifd, tag::image_width), opt_int(ifd, tag::image_length), opt_int(ifd, tag::tile_width),
        opt_int(ifd, tag::tile_length), opt_int(ifd, tag::new_subfile_type), opt_int(ifd, tag::compression),
        opt_int(ifd, tag::photometric_interpretation), opt_int(ifd, tag::samples_per_pixel),
        int_list(ifd, tag::bits_per_sample), int_list(ifd, tag::sample_format),
        opt_int(ifd, tag::planar_configuration), opt_int(ifd, tag::predictor)));
  }
  return Value::list(std::move(items));
}

template <typename Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// [a,b,...], or the bare value when there is exactly one.
template <typename Items, typename Write>
void append_array(std::string& out, const Items& items, Write write) {
  if (items.size() != 1) out.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    write(items[i]);
  }
  if (items.size() != 1) out.push_back(']');
}

}  // namespace

uint64_t row_budget(uint64_t span_bytes) {
  constexpr uint64_t kPerByte = 8, kBase = 64 * 1024;
  if (span_bytes > (UINT64_MAX - kBase) / kPerByte) return UINT64_MAX;
  return kPerByte * span_bytes + kBase;
}

uint64_t value_bytes(const Value& value) {
  return std::visit(
      [](const auto& v) -> uint64_t {
        using V = std::decay_t<decltype(v)>;
        uint64_t n = sizeof(Value);
        if constexpr (std::is_same_v<V, std::string>) {
          if (v.size() > 15) n += v.capacity();  // shorter ones live inside the string (SSO)
        } else if constexpr (std::is_same_v<V, Value::ListBox>) {
          for (const auto& item : v.items) n += value_bytes(item);
        } else if constexpr (std::is_same_v<V, Value::FieldsBox>) {
          for (const auto& field : v.fields) n += value_bytes(field);
        } else if constexpr (std::is_same_v<V, Value::MapBox>) {
          for (const auto& [key, item] : v.entries) n += value_bytes(key) + value_bytes(item);
        }
        return n;
      },
      value.raw());
}

bool row_has_warnings(const Value& row) {
  const auto* box = std::get_if<Value::FieldsBox>(&row.raw());
  const size_t i = column_index("warnings");
  return box != nullptr && i < box->fields.size() && !box->fields[i].is_null();
}

Value warnings_value(const std::vector<tiff::Warning>& warnings) {
  if (warnings.empty()) return {};
  Value::List items;
  items.reserve(warnings.size());
  for (const tiff::Warning& w : warnings) {
    items.push_back(fields_of(Value(w.kind), Value(static_cast<int64_t>(w.ifd)),
                              w.tag ? Value(static_cast<int64_t>(*w.tag)) : Value(), text(w.message)));
  }
  return Value::list(std::move(items));
}

std::string tag_values_json(const tiff::Tag& t) {
  // Integers (most tags) are written directly: building an nlohmann tree per
  // tag, dumping it, cost more than the rest of the tag's row work. Text and
  // floating point keep nlohmann's escaping and shortest round-trip doubles.
  std::string out;
  std::visit(
      [&out, &t](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          out = not_loaded_json(t);
        } else if constexpr (std::is_same_v<V, std::vector<tiff::Rational>>) {
          append_array(out, v, [&out](const tiff::Rational& r) {
            out.push_back('[');
            append_int(out, r.numerator);
            out.push_back(',');
            append_int(out, r.denominator);
            out.push_back(']');
          });
        } else if constexpr (std::is_same_v<V, std::vector<uint64_t>> || std::is_same_v<V, std::vector<int64_t>> ||
                             std::is_same_v<V, std::vector<uint8_t>>) {
          append_array(out, v, [&out](auto x) { append_int(out, x + 0); });  // + 0: uint8_t as a number
        } else {  // std::string, std::vector<double>
          nlohmann::json j = v;
          if (j.is_array() && j.size() == 1) j = j[0];
          // Binary strings are not valid UTF-8 JSON: replace invalid bytes.
          out = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
        }
      },
      t.values);
  return out;
}

parquet::Value build_row(const ObjectOutcome& outcome) {
  const auto& schema = row_schema();
  Value::Fields row(schema.fields.size());
  // Column names here are literals: look each up by its address once per
  // thread (hashing the name for every column of every row showed in perf).
  thread_local std::unordered_map<const char*, size_t> index_of;
  auto set = [&](const char* name, Value v) {
    auto [it, added] = index_of.try_emplace(name, 0);
    if (added) it->second = column_index(name);
    row[it->second] = std::move(v);
  };

  // Keys are bytes: escape_key keeps distinct keys distinct (Latin-1 did not).
  set("path", Value(parquet::escape_key(outcome.path.value_or(outcome.object.key))));
  if (outcome.object.size) set("size", Value(static_cast<int64_t>(*outcome.object.size)));
  if (outcome.object.last_modified_ms) set("last_modified", Value(*outcome.object.last_modified_ms));
  if (outcome.object.etag) set("etag", text(*outcome.object.etag));
  set("requests", Value(static_cast<int64_t>(outcome.cost.requests)));
  set("bytes_read", Value(static_cast<int64_t>(outcome.cost.bytes_read)));

  auto error_row = [&](const Error& e) {
    set("error_kind", Value(error_kind_name(e.kind)));
    set("error", text(e.message));
    return Value::fields(std::move(row));
  };
  if (outcome.error || !outcome.header) {
    return error_row(outcome.error.value_or(Error{ErrorKind::internal, "no header and no error"}));
  }

  const tiff::Header& h = *outcome.header;
  set("byte_order", Value(h.byte_order == tiff::ByteOrder::little ? "II" : "MM"));
  set("bigtiff", Value(h.bigtiff));
  set("ifd_count", Value(static_cast<int64_t>(h.ifds.size())));
  set("ifds", ifd_summaries(h.ifds));
  if (h.gdal_structural_metadata) set("gdal_structural_metadata", text(*h.gdal_structural_metadata));
  uint64_t header_bytes = h.first_data_offset ? std::max(*h.first_data_offset, h.metadata_end) : h.metadata_end;
  set("header_bytes", Value(static_cast<int64_t>(header_bytes)));
  set("geokeys", geokeys_value(h.geokeys));
  set("warnings", warnings_value(h.warnings));
  if (h.ifds.empty()) return Value::fields(std::move(row));

  const tiff::Ifd& ifd = h.ifds.front();
  set("artist", opt_string(ifd, tag::artist));
  set("copyright", opt_string(ifd, tag::copyright));
  set("date_time", opt_string(ifd, tag::date_time));
  set("document_name", opt_string(ifd, tag::document_name));
  set("host_computer", opt_string(ifd, tag::host_computer));
  set("image_description", opt_string(ifd, tag::image_description));
  set("software", opt_string(ifd, tag::software));
  set("bits_per_sample", int_list(ifd, tag::bits_per_sample));
  set("sample_format", int_list(ifd, tag::sample_format));
  set("extra_samples", int_list(ifd, tag::extra_samples));
  set("compression", opt_int(ifd, tag::compression));
  set("image_height", opt_int(ifd, tag::image_length));
  set("image_width", opt_int(ifd, tag::image_width));
  set("new_subfile_type", opt_int(ifd, tag::new_subfile_type));
  set("orientation", opt_int(ifd, tag::orientation));
  set("photometric_interpretation", opt_int(ifd, tag::photometric_interpretation));
  set("planar_configuration", opt_int(ifd, tag::planar_configuration));
  set("predictor", opt_int(ifd, tag::predictor));
  set("resolution_unit", opt_int(ifd, tag::resolution_unit));
  set("rows_per_strip", opt_int(ifd, tag::rows_per_strip));
  set("samples_per_pixel", opt_int(ifd, tag::samples_per_pixel));
  set("tile_height", opt_int(ifd, tag::tile_length));
  set("tile_width", opt_int(ifd, tag::tile_width));
  set("max_sample_value", opt_int(ifd, tag::max_sample_value));
  set("min_sample_value", opt_int(ifd, tag::min_sample_value));
  set("x_resolution", opt_double(ifd, tag::x_resolution));
  set("y_resolution", opt_double(ifd, tag::y_resolution));
  set("jpeg_tables", bytes(ifd, tag::jpeg_tables));
  set("model_pixel_scale", double_list(ifd, tag::model_pixel_scale));
  set("model_tiepoint", double_list(ifd, tag::model_tiepoint));
  set("model_transformation", double_list(ifd, tag::model_transformation));
  set("other_tags", other_tags_value(ifd));
  // Rows wait in the queue to the writer (up to --concurrency of them): each is bounded
  // by what was read. Checked once built: one row at a time per thread is transient.
  if (const uint64_t budget = row_budget(h.span_bytes); h.span_bytes > 0) {
    auto used_bytes = [&] {
      uint64_t used = 0;
      for (size_t i = 0; i < row.size() && used <= budget; ++i) used += value_bytes(row[i]);
      return used;
    };
    uint64_t used = used_bytes();
    if (used > budget) {  // keep the row: long other_tags values become markers
      size_t shrunk = 0;
      set("other_tags", other_tags_value(ifd, true, &shrunk));
      if (shrunk > 0) {
        std::vector<tiff::Warning> warnings = h.warnings;
        warnings.push_back({"value_not_loaded", 0, std::nullopt,
                            std::to_string(shrunk) + " values of other_tags are written as not_loaded: the row "
                            "would take more than " + std::to_string(budget) + " bytes of memory (8 x the " +
                            std::to_string(h.span_bytes) + " bytes the header occupies + 65536)"});
        set("warnings", warnings_value(warnings));
      }
      used = used_bytes();
    }
    if (used > budget) {
      const std::string message = "the row's values would take more than " + std::to_string(budget) +
                                  " bytes of memory (8 x the " + std::to_string(h.span_bytes) +
                                  " bytes the header occupies + 65536): too many tags or values for its size";
      Value::Fields kept(row.size());  // the listing's columns and the cost stay
      for (const char* name : {"path", "size", "last_modified", "etag", "requests", "bytes_read"}) {
        kept[column_index(name)] = std::move(row[column_index(name)]);
      }
      row = std::move(kept);
      return error_row(Error{ErrorKind::limit_exceeded, message});
    }
  }
  return Value::fields(std::move(row));
}

}  // namespace td::row
