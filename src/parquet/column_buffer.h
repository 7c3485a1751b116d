// One leaf column's data for the current row group: repetition and definition
// levels and PLAIN-encoded non-null values. The shredder appends (and rolls a
// rejected row back to a mark); the file writer turns the buffer into one data
// page, with statistics computed from the buffered values, and clears it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "parquet/schema.h"
#include "parquet/schema_layout.h"
#include "parquet/statistics.h"

namespace td::parquet {

class ColumnBuffer {
 public:
  explicit ColumnBuffer(const LeafColumn& leaf);

  // A slot with no value: def < max_def (null somewhere on the path, or an
  // empty/null list or map above the leaf).
  void add_null(int16_t rep, int16_t def);
  // A present value (def = max_def). `v` has already been validated against
  // the leaf's type (bool, int64_t within range, double or std::string).
  void add_value(int16_t rep, const Value& v);
  // Typed forms (RowBuilder's): the caller guarantees the leaf's physical type
  // (and, for STRING/JSON, valid UTF-8 / JSON text; for int32, the range).
  void add_bool(int16_t rep, bool b);
  void add_int(int16_t rep, int64_t i);
  void add_double(int16_t rep, double d);
  void add_bytes(int16_t rep, std::string_view s);
  // Appends every level and value of `other` (same leaf), as if its rows had
  // been added here.
  void append(const ColumnBuffer& other);

  // Where the buffer stands; rollback(m) drops everything appended since.
  struct Mark {
    size_t rep = 0, def = 0, values = 0;
    int bool_bits = 0;
    int64_t num_levels = 0, num_nulls = 0;
  };
  Mark mark() const { return Mark{rep_.size(), def_.size(), values_.size(), bool_bits_, num_levels_, num_nulls_}; }
  void rollback(const Mark& m);

  const LeafColumn& leaf() const { return leaf_; }
  int64_t num_levels() const { return num_levels_; }  // values incl. nulls (page num_values)
  int64_t num_nulls() const { return num_nulls_; }
  const std::vector<int16_t>& rep_levels() const { return rep_; }  // empty if max_rep == 0
  const std::vector<int16_t>& def_levels() const { return def_; }  // empty if max_def == 0
  const std::string& values() const { return values_; }           // PLAIN, non-null only
  // Null count and min/max of the buffered values (one pass over them: done
  // once per page rather than per value, and a rollback has nothing to undo).
  ColumnStatistics statistics() const;
  // Memory the buffered levels and values take (what a row group's byte budget counts).
  size_t buffered_bytes() const { return values_.size() + sizeof(int16_t) * (rep_.size() + def_.size()); }

  // Data page V1 body before compression: [len][rep levels] [len][def levels]
  // values, written into `out` (replacing its contents, keeping its capacity).
  void page_body(std::string& out) const;

  void clear();

 private:
  void add_levels(int16_t rep, int16_t def);

  LeafColumn leaf_;
  std::vector<int16_t> rep_, def_;
  std::string values_;
  int bool_bits_ = 0;  // booleans: bits used in the last byte of values_
  int64_t num_levels_ = 0;
  int64_t num_nulls_ = 0;
};

}  // namespace td::parquet
