#include "parquet/shredder.h"

#include <cstdint>
#include <limits>
#include <string>
#include <variant>

#include "parquet/json_text.h"
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
      if (leaf.logical == Logical::json && !is_json_document(*s))
        return mismatch(path, "not a valid JSON document");
      break;
    }
  }
  return Status::ok_status();
}

// Shreds one node, checking it against the schema on the way; stops at the
// first mismatch (Shredder::shred rolls the columns back).
Status shred_node(const PlanNode& p, const Value& v, int16_t rep, int16_t def, const FieldPath& parent,
                  std::vector<ColumnBuffer>& cols);

Status shred_fields(const std::vector<PlanNode>& nodes, const Value::Fields& fields, int16_t rep, int16_t def,
                    const FieldPath& path, std::vector<ColumnBuffer>& cols) {
  if (fields.size() != nodes.size())
    return mismatch(path, "expected " + std::to_string(nodes.size()) + " fields, got " + std::to_string(fields.size()));
  for (size_t i = 0; i < nodes.size(); ++i)
    if (auto st = shred_node(nodes[i], fields[i], rep, def, path, cols); !st.ok()) return st;
  return Status::ok_status();
}

Status shred_node(const PlanNode& p, const Value& v, int16_t rep, int16_t def, const FieldPath& parent,
                  std::vector<ColumnBuffer>& cols) {
  const FieldPath path{&p.name, &parent};
  auto all_null = [&](int16_t at_def) {
    for (size_t leaf = p.first_leaf; leaf < p.end_leaf; ++leaf) cols[leaf].add_null(rep, at_def);
  };
  if (v.is_null()) {
    if (!p.optional) return mismatch(path, "null in a required field");
    all_null(def);
    return Status::ok_status();
  }
  const auto& raw = v.raw();
  switch (p.kind) {
    case Node::Kind::primitive: {
      ColumnBuffer& col = cols[p.first_leaf];
      if (auto st = validate_primitive(col.leaf(), v, path); !st.ok()) return st;
      col.add_value(rep, v);
      return Status::ok_status();
    }
    case Node::Kind::group: {
      const auto* f = std::get_if<Value::FieldsBox>(&raw);
      if (!f) return mismatch(path, std::string("expected fields, got ") + value_kind(v));
      return shred_fields(p.children, f->fields, rep, p.def_level, path, cols);
    }
    case Node::Kind::list: {
      const auto* l = std::get_if<Value::ListBox>(&raw);
      if (!l) return mismatch(path, std::string("expected list, got ") + value_kind(v));
      if (l->items.empty()) {
        all_null(p.def_level);
        return Status::ok_status();
      }
      const auto entry_def = static_cast<int16_t>(p.def_level + 1);
      for (size_t i = 0; i < l->items.size(); ++i) {
        if (auto st = shred_node(p.children[0], l->items[i], i == 0 ? rep : p.entry_rep, entry_def, path, cols);
            !st.ok()) {
          return st;
        }
      }
      return Status::ok_status();
    }
    case Node::Kind::map: {
      const auto* m = std::get_if<Value::MapBox>(&raw);
      if (!m) return mismatch(path, std::string("expected map, got ") + value_kind(v));
      if (m->entries.empty()) {
        all_null(p.def_level);
        return Status::ok_status();
      }
      const auto entry_def = static_cast<int16_t>(p.def_level + 1);
      for (size_t i = 0; i < m->entries.size(); ++i) {
        const int16_t r = i == 0 ? rep : p.entry_rep;
        if (auto st = shred_node(p.children[0], m->entries[i].first, r, entry_def, path, cols); !st.ok()) return st;
        if (auto st = shred_node(p.children[1], m->entries[i].second, r, entry_def, path, cols); !st.ok()) return st;
      }
      return Status::ok_status();
    }
  }
  return Status::ok_status();
}

}  // namespace

Status Shredder::shred(const Value& row, std::vector<ColumnBuffer>& columns) {
  const auto* f = std::get_if<Value::FieldsBox>(&row.raw());
  if (!f) return mismatch("<row>", std::string("a row is a Value::fields, got ") + value_kind(row));
  marks_.resize(columns.size());
  for (size_t i = 0; i < columns.size(); ++i) marks_[i] = columns[i].mark();
  Status st = shred_fields(layout_.roots, f->fields, 0, 0, FieldPath{}, columns);
  if (!st.ok())
    for (size_t i = 0; i < columns.size(); ++i) columns[i].rollback(marks_[i]);
  return st;
}

}  // namespace td::parquet
