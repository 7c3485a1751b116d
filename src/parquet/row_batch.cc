#include "parquet/row_batch.h"

#include <string>

namespace td::parquet {

RowBatch::RowBatch(const SchemaLayout& layout) : layout_(layout) {
  columns_.reserve(layout.leaves.size());
  for (const LeafColumn& leaf : layout.leaves) columns_.emplace_back(leaf);
}

size_t RowBatch::buffered_bytes() const {
  size_t n = 0;
  for (const ColumnBuffer& c : columns_) n += c.buffered_bytes();
  return n;
}

void RowBatch::clear() {
  for (ColumnBuffer& c : columns_) c.clear();
  rows_ = 0;
}

void RowBuilder::fail(const std::string& message) {
  if (!error_) error_ = Error{ErrorKind::invalid_value, "row does not match the schema: " + message};
}

void RowBuilder::do_begin_row() {
  stack_.clear();
  error_.reset();
  marks_.resize(batch_.columns_.size());
  for (size_t i = 0; i < marks_.size(); ++i) marks_[i] = batch_.columns_[i].mark();
  stack_.push_back(Frame{});
}

void RowBuilder::do_abort_row() {
  stack_.clear();
  error_.reset();
  for (size_t i = 0; i < marks_.size(); ++i) batch_.columns_[i].rollback(marks_[i]);
  marks_.clear();
}

Status RowBuilder::do_end_row() {
  if (!error_ && (stack_.size() != 1 || stack_.back().next != batch_.layout_.roots.size()))
    fail("row ended with " + std::to_string(stack_.empty() ? 0 : stack_.back().next) + " of " +
         std::to_string(batch_.layout_.roots.size()) + " fields, or inside a nested value");
  stack_.clear();
  if (error_) {
    for (size_t i = 0; i < marks_.size(); ++i) batch_.columns_[i].rollback(marks_[i]);
    return *error_;
  }
  ++batch_.rows_;
  return Status::ok_status();
}

std::optional<RowBuilder::Slot> RowBuilder::next_slot(const char* what) {
  if (error_) return std::nullopt;
  if (stack_.empty()) {
    fail(std::string(what) + " outside a row");
    return std::nullopt;
  }
  Frame& f = stack_.back();
  if (!f.node || f.node->kind == Node::Kind::group) {
    const auto& fields = f.node ? f.node->children : batch_.layout_.roots;
    if (f.next >= fields.size()) {
      fail(std::string(what) + " after the last field" + (f.node ? " of " + f.node->name : std::string()));
      return std::nullopt;
    }
    return Slot{&fields[f.next++], f.rep, f.def};
  }
  const PlanNode& p = *f.node;
  const auto def = static_cast<int16_t>(p.def_level + 1);
  if (p.kind == Node::Kind::list) {
    const int16_t rep = f.next++ == 0 ? f.rep : p.entry_rep;
    return Slot{&p.children[0], rep, def};
  }
  const size_t i = f.next++;  // map: key, value, key, value, ...
  const int16_t rep = i / 2 == 0 ? f.rep : p.entry_rep;
  return Slot{&p.children[i % 2], rep, def};
}

void RowBuilder::do_null() {
  auto s = next_slot("null");
  if (!s) return;
  if (!s->node->optional) return fail("null in required field " + s->node->name);
  for (size_t leaf = s->node->first_leaf; leaf < s->node->end_leaf; ++leaf)
    batch_.columns_[leaf].add_null(s->rep, s->def);
}

void RowBuilder::primitive(Physical physical, const char* what, auto add) {
  auto s = next_slot(what);
  if (!s) return;
  ColumnBuffer& col = batch_.columns_[s->node->first_leaf];
  const bool fits = s->node->kind == Node::Kind::primitive &&
                    (col.leaf().physical == physical ||
                     (physical == Physical::int64 && col.leaf().physical == Physical::int32));
  if (!fits) return fail(std::string(what) + " given for field " + s->node->name);
  add(col, s->rep);
}

void RowBuilder::do_boolean(bool b) {
  primitive(Physical::boolean, "boolean", [b](ColumnBuffer& c, int16_t rep) { c.add_bool(rep, b); });
}
void RowBuilder::do_int64(int64_t i) {
  primitive(Physical::int64, "int64", [i](ColumnBuffer& c, int16_t rep) { c.add_int(rep, i); });
}
void RowBuilder::do_float64(double d) {
  primitive(Physical::double_, "double", [d](ColumnBuffer& c, int16_t rep) { c.add_double(rep, d); });
}
void RowBuilder::do_bytes(std::string_view s) {
  primitive(Physical::byte_array, "bytes", [s](ColumnBuffer& c, int16_t rep) { c.add_bytes(rep, s); });
}

void RowBuilder::begin(Node::Kind kind, const char* what) {
  auto s = next_slot(what);
  if (!s) return;
  if (s->node->kind != kind) return fail(std::string(what) + " given for field " + s->node->name);
  stack_.push_back(Frame{s->node, 0, s->rep, s->node->def_level});
}

void RowBuilder::end(Node::Kind kind, const char* what) {
  if (error_) return;
  if (stack_.size() < 2 || stack_.back().node->kind != kind) return fail(std::string(what) + " without its begin");
  const Frame f = stack_.back();
  const PlanNode& p = *f.node;
  if (kind == Node::Kind::group && f.next != p.children.size())
    return fail("group " + p.name + " ended after " + std::to_string(f.next) + " of its fields");
  if (kind == Node::Kind::map && f.next % 2 != 0) return fail("map " + p.name + " ended after a key");
  if (kind != Node::Kind::group && f.next == 0) {  // empty list or map: present, no entry
    for (size_t leaf = p.first_leaf; leaf < p.end_leaf; ++leaf) batch_.columns_[leaf].add_null(f.rep, p.def_level);
  }
  stack_.pop_back();
}

void RowBuilder::do_begin_group() { begin(Node::Kind::group, "begin_group"); }
void RowBuilder::do_end_group() { end(Node::Kind::group, "end_group"); }
void RowBuilder::do_begin_list() { begin(Node::Kind::list, "begin_list"); }
void RowBuilder::do_end_list() { end(Node::Kind::list, "end_list"); }
void RowBuilder::do_begin_map() { begin(Node::Kind::map, "begin_map"); }
void RowBuilder::do_end_map() { end(Node::Kind::map, "end_map"); }

}  // namespace td::parquet
