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
#include "row/geoparquet.h"
#include "row/row_builder.h"
#include "util/status.h"

namespace td::pipeline {

class PartWriter {
 public:
  // `files` receives the path of each committed part. `write_chunk_size` > 0.
  PartWriter(const parquet::WriterOptions& writer, uint64_t write_chunk_size, const OutputDir& out,
             std::vector<std::string>& files);
  ~PartWriter();

  // Makes the object's row straight into the open part's row group
  // (row::append_row: a row the writer refuses becomes the object's
  // `unwritable_row` error row, the run goes on) and says what kind it is.
  // A failure to write (I/O) is returned: the part is broken.
  Result<row::RowKind> write(const row::ObjectOutcome& outcome);
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
  row::GeoParquetMetadata geo_;                  // the open part's GeoParquet "geo" entry
};

}  // namespace td::pipeline
