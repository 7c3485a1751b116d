#include "parquet/value_tree_sink.h"

namespace td::parquet {

void ValueTreeSink::do_begin_row() {
  stack_.clear();
  error_.reset();
  row_ = Value();
  stack_.push_back(Frame{Frame::Kind::row, {}});
}

void ValueTreeSink::add(Value v) {
  if (stack_.empty()) {
    if (!error_) error_ = Error{ErrorKind::invalid_value, "row does not match the schema: a value outside a row"};
    return;
  }
  stack_.back().items.push_back(std::move(v));
}

void ValueTreeSink::begin(Frame::Kind kind) { stack_.push_back(Frame{kind, {}}); }

void ValueTreeSink::end(Frame::Kind kind) {
  if (stack_.size() < 2 || stack_.back().kind != kind) {
    if (!error_) error_ = Error{ErrorKind::invalid_value, "row does not match the schema: an end without its begin"};
    return;
  }
  Frame f = std::move(stack_.back());
  stack_.pop_back();
  switch (kind) {
    case Frame::Kind::group: add(Value::fields(std::move(f.items))); break;
    case Frame::Kind::list: add(Value::list(std::move(f.items))); break;
    case Frame::Kind::map: {
      Value::Map entries;
      entries.reserve(f.items.size() / 2);
      for (size_t i = 0; i + 1 < f.items.size(); i += 2)
        entries.emplace_back(std::move(f.items[i]), std::move(f.items[i + 1]));
      if (f.items.size() % 2 != 0 && !error_)
        error_ = Error{ErrorKind::invalid_value, "row does not match the schema: a map ended after a key"};
      add(Value::map(std::move(entries)));
      break;
    }
    case Frame::Kind::row: break;
  }
}

Status ValueTreeSink::do_end_row() {
  if (!error_ && (stack_.size() != 1 || stack_.back().kind != Frame::Kind::row))
    error_ = Error{ErrorKind::invalid_value, "row does not match the schema: row ended inside a nested value"};
  if (error_) {
    stack_.clear();
    return *error_;
  }
  row_ = Value::fields(std::move(stack_.back().items));
  stack_.clear();
  return Status::ok_status();
}

void ValueTreeSink::do_abort_row() {
  stack_.clear();
  error_.reset();
  row_ = Value();
}

}  // namespace td::parquet
