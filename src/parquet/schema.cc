#include "parquet/schema.h"

namespace td::parquet {

Node Node::primitive(std::string name, Physical physical, Logical logical, bool optional) {
  Node n;
  n.name = std::move(name);
  n.kind = Kind::primitive;
  n.optional = optional;
  n.physical = physical;
  n.logical = logical;
  return n;
}

Node Node::string(std::string name, bool optional) {
  return primitive(std::move(name), Physical::byte_array, Logical::string, optional);
}

Node Node::group(std::string name, std::vector<Node> fields, bool optional) {
  Node n;
  n.name = std::move(name);
  n.kind = Kind::group;
  n.optional = optional;
  n.children = std::move(fields);
  return n;
}

Node Node::list(std::string name, Node element, bool optional) {
  Node n;
  n.name = std::move(name);
  n.kind = Kind::list;
  n.optional = optional;
  element.name = "element";  // the standard 3-level LIST names its leaf "element"
  n.children.push_back(std::move(element));
  return n;
}

Node Node::map(std::string name, Node key, Node value, bool optional) {
  Node n;
  n.name = std::move(name);
  n.kind = Kind::map;
  n.optional = optional;
  key.name = "key";
  key.optional = false;  // MAP keys are required by the format
  value.name = "value";
  n.children.push_back(std::move(key));
  n.children.push_back(std::move(value));
  return n;
}

}  // namespace td::parquet
