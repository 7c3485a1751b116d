#include "parquet/shredder.h"

#include <cstdint>
#include <limits>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "parquet/utf8.h"

namespace td::parquet {

namespace {

const char* value_kind(const Value& v) {
  switch (v.raw().index()) {
    case 0: return "null";
    case 1: return "bool";
    case 2: return "int64";
    case 3: return "double";
    case 4: return "string";
    case 5: return "list";
    case 6: return "fields";
    case 7: return "map";
  }
  return "?";
}

// Where in a row a value sits, as a chain of names on the stack: the dotted
// string is built only for an error (building it per value cost more than
// the validation itself).
struct FieldPath {
  const std::string* name = nullptr;  // nullptr: the row itself
  const FieldPath* parent = nullptr;

  std::string str() const {
    if (!name) return "<row>";
    if (!parent || !parent->name) return *name;
    return parent->str() + "." + *name;
  }
};

Error mismatch(const FieldPath& path, const std::string& what) {
  return Error{ErrorKind::invalid_value, "row does not match the schema at '" + path.str() + "': " + what};
}

Error mismatch(const char* where, const std::string& what) {
  return Error{ErrorKind::invalid_value, std::string("row does not match the schema at '") + where + "': " + what};
}

// Inclusive range an integer must fall in for a (physical, logical) pair.
void int_range(Physical physical, Logical logical, int64_t& lo, int64_t& hi) {
  switch (logical) {
    case Logical::int8: lo = INT8_MIN; hi = INT8_MAX; return;
    case Logical::int16: lo = INT16_MIN; hi = INT16_MAX; return;
    case Logical::uint8: lo = 0; hi = UINT8_MAX; return;
    case Logical::uint16: lo = 0; hi = UINT16_MAX; return;
    case Logical::uint32: lo = 0; hi = UINT32_MAX; return;
    case Logical::uint64: lo = 0; hi = INT64_MAX; return;
    default: break;
  }
  if (physical == Physical::int32) {
    lo = INT32_MIN;
    hi = INT32_MAX;
  } else {
    lo = INT64_MIN;
    hi = INT64_MAX;
  }
}

Status validate_primitive(const LeafColumn& leaf, const Value& v, const FieldPath& path) {
  const auto& raw = v.raw();
  switch (leaf.physical) {
    case Physical::boolean:
      if (!std::holds_alternative<bool>(raw)) return mismatch(path, std::string("expected bool, got ") + value_kind(v));
      break;
    case Physical::int32:
    case Physical::int64: {
      const auto* i = std::get_if<int64_t>(&raw);
      if (!i) return mismatch(path, std::string("expected integer, got ") + value_kind(v));
      int64_t lo, hi;
      int_range(leaf.physical, leaf.logical, lo, hi);
      if (*i < lo || *i > hi) return mismatch(path, "integer " + std::to_string(*i) + " out of range");
      break;
    }
    case Physical::double_:
      if (!std::holds_alternative<double>(raw)) return mismatch(path, std::string("expected double, got ") + value_kind(v));
      break;
    case Physical::byte_array: {
      const auto* s = std::get_if<std::string>(&raw);
      if (!s) return mismatch(path, std::string("expected string/bytes, got ") + value_kind(v));
      if (s->size() > static_cast<size_t>(std::numeric_limits<int32_t>::max()))
        return mismatch(path, "byte array longer than 2 GiB");
      if ((leaf.logical == Logical::string || leaf.logical == Logical::json) && !is_valid_utf8(*s))
        return mismatch(path, "text is not valid UTF-8");
      // DuckDB refuses a file whose JSON column holds one malformed document.
      if (leaf.logical == Logical::json && !nlohmann::json::accept(*s))
        return mismatch(path, "not a valid JSON document");
      break;
    }
  }
  return Status::ok_status();
}

class Validator {
 public:
  explicit Validator(const SchemaLayout& layout) : layout_(layout) {}

