// A Parquet schema as a small tree, plus the dynamic row value the writer
// shreds into columns. The writer (file_writer.h) takes a Schema once and rows
// of Value; nothing outside src/parquet knows about pages, levels or Thrift.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace td::parquet {

enum class Physical { boolean, int32, int64, double_, byte_array };

// Logical annotation of a primitive column.
enum class Logical {
  none,
  string,            // UTF-8 text (BYTE_ARRAY)
  json,              // JSON text (BYTE_ARRAY)
  int8, int16, int32, int64,          // signed integers (INT32/INT64)
  uint8, uint16, uint32, uint64,      // unsigned integers (INT32/INT64)
  timestamp_ms_utc,  // INT64 milliseconds since the Unix epoch, UTC
};

struct Node {
  enum class Kind { primitive, group, list, map };
  std::string name;
  Kind kind = Kind::primitive;
  bool optional = true;       // nullable (every column of ours is, except a few)
  Physical physical = Physical::int64;
  Logical logical = Logical::none;
  // group: the fields; list: one child (the element); map: two children (key, value).
  std::vector<Node> children;

  static Node primitive(std::string name, Physical physical, Logical logical = Logical::none,
                        bool optional = true);
  static Node string(std::string name, bool optional = true);
  static Node group(std::string name, std::vector<Node> fields, bool optional = true);
  // A standard 3-level LIST: optional group <name> (LIST) { repeated group list { element } }.
  static Node list(std::string name, Node element, bool optional = true);
  // A standard MAP: optional group <name> (MAP) { repeated group key_value { required key; value } }.
  static Node map(std::string name, Node key, Node value, bool optional = true);
};

// The root: a group of top-level columns.
struct Schema {
  std::vector<Node> fields;
};

// One value, shaped like the schema node it is written to:
//   primitive -> null, bool, int64_t, double or std::string (bytes)
//   group     -> Value::Fields (one Value per schema field, in order)
//   list      -> Value::List
//   map       -> Value::Map (keys must not be null)
class Value {
 public:
  using List = std::vector<Value>;
  using Fields = std::vector<Value>;
  using Map = std::vector<std::pair<Value, Value>>;
  struct ListBox { List items; };
  struct FieldsBox { Fields fields; };
  struct MapBox { Map entries; };

  Value() = default;  // null
  Value(std::nullptr_t) {}                           // NOLINT
  Value(bool v) : v_(v) {}                           // NOLINT
  Value(int64_t v) : v_(v) {}                        // NOLINT
  Value(double v) : v_(v) {}                         // NOLINT
  Value(std::string v) : v_(std::move(v)) {}         // NOLINT
  Value(const char* v) : v_(std::string(v)) {}       // NOLINT
  static Value list(List items) { Value v; v.v_ = ListBox{std::move(items)}; return v; }
  static Value fields(Fields fields) { Value v; v.v_ = FieldsBox{std::move(fields)}; return v; }
  static Value map(Map entries) { Value v; v.v_ = MapBox{std::move(entries)}; return v; }

  bool is_null() const { return v_.index() == 0; }
  const auto& raw() const { return v_; }

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, ListBox, FieldsBox, MapBox> v_;
};

}  // namespace td::parquet
