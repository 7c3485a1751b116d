// Thrift-serialized Parquet metadata: page headers and the footer. This is
// the only place that knows the generated Thrift types; everything is written
// with the compact protocol, as the format requires.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "parquet/writer_options.h"
#include "parquet/schema.h"
#include "parquet/schema_layout.h"
#include "parquet/statistics.h"
#include "util/status.h"

namespace td::parquet {

// A DATA_PAGE (V1) header: PLAIN values, RLE levels.
Result<std::string> serialize_data_page_header(int32_t num_values, int32_t uncompressed_size,
                                               int32_t compressed_size);

struct ColumnChunkMeta {
  int64_t num_values = 0;               // levels, nulls included
  int64_t total_uncompressed_size = 0;  // page header + uncompressed body
  int64_t total_compressed_size = 0;    // page header + stored body
  int64_t data_page_offset = 0;
  bool has_levels = false;              // RLE listed among the encodings
  EncodedStatistics statistics;
};

struct RowGroupMeta {
  std::vector<ColumnChunkMeta> columns;  // one per leaf, in layout order
  int64_t num_rows = 0;
  int64_t file_offset = 0;               // first byte of the first column chunk
};

struct FooterInput {
  const Schema* schema = nullptr;
  const SchemaLayout* layout = nullptr;
  Codec codec = Codec::uncompressed;
  const std::vector<RowGroupMeta>* row_groups = nullptr;
  int64_t num_rows = 0;
  std::string created_by;
  // FileMetaData.key_value_metadata, in order (e.g. GeoParquet's "geo").
  std::vector<std::pair<std::string, std::string>> key_values;
};

// The serialized FileMetaData (without length and magic).
Result<std::string> serialize_file_metadata(const FooterInput& in);

}  // namespace td::parquet
