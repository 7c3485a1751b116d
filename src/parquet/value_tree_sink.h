// A RowSink (row_sink.h) that builds each row as a Value tree: what `info`
// prints and what unit tests inspect. The Parquet path appends to column
// buffers instead (RowBuilder); the same fill calls feed both.
#pragma once

#include <optional>
#include <vector>

#include "parquet/row_sink.h"

namespace td::parquet {

class ValueTreeSink final : public RowSink {
 public:
  // The last row ended with end_row(): a Value::fields with one value per
  // top-level field given. Null before the first row and after abort_row().
  const Value& row() const { return row_; }
  Value take_row() { return std::move(row_); }

 private:
  struct Frame {
    enum class Kind { row, group, list, map } kind;
    std::vector<Value> items;  // fields / items; for a map: key, value, key, value, ...
  };
  void add(Value v);
  void begin(Frame::Kind kind);
  void end(Frame::Kind kind);

  void do_begin_row() override;
  Status do_end_row() override;
  void do_abort_row() override;
  void do_null() override { add(Value()); }
  void do_boolean(bool b) override { add(Value(b)); }
  void do_int64(int64_t i) override { add(Value(i)); }
  void do_float64(double d) override { add(Value(d)); }
  void do_bytes(std::string_view s) override { add(Value(std::string(s))); }
  void do_begin_group() override { begin(Frame::Kind::group); }
  void do_end_group() override { end(Frame::Kind::group); }
  void do_begin_list() override { begin(Frame::Kind::list); }
  void do_end_list() override { end(Frame::Kind::list); }
  void do_begin_map() override { begin(Frame::Kind::map); }
  void do_end_map() override { end(Frame::Kind::map); }

  std::vector<Frame> stack_;
  std::optional<Error> error_;
  Value row_;
};

}  // namespace td::parquet
