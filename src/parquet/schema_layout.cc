#include "parquet/schema_layout.h"

#include <set>

namespace td::parquet {

namespace {

Error bad(const std::string& where, const std::string& what) {
  return Error{ErrorKind::invalid_value, "parquet schema: " + where + ": " + what};
}

class Builder {
 public:
  explicit Builder(std::vector<LeafColumn>& leaves) : leaves_(leaves) {}

  // parent_def/parent_rep: levels reached by the enclosing present value.
  Result<PlanNode> build(const Node& node, std::vector<std::string> path, int16_t parent_def,
                         int16_t parent_rep) {
    const std::string where = join(path) + (path.empty() ? "" : ".") + node.name;
    if (node.name.empty()) return bad(where.empty() ? "<root>" : where, "empty field name");
    path.push_back(node.name);

    PlanNode p;
    p.kind = node.kind;
    p.optional = node.optional;
    p.name = node.name;
    p.def_level = static_cast<int16_t>(parent_def + (node.optional ? 1 : 0));
    p.first_leaf = leaves_.size();

    switch (node.kind) {
      case Node::Kind::primitive: {
        if (!node.children.empty()) return bad(where, "a primitive has no children");
        if (!logical_fits_physical(node.physical, node.logical))
          return bad(where, "logical type does not fit the physical type");
        LeafColumn leaf;
        leaf.path = path;
        leaf.physical = node.physical;
        leaf.logical = node.logical;
        leaf.max_def = p.def_level;
        leaf.max_rep = parent_rep;
        leaves_.push_back(std::move(leaf));
        break;
      }
      case Node::Kind::group: {
        if (node.children.empty()) return bad(where, "a group needs at least one field");
        if (auto st = unique_names(where, node.children); !st.ok()) return st.error();
        for (const Node& child : node.children) {
          auto c = build(child, path, p.def_level, parent_rep);
          if (!c.ok()) return c.error();
          p.children.push_back(std::move(*c));
        }
        break;
      }
      case Node::Kind::list:
      case Node::Kind::map: {
        const bool is_list = node.kind == Node::Kind::list;
        if (node.children.size() != (is_list ? 1u : 2u))
          return bad(where, is_list ? "a list has exactly one element node"
                                    : "a map has exactly two nodes (key, value)");
        if (!is_list) {
          if (node.children[0].kind != Node::Kind::primitive)
            return bad(where, "map keys must be primitive");
          if (node.children[0].optional) return bad(where, "map keys must be required");
          if (auto st = unique_names(where, node.children); !st.ok()) return st.error();
        }
        // The repeated middle group adds one definition and one repetition level.
        p.entry_rep = static_cast<int16_t>(parent_rep + 1);
        path.push_back(is_list ? "list" : "key_value");
        for (const Node& child : node.children) {
          auto c = build(child, path, static_cast<int16_t>(p.def_level + 1), p.entry_rep);
          if (!c.ok()) return c.error();
          p.children.push_back(std::move(*c));
        }
        break;
      }
    }
    p.end_leaf = leaves_.size();
    return p;
  }

  static Status unique_names(const std::string& where, const std::vector<Node>& nodes) {
    std::set<std::string> seen;
    for (const Node& n : nodes)
      if (!seen.insert(n.name).second) return bad(where, "duplicate field name '" + n.name + "'");
    return Status::ok_status();
  }

 private:
  static std::string join(const std::vector<std::string>& path) {
    std::string s;
    for (const auto& p : path) s += (s.empty() ? "" : ".") + p;
    return s;
  }

  std::vector<LeafColumn>& leaves_;
};

}  // namespace

bool logical_fits_physical(Physical physical, Logical logical) {
  switch (logical) {
    case Logical::none: return true;
    case Logical::string:
    case Logical::json: return physical == Physical::byte_array;
    case Logical::int8:
    case Logical::int16:
    case Logical::int32:
    case Logical::uint8:
    case Logical::uint16:
    case Logical::uint32: return physical == Physical::int32;
    case Logical::int64:
    case Logical::uint64:
    case Logical::timestamp_ms_utc: return physical == Physical::int64;
  }
  return false;
}

Result<SchemaLayout> layout_schema(const Schema& schema) {
  SchemaLayout layout;
  if (schema.fields.empty()) return bad("<root>", "a schema needs at least one field");
  if (auto st = Builder::unique_names("<root>", schema.fields); !st.ok()) return st.error();
  Builder builder(layout.leaves);
  for (const Node& field : schema.fields) {
    auto p = builder.build(field, {}, 0, 0);
    if (!p.ok()) return p.error();
    layout.roots.push_back(std::move(*p));
  }
  return layout;
}

}  // namespace td::parquet
