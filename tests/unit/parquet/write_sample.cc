// parquet_write_sample OUT_DIR
//
// Writes Parquet files covering every schema node kind, each with
// NAME.expected.json next to it, for tests/js/check_samples.mjs:
//   {"file": "NAME.parquet",
//    "rows": [...],            expected rows in read_parquet.mjs's JSON conventions
//    "schema": [...],          expected DuckDB parquet_schema() fields, by name
//    "stats": [...]}           expected DuckDB parquet_metadata() statistics
// The expected rows are computed here from the same Values that were written.
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "parquet/file_writer.h"

namespace pq = td::parquet;
using json = nlohmann::ordered_json;
using pq::Logical;
using pq::Node;
using pq::Physical;
using V = pq::Value;

namespace {

// ---- Expected JSON, in read_parquet.mjs's conventions ----------------------

json int_json(int64_t v) {
  constexpr int64_t kMaxSafe = (int64_t{1} << 53) - 1;
  if (v > kMaxSafe || v < -kMaxSafe) return std::to_string(v);
  return v;
}

std::string iso_ms(int64_t ms) {
  using namespace std::chrono;
  const sys_time<milliseconds> tp{milliseconds{ms}};
  const auto day = floor<days>(tp);
  const year_month_day ymd{day};
  const hh_mm_ss hms{tp - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::string hex(const std::string& s) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : s) {
    out.push_back(digits[c >> 4]);
    out.push_back(digits[c & 15]);
  }
  return out;
}

json expected(const Node& node, const V& v) {
  if (v.is_null()) return nullptr;
  const auto& raw = v.raw();
  switch (node.kind) {
    case Node::Kind::primitive:
      switch (node.physical) {
        case Physical::boolean: return std::get<bool>(raw);
        case Physical::int32:
        case Physical::int64: {
          const int64_t i = std::get<int64_t>(raw);
          if (node.logical == Logical::timestamp_ms_utc) return iso_ms(i);
          return int_json(i);
        }
        case Physical::double_: {
          const double d = std::get<double>(raw);
          if (std::isnan(d)) return "NaN";
          if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
          return d;
        }
        case Physical::byte_array: {
          const auto& s = std::get<std::string>(raw);
          if (node.logical == Logical::string || node.logical == Logical::json) return s;
          return hex(s);
        }
      }
      break;
    case Node::Kind::group: {
      json out = json::object();
      const auto& fields = std::get<V::FieldsBox>(raw).fields;
      for (size_t i = 0; i < node.children.size(); ++i) out[node.children[i].name] = expected(node.children[i], fields[i]);
      return out;
    }
    case Node::Kind::list: {
      json out = json::array();
      for (const V& item : std::get<V::ListBox>(raw).items) out.push_back(expected(node.children[0], item));
      return out;
    }
    case Node::Kind::map: {
      json out = json::array();
      for (const auto& [k, x] : std::get<V::MapBox>(raw).entries)
        out.push_back({{"key", expected(node.children[0], k)}, {"value", expected(node.children[1], x)}});
      return out;
    }
  }
  return nullptr;
}

json expected_row(const pq::Schema& schema, const V& row) {
  json out = json::object();
  const auto& fields = std::get<V::FieldsBox>(row.raw()).fields;
  for (size_t i = 0; i < schema.fields.size(); ++i) out[schema.fields[i].name] = expected(schema.fields[i], fields[i]);
  return out;
}

// ---- Samples ---------------------------------------------------------------

struct Sample {
  std::string name;
  pq::Schema schema;
  std::vector<V> rows;
  pq::WriterOptions options;
  json schema_checks = json::array();
  json stats_checks = json::array();
};

// Every node kind: primitives of each physical/logical type (required and
// optional), nested structs, lists of ints / structs / lists, maps, all-null
// columns, empty and null lists.
pq::Schema kitchen_sink_schema() {
  Node point = Node::group("point", {Node::primitive("x", Physical::int64), Node::string("tag")});
  return pq::Schema{{
      Node::primitive("id", Physical::int64, Logical::none, /*optional=*/false),
      Node::string("name"),
      Node::string("label", /*optional=*/false),
      Node::primitive("flag", Physical::boolean),
      Node::primitive("i8", Physical::int32, Logical::int8),
      Node::primitive("i16", Physical::int32, Logical::int16),
      Node::primitive("i32", Physical::int32, Logical::int32),
      Node::primitive("i32_plain", Physical::int32),
      Node::primitive("i64", Physical::int64, Logical::int64),
      Node::primitive("u8", Physical::int32, Logical::uint8),
      Node::primitive("u16", Physical::int32, Logical::uint16),
      Node::primitive("u32", Physical::int32, Logical::uint32),
      Node::primitive("u64", Physical::int64, Logical::uint64),
      Node::primitive("ratio", Physical::double_),
      Node::primitive("created", Physical::int64, Logical::timestamp_ms_utc),
      Node::primitive("doc", Physical::byte_array, Logical::json),
      Node::primitive("blob", Physical::byte_array),
      Node::group("meta", {Node::group("inner", {Node::primitive("a", Physical::int64),
                                                 Node::primitive("b", Physical::double_)}),
                           Node::string("note")}),
      Node::list("ints", Node::primitive("x", Physical::int64)),
      Node::list("req_ints", Node::primitive("x", Physical::int32, Logical::uint16, false), false),
      Node::list("points", point),
      Node::list("nested", Node::list("inner", Node::primitive("x", Physical::int32, Logical::int32))),
      Node::map("attrs", Node::string("k"), Node::string("v")),
      Node::map("lists_by_key", Node::string("k"), Node::list("l", Node::primitive("x", Physical::int64))),
      Node::string("all_null_str"),
      Node::primitive("all_null_int", Physical::int64),
      Node::list("all_null_list", Node::string("s")),
      Node::group("all_null_group", {Node::primitive("z", Physical::boolean)}),
  }};
}

std::vector<V> kitchen_sink_rows() {
  constexpr int64_t i64min = std::numeric_limits<int64_t>::min();
  constexpr int64_t i64max = std::numeric_limits<int64_t>::max();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<V> rows;
  // 0: everything present
  rows.push_back(V::fields({
      int64_t{0}, "alpha", "L0", true, int64_t{-5}, int64_t{300}, int64_t{70000}, int64_t{-7}, int64_t{1} << 40,
      int64_t{200}, int64_t{60000}, int64_t{3000000000}, int64_t{1} << 62, 0.25, int64_t{1700000000123},
      R"({"a":[1,2]})", std::string("\x00\xff\x10", 3),
      V::fields({V::fields({int64_t{1}, 1.5}), "n0"}),
      V::list({int64_t{1}, int64_t{2}, int64_t{3}}),
      V::list({int64_t{65535}, int64_t{0}}),
      V::list({V::fields({int64_t{1}, "p1"}), V::fields({int64_t{2}, "p2"})}),
      V::list({V::list({int64_t{1}, int64_t{2}}), V::list({int64_t{3}})}),
      V::map({{"color", "red"}, {"size", "xl"}}),
      V::map({{"a", V::list({int64_t{1}})}, {"b", V::list({})}, {"c", nullptr}}),
      nullptr, nullptr, nullptr, nullptr}));
  // 1: every nullable column null
  rows.push_back(V::fields({int64_t{1}, nullptr, std::string("nul\0inside", 10), nullptr,
                            nullptr, nullptr, nullptr, nullptr, nullptr,
                            nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                            nullptr, V::list({}), nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                            nullptr, nullptr}));
  // 2: extremes, empty lists and maps, NaN, a timestamp before 1970, unicode
  rows.push_back(V::fields({
      int64_t{2}, "h\xc3\xa9llo \xe2\x9c\x93", "L2", false, int64_t{-128}, int64_t{-32768},
      int64_t{std::numeric_limits<int32_t>::min()}, int64_t{std::numeric_limits<int32_t>::max()}, i64min,
      int64_t{255}, int64_t{65535}, int64_t{4294967295}, i64max, nan, int64_t{-86400000}, "[]", std::string(),
      V::fields({nullptr, nullptr}),
      V::list({}), V::list({}), V::list({}), V::list({}), V::map({}), V::map({}),
      nullptr, nullptr, nullptr, nullptr}));
  // 3: null elements everywhere
  rows.push_back(V::fields({
      int64_t{3}, "zeta", "L3", true, int64_t{127}, int64_t{32767}, int64_t{0}, int64_t{0}, i64max,
      int64_t{0}, int64_t{0}, int64_t{0}, int64_t{0}, -2.5, int64_t{0}, "null", std::string("\x7f", 1),
      V::fields({V::fields({nullptr, nullptr}), nullptr}),
      V::list({nullptr, int64_t{-1}, nullptr}),
      V::list({int64_t{7}}),
      V::list({nullptr, V::fields({nullptr, nullptr}), V::fields({int64_t{9}, "t"})}),
      V::list({V::list({int64_t{1}}), V::list({}), nullptr, V::list({nullptr})}),
      V::map({{"a", nullptr}, {"b", "x"}}),
      V::map({{"k", V::list({nullptr, int64_t{5}})}}),
      nullptr, nullptr, nullptr, nullptr}));
  // 4..9: ordinary rows
  for (int i = 4; i < 10; ++i) {
    V::List ints;
    for (int j = 0; j < i % 4; ++j) ints.push_back(int64_t{i * 10 + j});
    rows.push_back(V::fields({
        int64_t{i}, "row" + std::to_string(i), "L" + std::to_string(i), i % 2 == 0, int64_t{i}, int64_t{i * 100},
        int64_t{i * 1000}, int64_t{-i}, int64_t{i} * 1000000000000, int64_t{i}, int64_t{i * 1000},
        int64_t{i} * 100000000, int64_t{i} * 1000000000000000, i / 8.0, int64_t{1600000000000} + i * 86400000,
        "{\"i\":" + std::to_string(i) + "}", std::string(static_cast<size_t>(i), static_cast<char>(0x80 + i)),
        i % 3 == 0 ? V() : V::fields({V::fields({int64_t{i}, nullptr}), "m" + std::to_string(i)}),
        i % 5 == 0 ? V() : V::list(ints),
        V::list({int64_t{i}}),
        V::list({V::fields({int64_t{i}, nullptr})}),
        V::list({V::list({int64_t{i}, int64_t{-i}})}),
        V::map({{"i", std::to_string(i)}}),
        i % 2 ? V() : V::map({{"x", V::list({int64_t{i}})}}),
        nullptr, nullptr, nullptr, nullptr}));
  }
  return rows;
}

json schema_check(const std::string& name, const std::string& type, const std::string& converted,
                  const std::string& repetition, const std::string& logical_contains = "") {
  json j = {{"name", name}, {"repetition_type", repetition}};
  j["type"] = type.empty() ? json(nullptr) : json(type);
  j["converted_type"] = converted.empty() ? json(nullptr) : json(converted);
  if (!logical_contains.empty()) j["logical_type_contains"] = logical_contains;
  return j;
}

// Statistics DuckDB should report for one column chunk. Legacy stats_min/max
// equal min/max for signed orders and are absent otherwise.
json stats_check(int row_group, const std::string& path, std::optional<std::string> min,
                 std::optional<std::string> max, int64_t null_count, bool legacy) {
  json j = {{"row_group", row_group}, {"path", path}, {"null_count", null_count}};
  j["min_value"] = min ? json(*min) : json(nullptr);
  j["max_value"] = max ? json(*max) : json(nullptr);
  j["min"] = legacy && min ? json(*min) : json(nullptr);
  j["max"] = legacy && max ? json(*max) : json(nullptr);
  return j;
}

void add_kitchen_sink_checks(Sample& s) {
  s.schema_checks = json::array({
      schema_check("id", "INT64", "", "REQUIRED"),
      schema_check("name", "BYTE_ARRAY", "UTF8", "OPTIONAL", "String"),
      schema_check("flag", "BOOLEAN", "", "OPTIONAL"),
      schema_check("i8", "INT32", "INT_8", "OPTIONAL", "Int"),
      schema_check("i16", "INT32", "INT_16", "OPTIONAL", "Int"),
      schema_check("i32", "INT32", "INT_32", "OPTIONAL", "Int"),
      schema_check("i32_plain", "INT32", "", "OPTIONAL"),
      schema_check("i64", "INT64", "INT_64", "OPTIONAL", "Int"),
      schema_check("u8", "INT32", "UINT_8", "OPTIONAL", "Int"),
      schema_check("u16", "INT32", "UINT_16", "OPTIONAL", "Int"),
      schema_check("u32", "INT32", "UINT_32", "OPTIONAL", "Int"),
      schema_check("u64", "INT64", "UINT_64", "OPTIONAL", "Int"),
      schema_check("ratio", "DOUBLE", "", "OPTIONAL"),
      schema_check("created", "INT64", "TIMESTAMP_MILLIS", "OPTIONAL", "Timestamp"),
      schema_check("doc", "BYTE_ARRAY", "JSON", "OPTIONAL", "Json"),
      schema_check("blob", "BYTE_ARRAY", "", "OPTIONAL"),
      schema_check("meta", "", "", "OPTIONAL"),
      schema_check("ints", "", "LIST", "OPTIONAL", "List"),
      schema_check("req_ints", "", "LIST", "REQUIRED", "List"),
      schema_check("list", "", "", "REPEATED"),
      schema_check("attrs", "", "MAP", "OPTIONAL", "Map"),
      schema_check("key_value", "", "", "REPEATED"),
      schema_check("key", "BYTE_ARRAY", "UTF8", "REQUIRED"),
  });
  // Row groups of 3 rows: rows 0-2, 3-5, 6-8, 9.
  s.stats_checks = json::array({
      stats_check(0, "id", "0", "2", 0, true),
      stats_check(1, "id", "3", "5", 0, true),
      stats_check(3, "id", "9", "9", 0, true),
      stats_check(0, "name", "alpha", "h\xc3\xa9llo \xe2\x9c\x93", 1, false),
      stats_check(0, "u32", "3000000000", "4294967295", 1, false),
      stats_check(0, "u64", "4611686018427387904", "9223372036854775807", 1, false),
      stats_check(0, "u8", "200", "255", 1, false),
      stats_check(0, "i8", "-128", "-5", 1, true),
      stats_check(0, "i64", "-9223372036854775808", "1099511627776", 1, true),
      stats_check(0, "ratio", "0.25", "0.25", 1, true),  // NaN skipped
      stats_check(1, "ratio", "-2.5", "0.625", 0, true),
      stats_check(0, "flag", "false", "true", 1, true),
      // ints: [1,2,3] / null / [] -> 3 values, 2 null slots
      stats_check(0, "ints.list.element", "1", "3", 2, true),
      stats_check(0, "all_null_str", std::nullopt, std::nullopt, 3, false),
      stats_check(0, "all_null_int", std::nullopt, std::nullopt, 3, false),
      stats_check(0, "attrs.key_value.key", "color", "size", 2, false),
  });
}

// Many rows, longer level runs and several larger row groups.
Sample big_sample() {
  Sample s;
  s.name = "big";
  s.schema = pq::Schema{{
      Node::primitive("id", Physical::int64, Logical::none, false),
      Node::primitive("maybe", Physical::int32, Logical::uint32),
      Node::string("text"),
      Node::list("values", Node::primitive("v", Physical::double_)),
      Node::primitive("bit", Physical::boolean, Logical::none, false),
  }};
  for (int i = 0; i < 2500; ++i) {
    V::List values;
    for (int j = 0; j < (i % 7); ++j) values.push_back(j == 3 ? V() : V(i + j / 4.0));
    s.rows.push_back(V::fields({int64_t{i}, (i / 10) % 3 == 0 ? V() : V(int64_t{i * 7}),
                                i % 13 == 0 ? V() : V("t" + std::to_string(i % 100)),
                                i % 11 == 0 ? V() : V::list(values), i % 3 == 0}));
  }
  s.options.row_group_rows = 1000;
  s.schema_checks = json::array({schema_check("maybe", "INT32", "UINT_32", "OPTIONAL", "Int")});
  s.stats_checks = json::array({stats_check(2, "id", "2000", "2499", 0, true)});
  return s;
}

bool write_sample(const std::filesystem::path& dir, const Sample& s) {
  const std::string file = s.name + ".parquet";
  auto w = pq::FileWriter::open((dir / file).string(), s.schema, s.options);
  if (!w.ok()) {
    std::cerr << s.name << ": open: " << w.error().describe() << "\n";
    return false;
  }
  json rows = json::array();
  for (const V& row : s.rows) {
    if (auto st = (*w)->write_row(row); !st.ok()) {
      std::cerr << s.name << ": write_row: " << st.error().describe() << "\n";
      return false;
    }
    rows.push_back(expected_row(s.schema, row));
  }
  if (auto st = (*w)->close(); !st.ok()) {
    std::cerr << s.name << ": close: " << st.error().describe() << "\n";
    return false;
  }
  const char* codec = s.options.codec == pq::Codec::snappy ? "SNAPPY"
                      : s.options.codec == pq::Codec::zstd ? "ZSTD"
                                                           : "UNCOMPRESSED";
  json doc = {{"file", file}, {"codec", codec}, {"num_rows", s.rows.size()}, {"rows", rows},
              {"schema", s.schema_checks}, {"stats", s.stats_checks}};
  std::ofstream(dir / (s.name + ".expected.json")) << doc.dump(1) << "\n";
  std::cout << "wrote " << (dir / file).string() << " (" << s.rows.size() << " rows)\n";
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: parquet_write_sample OUT_DIR\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  for (const auto& entry : std::filesystem::directory_iterator(dir)) std::filesystem::remove(entry.path());

  std::vector<Sample> samples;
  const std::map<std::string, pq::Codec> codecs = {
      {"uncompressed", pq::Codec::uncompressed}, {"snappy", pq::Codec::snappy}, {"zstd", pq::Codec::zstd}};
  for (const auto& [codec_name, codec] : codecs) {
    Sample s;
    s.name = "kitchen_sink_" + codec_name;
    s.schema = kitchen_sink_schema();
    s.rows = kitchen_sink_rows();
    s.options.codec = codec;
    s.options.row_group_rows = 3;
    add_kitchen_sink_checks(s);
    samples.push_back(std::move(s));

    Sample b = big_sample();
    b.name += "_" + codec_name;
    b.options.codec = codec;
    samples.push_back(std::move(b));
  }
  Sample empty;
  empty.name = "empty";
  empty.schema = kitchen_sink_schema();
  samples.push_back(std::move(empty));

  bool ok = true;
  for (const Sample& s : samples) ok = write_sample(dir, s) && ok;
  return ok ? 0 : 1;
}
