// The one way rows are made: a stream of value events in schema order
// (RowSink). The column table (src/row/columns.h) fills a row by calling these;
// the sink decides what the row becomes — appended straight into column
// buffers (RowBuilder, row_batch.h: the Parquet path, no per-row value tree)
// or built as a Value tree (ValueTreeSink, value_tree_sink.h: `info` and
// tests). Both see the same calls, so what `info` prints is what the file holds.
//
// Event grammar (Parquet format: a standard 3-level LIST and MAP, schema.h):
//   begin_row()
//     per top-level field, in order, exactly one of:
//       null()                                   (optional fields only)
//       boolean(b) | int64(i) | float64(d) | bytes(s)   (primitive)
//       begin_group() <each field in order> end_group()
//       begin_list() <0..n elements> end_list()
//       begin_map() <key, value>* end_map()      (keys not null)
//   end_row()   or   abort_row() (the row leaves no trace)
// Text must already be valid UTF-8 (STRING) or JSON (JSON): it is made that
// way where it is produced and not re-checked.
//
// Every sink meters the row it is given (row_bytes): the memory the row would
// take as a Value tree (sizeof(Value) per value, null and container; plus
// the text of strings longer than the 15 bytes std::string keeps inline).
// Rows are bounded by that figure (row::row_budget), the same on every sink.
#pragma once

#include <cstdint>
#include <string_view>

#include "parquet/schema.h"
#include "util/status.h"

namespace td::parquet {

class RowSink {
 public:
  virtual ~RowSink() = default;

  void begin_row() {
    row_bytes_ = 0;
    do_begin_row();
  }
  // ok, or the first place the row did not fit the schema (then it leaves no trace).
  Status end_row() { return do_end_row(); }
  // Drops the row begun last, whatever was given so far.
  void abort_row() { do_abort_row(); }

  void null() { meter(); do_null(); }
  void boolean(bool b) { meter(); do_boolean(b); }
  void int64(int64_t i) { meter(); do_int64(i); }
  void float64(double d) { meter(); do_float64(d); }
  void bytes(std::string_view s) {
    meter();
    if (s.size() > 15) row_bytes_ += s.size();
    do_bytes(s);
  }
  void begin_group() { meter(); do_begin_group(); }
  void end_group() { do_end_group(); }
  void begin_list() { meter(); do_begin_list(); }
  void end_list() { do_end_list(); }
  void begin_map() { meter(); do_begin_map(); }
  void end_map() { do_end_map(); }

  // Memory the row begun last would take as a Value tree, in bytes (see above).
  uint64_t row_bytes() const { return row_bytes_; }

 private:
  void meter() { row_bytes_ += sizeof(Value); }

  virtual void do_begin_row() = 0;
  virtual Status do_end_row() = 0;
  virtual void do_abort_row() = 0;
  virtual void do_null() = 0;
  virtual void do_boolean(bool b) = 0;
  virtual void do_int64(int64_t i) = 0;
  virtual void do_float64(double d) = 0;
  virtual void do_bytes(std::string_view s) = 0;
  virtual void do_begin_group() = 0;
  virtual void do_end_group() = 0;
  virtual void do_begin_list() = 0;
  virtual void do_end_list() = 0;
  virtual void do_begin_map() = 0;
  virtual void do_end_map() = 0;

  uint64_t row_bytes_ = 0;
};

}  // namespace td::parquet
