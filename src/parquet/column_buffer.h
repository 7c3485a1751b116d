// One leaf column's data for the current row group: repetition and definition
// levels, PLAIN-encoded non-null values and running statistics. The shredder
// appends; the file writer turns the buffer into one data page and clears it.
#pragma once

#include <cstdint>
#include <string>
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

  const LeafColumn& leaf() const { return leaf_; }
  int64_t num_levels() const { return num_levels_; }  // values incl. nulls (page num_values)
  int64_t num_nulls() const { return num_nulls_; }
  const std::vector<int16_t>& rep_levels() const { return rep_; }  // empty if max_rep == 0
  const std::vector<int16_t>& def_levels() const { return def_; }  // empty if max_def == 0
  const std::string& values() const { return values_; }           // PLAIN, non-null only
  const ColumnStatistics& statistics() const { return stats_; }
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
  ColumnStatistics stats_;
};

}  // namespace td::parquet
