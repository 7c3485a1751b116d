#include "pipeline/part_writer.h"

#include <algorithm>
#include <filesystem>

#include "parquet/utf8.h"
#include "pipeline/run_cleanup.h"
#include "row/row_schema.h"
#include "util/log.h"

namespace td::pipeline {

namespace fs = std::filesystem;

namespace {

// Valid UTF-8 of `s` (STRING columns must hold it): unchanged when it is,
// else with each invalid byte escaped as \xHH (parquet::escape_key, reversible).
std::string as_utf8(const std::string& s) { return parquet::is_valid_utf8(s) ? s : parquet::escape_key(s); }

const std::string* path_of(const parquet::Value& row) {
  static const size_t path_column = row::column_index("path");
  const auto* box = std::get_if<parquet::Value::FieldsBox>(&row.raw());
  if (!box || box->fields.size() <= path_column) return nullptr;
  return std::get_if<std::string>(&box->fields[path_column].raw());
}

}  // namespace

parquet::Value unwritable_row(const parquet::Value& rejected, const Error& why) {
  const auto& schema = row::row_schema();
  parquet::Value::Fields row(schema.fields.size());
  const auto* box = std::get_if<parquet::Value::FieldsBox>(&rejected.raw());
  auto copy = [&](const char* name, bool text) {
    const size_t i = row::column_index(name);
    if (!box || box->fields.size() != row.size()) return;
    const parquet::Value& v = box->fields[i];
    if (text) {
      if (const auto* s = std::get_if<std::string>(&v.raw())) row[i] = parquet::Value(as_utf8(*s));
    } else if (std::holds_alternative<int64_t>(v.raw())) {
      row[i] = v;
    }
  };
  for (const char* name : {"size", "last_modified", "requests", "bytes_read"}) copy(name, false);
  copy("etag", true);
  const std::string* path = path_of(rejected);
  row[row::column_index("path")] = parquet::Value(path ? as_utf8(*path) : std::string("<unknown>"));
  row[row::column_index("error_kind")] = parquet::Value(error_kind_name(ErrorKind::unwritable_row));
  row[row::column_index("error")] = parquet::Value(as_utf8("the Parquet writer rejected this row: " + why.message));
  return parquet::Value::fields(std::move(row));
}

PartWriter::PartWriter(const parquet::WriterOptions& writer, uint64_t write_chunk_size, const OutputDir& out,
                       std::vector<std::string>& files)
    : writer_options_(writer),
      write_chunk_size_(std::max<uint64_t>(1, write_chunk_size)),
      out_(out),
      files_(files),
      next_index_(out.next_part_index()) {}

PartWriter::~PartWriter() { abandon(); }

Result<PartWriter::Written> PartWriter::write(const parquet::Value& row) {
  if (!writer_) {
    if (Status s = open(); !s.ok()) return s.error();
  }
  Written written = Written::row;
  const parquet::Value* to_write = &row;
  parquet::Value replacement;
  const uint64_t before = writer_->rows_written();
  if (Status s = writer_->write_row(row); !s.ok()) {
    // The writer's contract: a row that does not match the schema is an
    // invalid_value error and leaves no trace. Anything else broke the part.
    if (s.error().kind != ErrorKind::invalid_value || writer_->rows_written() != before) return s.error();
    replacement = unwritable_row(row, s.error());
    const std::string* path = path_of(replacement);
    log::warn((path ? *path : std::string("a row")) + ": " + s.error().message + "; written as an error row");
    if (Status r = writer_->write_row(replacement); !r.ok()) return r.error();
    to_write = &replacement;
    written = Written::error_row;
  }
  const std::string* path = path_of(*to_write);
  if (Status s = keys_->add(path ? *path : std::string()); !s.ok()) return s.error();
  if (writer_->rows_written() >= write_chunk_size_) {
    if (Status s = finish(); !s.ok()) return s.error();
  }
  return written;
}

Status PartWriter::finish() {
  if (!writer_ && files_.empty() && out_.existing_parts().empty()) {
    if (Status s = open(); !s.ok()) return s;
  }
  if (!writer_) return Status();
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
