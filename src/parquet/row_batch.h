// Rows as typed column batches: a RowBatch holds one ColumnBuffer per leaf of
// a schema (Dremel levels and PLAIN values, as the file will store them); a
// RowBuilder is the RowSink (row_sink.h) that appends rows to it value by
// value, as Arrow's builders and parquet-mr's RecordConsumer do, with no
// per-row value tree. The file writer builds its open row group this way
// (FileWriter::rows) or takes a whole batch (FileWriter::write_batch).
// A call that does not fit the schema at that point records an invalid_value
// error; later calls of the row are ignored, end_row() returns the error and the
// row leaves no trace. Values are not re-checked (row_sink.h): integers must be
// within the column's range, text valid where it is made.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "parquet/column_buffer.h"
#include "parquet/row_sink.h"
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
  // For writers that fill the columns by other means (the Shredder): the
  // columns, and the count of whole rows they added.
  std::vector<ColumnBuffer>& mutable_columns() { return columns_; }
  void add_rows(uint64_t n) { rows_ += n; }

 private:
  friend class RowBuilder;
  const SchemaLayout& layout_;
  std::vector<ColumnBuffer> columns_;
  uint64_t rows_ = 0;
};

class RowBuilder final : public RowSink {
 public:
  explicit RowBuilder(RowBatch& batch) : batch_(batch) {}

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

  void do_begin_row() override;
  Status do_end_row() override;
  void do_abort_row() override;
  void do_null() override;
  void do_boolean(bool b) override;
  void do_int64(int64_t i) override;
  void do_float64(double d) override;
  void do_bytes(std::string_view s) override;
  void do_begin_group() override;
  void do_end_group() override;
  void do_begin_list() override;
  void do_end_list() override;
  void do_begin_map() override;
  void do_end_map() override;

  RowBatch& batch_;
  std::vector<Frame> stack_;
  std::vector<ColumnBuffer::Mark> marks_;
  std::optional<Error> error_;
};

}  // namespace td::parquet
