#include "row/row_schema.h"

#include <cstdio>
#include <cstdlib>
#include <unordered_map>

#include "row/columns.h"

namespace td::row {

const parquet::Schema& row_schema() {
  static const parquet::Schema schema = [] {
    parquet::Schema s;
    for (const Column& c : columns()) s.fields.push_back(c.node);
    return s;
  }();
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

}  // namespace td::row
