// Options of the Parquet file writer (file_writer.h): codec and row-group
// bounds. Its own header so that the pieces of src/parquet that only name a
// codec (compression.h, metadata.h) do not include the writer's interface.
#pragma once

#include <cstdint>
#include <string>

#include "util/status.h"

namespace td::parquet {

// Page compression (Parquet format: CompressionCodec; data page V1 bodies are
// compressed whole).
enum class Codec { uncompressed, snappy, zstd };

// "snappy" | "zstd" | "uncompressed" (also "none") -> Codec; anything else is a
// config error.
Result<Codec> parse_codec(const std::string& name);

struct WriterOptions {
  Codec codec = Codec::snappy;
  int zstd_level = 3;
  // A row group is flushed after this many rows (> 0).
  uint64_t row_group_rows = 100000;
  // Bound on the buffered (uncompressed) row group in bytes, so memory stays
  // flat whatever the row sizes; 0 = rows only.
  uint64_t row_group_bytes = 128 << 20;
  // Written as is when it contains " version "; otherwise " version <project
  // version>" is appended (readers parse "<app> version <semver>").
  std::string created_by = "tiff-dumper";
};

}  // namespace td::parquet
