// Writes one Parquet file: open with a Schema, append rows, close.
// Rows are shredded into column buffers as they arrive (Dremel levels);
// a row group is flushed every `row_group_rows` rows, as soon as its buffers
// reach `row_group_bytes`, and at close. The file
// is complete and valid only after close() returns ok.
//
// Contract: PLAIN values, RLE levels, data page V1, one page per column chunk
// and row group; statistics (min, max, null_count) on every primitive column
// with a defined order; created_by = "tiff-dumper version X".
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "parquet/schema.h"
#include "util/status.h"

namespace td::parquet {

enum class Codec { uncompressed, snappy, zstd };

// "snappy" | "zstd" | "uncompressed" (also "none") -> Codec.
Result<Codec> parse_codec(const std::string& name);

struct WriterOptions {
  Codec codec = Codec::snappy;
  int zstd_level = 3;
  uint64_t row_group_rows = 100000;
  // Bound on the buffered (uncompressed) row group, so memory stays flat
  // whatever the row sizes; 0 = rows only.
  uint64_t row_group_bytes = 128 << 20;
  // Written as is when it contains " version "; otherwise " version <project
  // version>" is appended (readers parse "<app> version <semver>").
  std::string created_by = "tiff-dumper";
};

class FileWriter {
 public:
  static Result<std::unique_ptr<FileWriter>> open(const std::string& path, Schema schema,
                                                  WriterOptions options = {});
  virtual ~FileWriter() = default;
  // `row` is a Value::fields with one value per schema field. A row that does
  // not match the schema is an invalid_value error and is not written.
  virtual Status write_row(const Value& row) = 0;
  virtual uint64_t rows_written() const = 0;
  // Flushes the last row group and the footer, then closes the file.
  virtual Status close() = 0;
};

}  // namespace td::parquet