  Status check(const PlanNode& p, const Value& v, const FieldPath& parent) const {
    const FieldPath path{&p.name, &parent};
    if (v.is_null()) {
      if (!p.optional) return mismatch(path, "null in a required field");
      return Status::ok_status();
    }
    const auto& raw = v.raw();
    switch (p.kind) {
      case Node::Kind::primitive:
        return validate_primitive(layout_.leaves[p.first_leaf], v, path);
      case Node::Kind::group: {
        const auto* f = std::get_if<Value::FieldsBox>(&raw);
        if (!f) return mismatch(path, std::string("expected fields, got ") + value_kind(v));
        return check_fields(p.children, f->fields, path);
      }
      case Node::Kind::list: {
        const auto* l = std::get_if<Value::ListBox>(&raw);
        if (!l) return mismatch(path, std::string("expected list, got ") + value_kind(v));
        for (const Value& item : l->items)
          if (auto st = check(p.children[0], item, path); !st.ok()) return st;
        return Status::ok_status();
      }
      case Node::Kind::map: {
        const auto* m = std::get_if<Value::MapBox>(&raw);
        if (!m) return mismatch(path, std::string("expected map, got ") + value_kind(v));
        for (const auto& [key, value] : m->entries) {
          if (auto st = check(p.children[0], key, path); !st.ok()) return st;
          if (auto st = check(p.children[1], value, path); !st.ok()) return st;
        }
        return Status::ok_status();
      }
    }
    return Status::ok_status();
  }

  Status check_fields(const std::vector<PlanNode>& nodes, const Value::Fields& fields,
                      const FieldPath& path) const {
    if (fields.size() != nodes.size())
      return mismatch(path, "expected " + std::to_string(nodes.size()) + " fields, got " +
                                std::to_string(fields.size()));
    for (size_t i = 0; i < nodes.size(); ++i)
      if (auto st = check(nodes[i], fields[i], path); !st.ok()) return st;
    return Status::ok_status();
  }

 private:
  const SchemaLayout& layout_;
};

void shred_node(const PlanNode& p, const Value& v, int16_t rep, int16_t def,
                std::vector<ColumnBuffer>& cols) {
  auto all_null = [&](int16_t at_def) {
    for (size_t leaf = p.first_leaf; leaf < p.end_leaf; ++leaf) cols[leaf].add_null(rep, at_def);
  };
  if (v.is_null()) {
    all_null(def);
    return;
  }
  const auto& raw = v.raw();
  switch (p.kind) {
    case Node::Kind::primitive:
      cols[p.first_leaf].add_value(rep, v);
      return;
    case Node::Kind::group: {
      const auto& fields = std::get<Value::FieldsBox>(raw).fields;
      for (size_t i = 0; i < p.children.size(); ++i)
        shred_node(p.children[i], fields[i], rep, p.def_level, cols);
      return;
    }
    case Node::Kind::list: {
      const auto& items = std::get<Value::ListBox>(raw).items;
      if (items.empty()) {
        all_null(p.def_level);
        return;
      }
      const auto entry_def = static_cast<int16_t>(p.def_level + 1);
      for (size_t i = 0; i < items.size(); ++i)
        shred_node(p.children[0], items[i], i == 0 ? rep : p.entry_rep, entry_def, cols);
      return;
    }
    case Node::Kind::map: {
      const auto& entries = std::get<Value::MapBox>(raw).entries;
      if (entries.empty()) {
        all_null(p.def_level);
        return;
      }
      const auto entry_def = static_cast<int16_t>(p.def_level + 1);
      for (size_t i = 0; i < entries.size(); ++i) {
        const int16_t r = i == 0 ? rep : p.entry_rep;
        shred_node(p.children[0], entries[i].first, r, entry_def, cols);
        shred_node(p.children[1], entries[i].second, r, entry_def, cols);
      }
      return;
    }
  }
}

}  // namespace

Status Shredder::validate(const Value& row) const {
  const auto* f = std::get_if<Value::FieldsBox>(&row.raw());
  if (!f) return mismatch("<row>", std::string("a row is a Value::fields, got ") + value_kind(row));
  return Validator(layout_).check_fields(layout_.roots, f->fields, FieldPath{});
}

void Shredder::shred(const Value& row, std::vector<ColumnBuffer>& columns) const {
  const auto& fields = std::get<Value::FieldsBox>(row.raw()).fields;
  for (size_t i = 0; i < layout_.roots.size(); ++i) shred_node(layout_.roots[i], fields[i], 0, 0, columns);
}

}  // namespace td::parquet
