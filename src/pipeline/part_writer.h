// Writes a `headers` run's rows into part files of at most `write_chunk_size`
// rows, each under this run's temporary name until complete (with the record
// of its keys), so a reader never sees a half-written file and --resume knows
// what is done.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "parquet/file_writer.h"
#include "pipeline/output_dir.h"
#include "util/status.h"

namespace td::pipeline {

// The row written in place of `rejected`, a row the Parquet writer refused
// (it does not match the schema): the object's listing facts (path, size,
// last_modified, etag, requests, bytes_read, where they are well formed), no
// header columns, error_kind `unwritable_row` and `why` as the error text.
parquet::Value unwritable_row(const parquet::Value& rejected, const Error& why);

class PartWriter {
 public:
  // `files` receives the path of each committed part. `write_chunk_size` > 0.
  PartWriter(const parquet::WriterOptions& writer, uint64_t write_chunk_size, const OutputDir& out,
             std::vector<std::string>& files);
  ~PartWriter();

  enum class Written { row, error_row };
  // Writes one row (row::row_schema() shape). A row the writer refuses is
  // rolled back by it and replaced by its unwritable_row(): Written::error_row,
  // the run goes on. Any other failure (I/O) is returned: the part is broken.
  Result<Written> write(const parquet::Value& row);
  // Completes and commits the open part. A run that wrote nothing still
  // yields one (empty) file, so the dataset and its schema are there to query.
  Status finish();
  // After a fatal error: drop the incomplete part so nothing half-written remains.
  void abandon();

 private:
  Status open();

  parquet::WriterOptions writer_options_;
  uint64_t write_chunk_size_;
  const OutputDir& out_;
  std::vector<std::string>& files_;
  uint64_t next_index_;
  uint64_t index_ = 0;
  std::unique_ptr<parquet::FileWriter> writer_;
  std::unique_ptr<OutputDir::KeysWriter> keys_;  // `path` of each row in the open part
};

}  // namespace td::pipeline
