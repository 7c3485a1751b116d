#include "row/row_schema.h"

#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "tiff/tags.h"

namespace td::row {
namespace {

using parquet::Logical;
using parquet::Node;
using parquet::Physical;

Node int_column(const char* name) { return Node::primitive(name, Physical::int64, Logical::int64); }
Node double_column(const char* name) { return Node::primitive(name, Physical::double_); }
Node int_list(const char* name) { return Node::list(name, int_column("element")); }
Node double_list(const char* name) { return Node::list(name, double_column("element")); }

Node make_geokeys() {
  std::vector<Node> fields;
  for (const auto& key : tiff::geokey_table()) {
    switch (key.kind) {
      case tiff::GeoKeyValueKind::short_: fields.push_back(int_column(key.name)); break;
      case tiff::GeoKeyValueKind::double_: fields.push_back(double_column(key.name)); break;
      case tiff::GeoKeyValueKind::ascii: fields.push_back(Node::string(key.name)); break;
      case tiff::GeoKeyValueKind::double_list: fields.push_back(double_list(key.name)); break;
    }
  }
  // Keys with ids GeoTIFF 1.1 does not define (or stored with an unexpected
  // type): key id as text -> value as JSON text.
  fields.push_back(Node::map("unknown", Node::string("key", false), Node::primitive("value", Physical::byte_array, Logical::json)));
  return Node::group("geokeys", std::move(fields));
}

Node make_ifd_summary() {
  return Node::group("element", {
      int_column("width"), int_column("height"), int_column("tile_width"), int_column("tile_height"),
      int_column("new_subfile_type"), int_column("compression"), int_column("photometric_interpretation"),
      int_column("samples_per_pixel"), int_list("bits_per_sample"), int_list("sample_format"),
      int_column("planar_configuration"), int_column("predictor"),
  });
}

parquet::Schema make_schema() {
  parquet::Schema s;
  auto& f = s.fields;
  f.push_back(Node::string("path", false));
  f.push_back(int_column("size"));
  f.push_back(Node::primitive("last_modified", Physical::int64, Logical::timestamp_ms_utc));
  f.push_back(Node::string("etag"));
  // Reference columns, from the first IFD.
  for (const char* name : {"artist", "copyright", "date_time", "document_name", "host_computer",
                           "image_description", "software"}) {
    f.push_back(Node::string(name));
  }
  f.push_back(int_list("bits_per_sample"));
  f.push_back(int_list("sample_format"));
  f.push_back(int_list("extra_samples"));
  for (const char* name : {"compression", "image_height", "image_width", "new_subfile_type", "orientation",
                           "photometric_interpretation", "planar_configuration", "predictor",
                           "resolution_unit", "rows_per_strip", "samples_per_pixel", "tile_height",
                           "tile_width", "max_sample_value", "min_sample_value"}) {
    f.push_back(int_column(name));
  }
  f.push_back(double_column("x_resolution"));
  f.push_back(double_column("y_resolution"));
  f.push_back(Node::primitive("jpeg_tables", Physical::byte_array));
  f.push_back(double_list("model_pixel_scale"));
  f.push_back(double_list("model_tiepoint"));
  f.push_back(double_list("model_transformation"));
  f.push_back(make_geokeys());
  f.push_back(Node::map("other_tags", Node::string("key", false), Node::primitive("value", Physical::byte_array, Logical::json)));
  // Whole-file facts.
  f.push_back(Node::string("byte_order"));
  f.push_back(Node::primitive("bigtiff", Physical::boolean));
  f.push_back(int_column("ifd_count"));
  f.push_back(Node::list("ifds", make_ifd_summary()));
  f.push_back(Node::string("gdal_structural_metadata"));
  f.push_back(int_column("header_bytes"));
  // What reading this header cost.
  f.push_back(int_column("requests"));
  f.push_back(int_column("bytes_read"));
  f.push_back(Node::string("error_kind"));
  f.push_back(Node::string("error"));
  // What was skipped while keeping the rest (tiff::Warning); null when nothing was.
  f.push_back(Node::list("warnings", Node::group("element", {
      Node::string("kind", false),
      Node::primitive("ifd", Physical::int32, Logical::int32, false),
      Node::primitive("tag", Physical::int32, Logical::int32),
      Node::string("message", false)})));
  return s;
}

}  // namespace

const parquet::Schema& row_schema() {
  static const parquet::Schema schema = make_schema();
  return schema;
}

size_t column_index(std::string_view name) {
  // Keys view the schema's own names, which live as long as the process.
  static const auto index = [] {
    std::unordered_map<std::string_view, size_t> m;
    const auto& fields = row_schema().fields;
    for (size_t i = 0; i < fields.size(); ++i) m.emplace(fields[i].name, i);
    return m;
  }();
  auto it = index.find(name);
  if (it == index.end()) {
    std::fprintf(stderr, "internal error: no column named %.*s\n", static_cast<int>(name.size()), name.data());
    std::abort();
  }
  return it->second;
}

const parquet::Node& geokeys_node() { return row_schema().fields[column_index("geokeys")]; }

const parquet::Node& ifd_summary_node() {
  return row_schema().fields[column_index("ifds")].children[0];
}

}  // namespace td::row
