// Writes one Parquet file to an OutputSink (a file, or memory in tests):
// open with a Schema, append rows, close.
// Rows go into the open row group's column buffers (Dremel levels) as they
// arrive: built there value by value (rows(), a RowBuilder), shredded from a
// Value (write_row) or copied from a RowBatch (write_batch);
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

#include "parquet/output_sink.h"
#include "parquet/row_batch.h"
#include "parquet/schema.h"
#include "parquet/writer_options.h"
#include "util/status.h"

namespace td::parquet {

class FileWriter {
 public:
  // Creates (or truncates) the file at `path` and writes to it. Errors: config
  // (row_group_rows == 0), invalid_value (a schema that cannot be written),
  // io / permission_denied (the file cannot be created).
  static Result<std::unique_ptr<FileWriter>> open(const std::string& path, Schema schema,
                                                  WriterOptions options = {});
  // Writes to `sink` (a MemorySink in tests); the writer owns it and closes it
  // in close(). Same errors as above, bar the file's.
  static Result<std::unique_ptr<FileWriter>> open(std::unique_ptr<OutputSink> sink, Schema schema,
                                                  WriterOptions options = {});
  virtual ~FileWriter() = default;
  // `row` is a Value::fields with one value per schema field. A row that does
  // not match the schema is an invalid_value error and is not written.
  virtual Status write_row(const Value& row) = 0;
  // Appends every row of `batch`, which must have been built on this writer's
  // layout() (else invalid_value, nothing written). The row-group bounds are
  // checked after the whole batch: a row group ends at a batch boundary.
  virtual Status write_batch(const RowBatch& batch) = 0;
  // Builds rows straight into the open row group, with no copy: begin_row() ...
  // end_row() on rows() (a RowBuilder), then rows_added() after each ended row;
  // it closes the row group when row_group_rows or row_group_bytes is reached.
  // Errors of rows_added: those of a failed or closed writer, io.
  virtual RowSink& rows() = 0;
  virtual Status rows_added() = 0;
  // The schema's leaves and levels: build RowBatches on it.
  virtual const SchemaLayout& layout() const = 0;
  virtual uint64_t rows_written() const = 0;
  // Flushes the last row group and the footer, then closes the file.
  virtual Status close() = 0;
  // Sets a file key-value metadata entry written by close() (FileMetaData.key_value_metadata);
  // setting a key again replaces its value.
  virtual void set_key_value(const std::string& key, std::string value) = 0;
};

}  // namespace td::parquet
