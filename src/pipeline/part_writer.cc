#include "pipeline/part_writer.h"

#include <algorithm>
#include <filesystem>

#include "pipeline/run_cleanup.h"
#include "row/geoparquet.h"
#include "row/row_schema.h"
#include "util/log.h"

namespace td::pipeline {

namespace fs = std::filesystem;

PartWriter::PartWriter(const parquet::WriterOptions& writer, uint64_t write_chunk_size, const OutputDir& out,
                       std::vector<std::string>& files)
    : writer_options_(writer),
      write_chunk_size_(std::max<uint64_t>(1, write_chunk_size)),
      out_(out),
      files_(files),
      next_index_(out.next_part_index()) {}

PartWriter::~PartWriter() { abandon(); }

Result<row::RowKind> PartWriter::write(const row::ObjectOutcome& outcome) {
  if (!writer_) {
    if (Status s = open(); !s.ok()) return s.error();
  }
  std::optional<catalog::Footprint> footprint;
  const row::RowKind kind = row::append_row(outcome, writer_->rows(), &footprint);
  geo_.add(footprint);
  if (Status s = writer_->rows_added(); !s.ok()) return s.error();
  if (Status s = keys_->add(row::path_text(outcome)); !s.ok()) return s.error();  // --resume reads it back
  if (writer_->rows_written() >= write_chunk_size_) {
    if (Status s = finish(); !s.ok()) return s.error();
  }
  return kind;
}

Status PartWriter::finish() {
  if (!writer_ && files_.empty() && out_.existing_parts().empty()) {
    if (Status s = open(); !s.ok()) return s;
  }
  if (!writer_) return Status();
  writer_->set_key_value("geo", geo_.json());  // GeoParquet 1.1
  Status s = writer_->close();
  if (s.ok()) s = keys_->close();
  if (s.ok()) s = out_.commit_part(index_);
  if (!s.ok()) {
    abandon();  // nothing of a part that did not commit stays behind
    return s;
  }
  writer_.reset();
  keys_.reset();
  files_.push_back(out_.part_path(index_));
  log::debug("wrote " + files_.back());
  return Status();
}

void PartWriter::abandon() {
  if (!writer_ && !keys_) return;
  writer_.reset();
  keys_.reset();
  std::error_code ec;
  for (const std::string& path : {out_.part_tmp_path(index_), out_.keys_tmp_path(index_)}) {
    fs::remove(path, ec);
    RunCleanup::instance().drop_temp(path);
  }
}

Status PartWriter::open() {
  geo_ = row::GeoParquetMetadata();
  index_ = next_index_++;
  const std::string tmp = out_.part_tmp_path(index_);
  parquet::WriterOptions w = writer_options_;
  w.row_group_rows = std::min<uint64_t>(w.row_group_rows, write_chunk_size_);
  RunCleanup::instance().add_temp(tmp);
  auto opened = parquet::FileWriter::open(tmp, row::row_schema(), w);
  if (!opened.ok()) return opened.error();
  writer_ = std::move(*opened);
  auto keys = out_.open_keys(index_);
  if (!keys.ok()) return keys.error();
  keys_ = std::move(*keys);
  return Status();
}

}  // namespace td::pipeline
