// Dremel shredding: turns one row (a Value::fields tree shaped like the
// schema) into repetition/definition levels and values, one ColumnBuffer per
// leaf column.
//
// For a node at definition level d (the level a present value reaches):
//   null optional node   -> every leaf below gets def = level of the parent
//   empty list / map     -> every leaf below gets def = d (list present, no entry)
//   entry i of a list    -> shredded at def d+1; rep = incoming rep for i == 0,
//                           the list's own repetition level for i > 0
//   present primitive    -> def = max_def, the value is appended
// A row that does not match the schema is rolled back: it leaves no trace.
#pragma once

#include <vector>

#include "parquet/column_buffer.h"
#include "parquet/schema.h"
#include "parquet/schema_layout.h"
#include "util/status.h"

namespace td::parquet {

class Shredder {
 public:
  explicit Shredder(const SchemaLayout& layout) : layout_(layout) {}

  // Appends the row to columns (one per leaf, in layout order), checking it
  // against the schema on the way (shape, nulls in required fields, type,
  // integer range, UTF-8 of STRING/JSON text, JSON syntax of JSON text). On a
  // mismatch: an invalid_value error naming the first offending field, and the
  // columns are as they were before the call.
  Status shred(const Value& row, std::vector<ColumnBuffer>& columns);

 private:
  const SchemaLayout& layout_;
  std::vector<ColumnBuffer::Mark> marks_;  // per column, reused across rows
};

}  // namespace td::parquet
