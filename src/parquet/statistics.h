// Column-chunk statistics: null count always; min/max in the column's sort
// order (the order the format defines for its physical + logical type).
//
//   BOOLEAN                    false < true
//   INT32/INT64 signed/none    signed;  uint8..uint64 compare unsigned
//   DOUBLE                     numeric, NaN ignored; a 0 min is written -0.0,
//                              a 0 max +0.0 (as the format asks)
//   BYTE_ARRAY                 lexicographic over unsigned bytes
//
// Values are encoded PLAIN (byte arrays without length prefix). The legacy
// min/max fields are filled only for signed orders, where old readers agree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "parquet/schema.h"

namespace td::parquet {

struct EncodedStatistics {
  int64_t null_count = 0;
  std::optional<std::string> min_value;  // absent: no non-null (non-NaN) value seen
  std::optional<std::string> max_value;
  bool signed_order = false;  // also fill the legacy min/max fields
};

class ColumnStatistics {
 public:
  // Byte-array min/max longer than this are dropped (null_count is kept).
  static constexpr size_t kMaxByteArrayStat = 4096;

  ColumnStatistics(Physical physical, Logical logical);

  void add_nulls(int64_t n) { null_count_ += n; }
  void update(bool v);
  void update(int32_t v);
  void update(int64_t v);
  void update(double v);
  void update(std::string_view v);

  EncodedStatistics encode() const;
  void reset();

 private:
  Physical physical_;
  bool unsigned_;
  int64_t null_count_ = 0;
  bool has_ = false;
  // One pair is used, by physical type (bool and int32 live in the int64 pair).
  int64_t min_i_ = 0, max_i_ = 0;
  double min_d_ = 0, max_d_ = 0;
  std::string min_s_, max_s_;
};

}  // namespace td::parquet
