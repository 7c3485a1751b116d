// The schema tree annotated for shredding, and its flattened leaf columns.
//
// layout_schema() checks that a Schema is writable (names, child counts,
// physical/logical pairs) and computes, for every node, the definition level
// a present value reaches and the repetition level of its repeated entries;
// for every leaf, its path in the Parquet schema and max levels. Lists and
// maps add the standard repeated middle group ("list" / "key_value").
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "parquet/schema.h"
#include "util/status.h"

namespace td::parquet {

struct LeafColumn {
  std::vector<std::string> path;  // path_in_schema, e.g. {"tags", "list", "element"}
  Physical physical = Physical::int64;
  Logical logical = Logical::none;
  int16_t max_def = 0;
  int16_t max_rep = 0;
};

struct PlanNode {
  Node::Kind kind = Node::Kind::primitive;
  bool optional = true;
  std::string name;
  int16_t def_level = 0;     // definition level of a present (non-null) value of this node
  int16_t entry_rep = 0;     // list/map: repetition level of the 2nd and later entries
  size_t first_leaf = 0;     // leaves [first_leaf, end_leaf) lie under this node
  size_t end_leaf = 0;
  std::vector<PlanNode> children;  // group: fields; list: {element}; map: {key, value}
};

struct SchemaLayout {
  std::vector<PlanNode> roots;     // one per top-level field
  std::vector<LeafColumn> leaves;  // depth-first order, as written in the file
};

// invalid_value error if the schema cannot be written.
Result<SchemaLayout> layout_schema(const Schema& schema);

// Whether a primitive may carry this logical annotation.
bool logical_fits_physical(Physical physical, Logical logical);

}  // namespace td::parquet
