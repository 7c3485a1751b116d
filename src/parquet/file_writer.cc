#include "parquet/file_writer.h"

#include <bit>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "parquet/column_buffer.h"
#include "parquet/compression.h"
#include "parquet/metadata.h"
#include "parquet/schema_layout.h"
#include "parquet/shredder.h"
#include "util/version.h"

namespace td::parquet {

static_assert(std::endian::native == std::endian::little,
              "PLAIN encoding here copies little-endian memory as is");

namespace {

constexpr char kMagic[] = "PAR1";

std::string full_created_by(const std::string& created_by) {
  // Readers parse "<application> version <semver>"; add ours if the caller did not.
  if (created_by.find(" version ") != std::string::npos) return created_by;
  return created_by + " version " + td::version();
}

class ParquetFileWriter final : public FileWriter {
 public:
  ParquetFileWriter(std::unique_ptr<OutputSink> sink, Schema schema, SchemaLayout layout, WriterOptions options)
      : sink_(std::move(sink)),
        schema_(std::move(schema)),
        layout_(std::move(layout)),
        shredder_(layout_),
        options_(std::move(options)) {
  }
  ParquetFileWriter(const ParquetFileWriter&) = delete;
  ParquetFileWriter& operator=(const ParquetFileWriter&) = delete;

  Status start() { return write_bytes(std::string_view(kMagic, 4)); }

  Status write_row(const Value& row) override {
    if (auto st = usable(); !st.ok()) return st;
    if (auto st = shredder_.shred(row, group_.mutable_columns()); !st.ok()) return st;
    group_.add_rows(1);
    return rows_added();
  }

  RowSink& rows() override { return builder_; }

  Status rows_added() override {
    if (auto st = usable(); !st.ok()) return st;
    if (group_.num_rows() >= options_.row_group_rows || over_byte_budget()) return flush_row_group();
    return Status::ok_status();
  }

  Status write_batch(const RowBatch& batch) override {
    if (auto st = usable(); !st.ok()) return st;
    auto& columns = group_.mutable_columns();
    if (&batch.layout() != &layout_ && batch.layout().leaves.size() != layout_.leaves.size())
      return Error{ErrorKind::invalid_value, "batch built on another schema"};
    for (size_t i = 0; i < columns.size(); ++i) {
      if (batch.columns()[i].leaf().path != layout_.leaves[i].path)
        return Error{ErrorKind::invalid_value, "batch built on another schema"};
    }
    if (batch.num_rows() == 0) return Status::ok_status();
    for (size_t i = 0; i < columns.size(); ++i) columns[i].append(batch.columns()[i]);
    group_.add_rows(batch.num_rows());
    return rows_added();
  }

  const SchemaLayout& layout() const override { return layout_; }

  uint64_t rows_written() const override { return flushed_rows_ + group_.num_rows(); }

  void set_key_value(const std::string& key, std::string value) override {
    for (auto& kv : key_values_)
      if (kv.first == key) return void(kv.second = std::move(value));
    key_values_.emplace_back(key, std::move(value));
  }

  Status close() override {
    if (closed_) return Status::ok_status();
    if (auto st = usable(); !st.ok()) return st;
    if (auto st = flush_row_group(); !st.ok()) return st;
    FooterInput in;
    in.schema = &schema_;
    in.layout = &layout_;
    in.codec = options_.codec;
    in.row_groups = &row_groups_;
    in.num_rows = static_cast<int64_t>(flushed_rows_);
    in.created_by = full_created_by(options_.created_by);
    in.key_values = key_values_;
    auto footer = serialize_file_metadata(in);
    if (!footer.ok()) return fail(footer.error());
    const auto len = static_cast<uint32_t>(footer->size());
    char len_le[4];
    std::memcpy(len_le, &len, 4);
    if (auto st = write_bytes(*footer); !st.ok()) return st;
    if (auto st = write_bytes(std::string_view(len_le, 4)); !st.ok()) return st;
    if (auto st = write_bytes(std::string_view(kMagic, 4)); !st.ok()) return st;
    if (auto st = sink_->close(); !st.ok()) return fail(st.error());
    closed_ = true;
    return Status::ok_status();
  }

 private:
  Status usable() const {
    if (failed_) return *failed_;
    if (closed_) return Error{ErrorKind::internal, "parquet writer for " + sink_->name() + " is closed"};
    return Status::ok_status();
  }

