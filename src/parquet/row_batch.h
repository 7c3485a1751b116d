// Rows as typed column batches: a RowBatch holds one ColumnBuffer per leaf of
// a schema (Dremel levels and PLAIN values, as the file will store them); a
// RowBuilder appends rows to it value by value, as Arrow's builders and
// parquet-mr's RecordConsumer do, with no per-row value tree. The file writer
// takes a whole batch (FileWriter::write_batch).
//
// Building one row walks the schema in order (Parquet format: the Dremel
// encoding of nested columns; a standard 3-level LIST and MAP as schema.h):
//   begin_row()
//     per top-level field, in order, exactly one of:
//       null()                                   (optional fields only)
//       boolean(b) | int64(i) | float64(d) | bytes(s)   (primitive)
//       begin_group() <each field in order> end_group()
//       begin_list() <0..n elements> end_list()
//       begin_map() <key, value>* end_map()      (keys not null)
//   end_row()
// A call that does not fit the schema at that point records an invalid_value
// error; later calls of the row are ignored, end_row() returns the error and the
// row leaves no trace. Values are not re-checked: text must already be valid
// UTF-8 (STRING) or JSON (JSON), integers within the column's range — they are
// produced that way where they are made.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "parquet/column_buffer.h"
#include "parquet/schema_layout.h"
#include "util/status.h"

namespace td::parquet {

class RowBatch {
 public:
  // `layout` must outlive the batch.
  explicit RowBatch(const SchemaLayout& layout);

  const SchemaLayout& layout() const { return layout_; }
  const std::vector<ColumnBuffer>& columns() const { return columns_; }
  uint64_t num_rows() const { return rows_; }
  // Memory of the buffered levels and values, in bytes.
  size_t buffered_bytes() const;
  // Empties every column (capacity given back); the layout stays.
  void clear();

 private:
  friend class RowBuilder;
  const SchemaLayout& layout_;
  std::vector<ColumnBuffer> columns_;
  uint64_t rows_ = 0;
};

class RowBuilder {
 public:
  explicit RowBuilder(RowBatch& batch) : batch_(batch) {}

  void begin_row();
  // ok, or the first mismatch of the row (then rolled back).
  Status end_row();

  void null();
  void boolean(bool b);
  void int64(int64_t i);
  void float64(double d);
  void bytes(std::string_view s);  // BYTE_ARRAY: binary, STRING or JSON text
  void begin_group();
  void end_group();
  void begin_list();
  void end_list();
  void begin_map();
  void end_map();

 private:
  struct Frame {
    const PlanNode* node = nullptr;  // nullptr: the row (root)
    size_t next = 0;                 // group/root: next field; list/map: slots written
    int16_t rep = 0;                 // repetition level of this value's first leaf
    int16_t def = 0;                 // group/root: definition level of its fields when null
  };
  struct Slot {
    const PlanNode* node = nullptr;
    int16_t rep = 0, def = 0;
  };
  std::optional<Slot> next_slot(const char* what);
  void primitive(Physical physical, const char* what, auto add);
  void begin(Node::Kind kind, const char* what);
  void end(Node::Kind kind, const char* what);
  void fail(const std::string& message);

  RowBatch& batch_;
  std::vector<Frame> stack_;
  std::vector<ColumnBuffer::Mark> marks_;
  std::optional<Error> error_;
};

}  // namespace td::parquet
