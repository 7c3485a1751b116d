// Test helper (unit tests and the fuzz target): makes an object's row both ways
// and compares them column by column.
//   direct:   row::append_row into a RowBuilder (the Parquet path, nothing re-checked);
//   checked:  row::build_row's Value tree through the Shredder, which checks the
//             row against the schema: shape, nulls, integer ranges, UTF-8 of
//             STRING text, JSON syntax of JSON text.
// Equal levels and values mean the direct path wrote only what the checked
// path accepts, and `info` (the Value tree) shows what the file holds.
#pragma once

#include <string>

#include "parquet/row_batch.h"
#include "parquet/shredder.h"
#include "row/row_builder.h"
#include "row/row_schema.h"

namespace td::row::testing {

// "" when both ways agree; else what differs.
inline std::string row_paths_disagree(const ObjectOutcome& outcome) {
  static const parquet::SchemaLayout layout = *parquet::layout_schema(row_schema());
  parquet::RowBatch direct(layout), checked(layout);
  parquet::RowBuilder builder(direct);
  append_row(outcome, builder);
  parquet::Shredder shredder(layout);
  if (Status s = shredder.shred(build_row(outcome), checked.mutable_columns()); !s.ok())
    return "the row does not pass the Shredder's checks: " + s.error().message;
  for (size_t i = 0; i < layout.leaves.size(); ++i) {
    const parquet::ColumnBuffer& a = direct.columns()[i];
    const parquet::ColumnBuffer& b = checked.columns()[i];
    if (a.num_levels() != b.num_levels() || a.rep_levels() != b.rep_levels() || a.def_levels() != b.def_levels() ||
        a.values() != b.values()) {
      std::string path;
      for (const auto& part : layout.leaves[i].path) path += (path.empty() ? "" : ".") + part;
      return "column " + path + " differs between the two ways";
    }
  }
  return "";
}

}  // namespace td::row::testing