  Status fail(Error e) {
    failed_ = e;
    return e;
  }

  Status write_bytes(std::string_view bytes) {
    if (auto st = sink_->append(bytes); !st.ok()) return fail(st.error());
    offset_ += static_cast<int64_t>(bytes.size());
    return Status::ok_status();
  }

  bool over_byte_budget() const {
    if (options_.row_group_bytes == 0) return false;
    return group_.buffered_bytes() >= options_.row_group_bytes;
  }

  // One data page per column, then the buffers are emptied.
  Status flush_row_group() {
    if (group_.num_rows() == 0) return Status::ok_status();
    RowGroupMeta rg;
    rg.num_rows = static_cast<int64_t>(group_.num_rows());
    rg.file_offset = offset_;
    for (ColumnBuffer& col : group_.mutable_columns()) {
      auto meta = write_column_chunk(col);
      if (!meta.ok()) return fail(meta.error());
      rg.columns.push_back(std::move(*meta));
      col.clear();
    }
    row_groups_.push_back(std::move(rg));
    flushed_rows_ += group_.num_rows();
    group_.clear();
    return Status::ok_status();
  }

  Result<ColumnChunkMeta> write_column_chunk(const ColumnBuffer& col) {
    col.page_body(body_);
    auto stored = compressor_.compress(body_);
    if (!stored.ok()) return stored.error();
    constexpr auto kMax = static_cast<size_t>(std::numeric_limits<int32_t>::max());
    if (body_.size() > kMax || stored->size() > kMax || col.num_levels() > static_cast<int64_t>(kMax))
      return Error{ErrorKind::limit_exceeded,
                   "column chunk too large for one page; lower row_group_rows or row_group_bytes"};
    auto header = serialize_data_page_header(static_cast<int32_t>(col.num_levels()),
                                             static_cast<int32_t>(body_.size()),
                                             static_cast<int32_t>(stored->size()));
    if (!header.ok()) return header.error();

    ColumnChunkMeta meta;
    meta.data_page_offset = offset_;
    meta.num_values = col.num_levels();
    meta.total_uncompressed_size = static_cast<int64_t>(header->size() + body_.size());
    meta.total_compressed_size = static_cast<int64_t>(header->size() + stored->size());
    meta.has_levels = col.leaf().max_def > 0 || col.leaf().max_rep > 0;
    meta.statistics = col.statistics().encode();
    if (auto st = write_bytes(*header); !st.ok()) return st.error();
    if (auto st = write_bytes(*stored); !st.ok()) return st.error();
    return meta;
  }

  std::unique_ptr<OutputSink> sink_;
  Schema schema_;
  SchemaLayout layout_;
  Shredder shredder_;
  WriterOptions options_;
  int64_t offset_ = 0;
  RowBatch group_{layout_};  // the open row group
  RowBuilder builder_{group_};
  std::string body_;  // page body scratch, reused: see Compressor
  Compressor compressor_{options_.codec, options_.zstd_level};
  std::vector<RowGroupMeta> row_groups_;
  std::vector<std::pair<std::string, std::string>> key_values_;  // written by close()
  uint64_t flushed_rows_ = 0;  // rows of the row groups written
  bool closed_ = false;
  std::optional<Error> failed_;
};

}  // namespace

Result<std::unique_ptr<FileWriter>> FileWriter::open(std::unique_ptr<OutputSink> sink, Schema schema,
                                                     WriterOptions options) {
  if (options.row_group_rows == 0) return Error{ErrorKind::config, "row_group_rows must be > 0"};
  auto layout = layout_schema(schema);
  if (!layout.ok()) return layout.error();
  auto writer = std::make_unique<ParquetFileWriter>(std::move(sink), std::move(schema), std::move(*layout),
                                                    std::move(options));
  if (auto st = writer->start(); !st.ok()) return st.error();
  return std::unique_ptr<FileWriter>(std::move(writer));
}

Result<std::unique_ptr<FileWriter>> FileWriter::open(const std::string& path, Schema schema,
                                                     WriterOptions options) {
  if (options.row_group_rows == 0) return Error{ErrorKind::config, "row_group_rows must be > 0"};
  auto layout = layout_schema(schema);  // checked before the file is created, as before
  if (!layout.ok()) return layout.error();
  auto sink = open_file_sink(path);
  if (!sink.ok()) return sink.error();
  return open(std::move(*sink), std::move(schema), std::move(options));
}

}  // namespace td::parquet
