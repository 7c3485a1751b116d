#include "row/column_table_text.h"

#include "row/columns.h"

namespace td::row {

std::string type_text(const parquet::Node& node) {
  using parquet::Logical;
  using parquet::Node;
  using parquet::Physical;
  switch (node.kind) {
    case Node::Kind::group: return "struct";
    case Node::Kind::list: return "list<" + type_text(node.children[0]) + ">";
    case Node::Kind::map: return "map<" + type_text(node.children[0]) + ", " + type_text(node.children[1]) + ">";
    case Node::Kind::primitive: break;
  }
  if (node.logical == Logical::timestamp_ms_utc) return "timestamp(ms, UTC)";
  switch (node.physical) {
    case Physical::boolean: return "bool";
    case Physical::int32: return "int32";
    case Physical::int64: return "int64";
    case Physical::double_: return "double";
    case Physical::byte_array:
      if (node.logical == Logical::string) return "string";
      if (node.logical == Logical::json) return "json";
      return "binary";
  }
  return "?";
}

std::string column_table_markdown() {
  std::string out = "| column | type | meaning |\n|---|---|---|\n";
  for (const Column& c : columns()) {
    out += "| `" + c.node.name + "` | " + type_text(c.node) + (c.node.optional ? "" : " (never null)") + " | " +
           c.meaning + " |\n";
  }
  return out;
}

}  // namespace td::row
