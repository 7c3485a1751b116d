// Writes files and reads the footer back with the generated Thrift types.
#include "parquet/file_writer.h"

#include <gtest/gtest.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <system_error>

#include <unistd.h>

#include "parquet_metadata_types.h"

namespace td::parquet {
namespace {

namespace fmt = td::parquet::format;
using V = Value;

// A per-process scratch directory, removed when the test binary exits.
struct ScratchDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("td_parquet_test_" + std::to_string(::getpid()));
  ScratchDir() { std::filesystem::create_directories(path); }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
};

std::string temp_path(const std::string& name) {
  static ScratchDir dir;
  return (dir.path / name).string();
}

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

fmt::FileMetaData read_footer(const std::string& file) {
  EXPECT_GE(file.size(), 12u);
  EXPECT_EQ(file.substr(0, 4), "PAR1");
  EXPECT_EQ(file.substr(file.size() - 4), "PAR1");
  uint32_t len;
  std::memcpy(&len, file.data() + file.size() - 8, 4);
  std::string footer = file.substr(file.size() - 8 - len, len);
  auto buf = std::make_shared<apache::thrift::transport::TMemoryBuffer>(
      reinterpret_cast<uint8_t*>(footer.data()), static_cast<uint32_t>(footer.size()));
  apache::thrift::protocol::TCompactProtocolT<apache::thrift::transport::TMemoryBuffer> proto(buf);
  fmt::FileMetaData md;
  md.read(&proto);
  return md;
}

Schema sample_schema() {
  return Schema{{
      Node::string("path", false),
      Node::primitive("size", Physical::int64, Logical::uint64),
      Node::primitive("when", Physical::int64, Logical::timestamp_ms_utc),
      Node::list("bits", Node::primitive("b", Physical::int32, Logical::uint16)),
      Node::map("tags", Node::string("k"), Node::primitive("v", Physical::int64, Logical::none)),
  }};
}

Value sample_row(int i) {
  return V::fields({"f" + std::to_string(i), int64_t{i * 10}, int64_t{1700000000000 + i},
                    i % 2 ? V() : V::list({int64_t{8}, int64_t{i}}),
                    V::map({{"a", int64_t{i}}})});
}

TEST(ParseCodecTest, Names) {
  EXPECT_EQ(*parse_codec("snappy"), Codec::snappy);
  EXPECT_EQ(*parse_codec("zstd"), Codec::zstd);
  EXPECT_EQ(*parse_codec("uncompressed"), Codec::uncompressed);
  EXPECT_EQ(*parse_codec("none"), Codec::uncompressed);
  auto bad = parse_codec("gzip");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().kind, ErrorKind::config);
}

TEST(FileWriterTest, FooterDescribesRowGroupsAndSchema) {
  for (Codec codec : {Codec::uncompressed, Codec::snappy, Codec::zstd}) {
    const std::string path = temp_path("footer.parquet");
    WriterOptions opt;
    opt.codec = codec;
    opt.row_group_rows = 2;
    auto w = FileWriter::open(path, sample_schema(), opt);
    ASSERT_TRUE(w.ok()) << w.error().describe();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*w)->write_row(sample_row(i)).ok());
    EXPECT_EQ((*w)->rows_written(), 5u);
    ASSERT_TRUE((*w)->close().ok());

    const std::string file = slurp(path);
    fmt::FileMetaData md = read_footer(file);
    EXPECT_EQ(md.version, 1);
    EXPECT_EQ(md.num_rows, 5);
    EXPECT_EQ(md.created_by, "tiff-dumper version " TD_VERSION);
    ASSERT_EQ(md.row_groups.size(), 3u);
    EXPECT_EQ(md.row_groups[0].num_rows, 2);
    EXPECT_EQ(md.row_groups[2].num_rows, 1);
    EXPECT_EQ(md.row_groups[0].file_offset, 4);
    EXPECT_EQ(md.row_groups[1].ordinal, 1);

    // schema, size, when, bits, list, element, tags, key_value, key, value
    ASSERT_EQ(md.schema.size(), 11u);
    EXPECT_EQ(md.schema[0].num_children, 5);
    EXPECT_EQ(md.schema[1].name, "path");
    EXPECT_EQ(md.schema[1].repetition_type, fmt::FieldRepetitionType::REQUIRED);
    EXPECT_EQ(md.schema[1].converted_type, fmt::ConvertedType::UTF8);
    EXPECT_TRUE(md.schema[1].logicalType.__isset.STRING);
    EXPECT_EQ(md.schema[2].converted_type, fmt::ConvertedType::UINT_64);
    EXPECT_FALSE(md.schema[2].logicalType.INTEGER.isSigned);
    EXPECT_EQ(md.schema[3].converted_type, fmt::ConvertedType::TIMESTAMP_MILLIS);
    EXPECT_TRUE(md.schema[3].logicalType.TIMESTAMP.isAdjustedToUTC);
    EXPECT_TRUE(md.schema[3].logicalType.TIMESTAMP.unit.__isset.MILLIS);
    EXPECT_EQ(md.schema[4].converted_type, fmt::ConvertedType::LIST);
    EXPECT_EQ(md.schema[5].name, "list");
    EXPECT_EQ(md.schema[5].repetition_type, fmt::FieldRepetitionType::REPEATED);
    EXPECT_EQ(md.schema[6].name, "element");
    EXPECT_EQ(md.schema[6].type, fmt::Type::INT32);
    EXPECT_EQ(md.schema[6].converted_type, fmt::ConvertedType::UINT_16);
    EXPECT_EQ(md.schema[7].converted_type, fmt::ConvertedType::MAP);
    EXPECT_EQ(md.schema[8].name, "key_value");
    EXPECT_EQ(md.schema[9].name, "key");
    EXPECT_EQ(md.schema[9].repetition_type, fmt::FieldRepetitionType::REQUIRED);
    EXPECT_EQ(md.schema[10].name, "value");
    EXPECT_EQ(md.column_orders.size(), 6u);

    const auto& cols = md.row_groups[0].columns;
    ASSERT_EQ(cols.size(), 6u);
    EXPECT_EQ(cols[3].meta_data.path_in_schema, (std::vector<std::string>{"bits", "list", "element"}));
    EXPECT_EQ(cols[3].meta_data.num_values, 3);  // [8, 0] and null
    EXPECT_EQ(cols[3].meta_data.statistics.null_count, 1);
    EXPECT_EQ(cols[0].meta_data.codec, static_cast<fmt::CompressionCodec::type>(
                                           codec == Codec::uncompressed ? 0 : codec == Codec::snappy ? 1 : 6));
    int64_t size_min;
    std::memcpy(&size_min, cols[1].meta_data.statistics.min_value.data(), 8);
    EXPECT_EQ(size_min, 0);
    EXPECT_FALSE(cols[1].meta_data.statistics.__isset.min);  // unsigned: no legacy min/max
    EXPECT_TRUE(cols[2].meta_data.statistics.__isset.min);   // signed timestamp keeps it
    // Column chunks follow each other: each starts where the previous ended.
    for (size_t i = 1; i < cols.size(); ++i)
      EXPECT_EQ(cols[i].meta_data.data_page_offset,
                cols[i - 1].meta_data.data_page_offset + cols[i - 1].meta_data.total_compressed_size);
  }
}

TEST(FileWriterTest, RowGroupEndsAtTheByteBudget) {
  // Each row buffers ~1,030 bytes (a 1,000-byte path plus small columns):
  // a 2,500-byte budget is crossed by the third row, before the row limit.
  const std::string path = temp_path("byte_budget.parquet");
  WriterOptions opt;
  opt.row_group_rows = 1000;
  opt.row_group_bytes = 2500;
  auto w = FileWriter::open(path, sample_schema(), opt);
  ASSERT_TRUE(w.ok()) << w.error().describe();
  for (int i = 0; i < 7; ++i) {
    Value row = V::fields({std::string(1000, static_cast<char>('a' + i)), int64_t{i}, int64_t{1700000000000},
                           V::list({int64_t{8}}), V::map({{"a", int64_t{i}}})});
    ASSERT_TRUE((*w)->write_row(row).ok());
  }
  ASSERT_TRUE((*w)->close().ok());
  fmt::FileMetaData md = read_footer(slurp(path));
  EXPECT_EQ(md.num_rows, 7);
  ASSERT_EQ(md.row_groups.size(), 3u);
  EXPECT_EQ(md.row_groups[0].num_rows, 3);
  EXPECT_EQ(md.row_groups[1].num_rows, 3);
  EXPECT_EQ(md.row_groups[2].num_rows, 1);
}

TEST(FileWriterTest, BadRowIsRejectedAndNotWritten) {
  const std::string path = temp_path("bad_row.parquet");
  auto w = FileWriter::open(path, sample_schema(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->write_row(sample_row(0)).ok());
  Status st = (*w)->write_row(V::fields({"x", int64_t{-5}, nullptr, nullptr, nullptr}));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::invalid_value);
  EXPECT_NE(st.error().message.find("size"), std::string::npos) << st.error().message;
  EXPECT_EQ((*w)->rows_written(), 1u);
  ASSERT_TRUE((*w)->write_row(sample_row(1)).ok());
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_TRUE((*w)->close().ok());  // idempotent
  EXPECT_FALSE((*w)->write_row(sample_row(2)).ok());
  fmt::FileMetaData md = read_footer(slurp(path));
  EXPECT_EQ(md.num_rows, 2);
  EXPECT_EQ(md.row_groups.at(0).columns.at(0).meta_data.num_values, 2);
}

TEST(FileWriterTest, EmptyFileHasNoRowGroups) {
  const std::string path = temp_path("empty.parquet");
  auto w = FileWriter::open(path, sample_schema(), {});
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->close().ok());
  fmt::FileMetaData md = read_footer(slurp(path));
  EXPECT_EQ(md.num_rows, 0);
  EXPECT_TRUE(md.row_groups.empty());
}

TEST(FileWriterTest, OpenErrors) {
  auto bad_schema = FileWriter::open(temp_path("x.parquet"), Schema{}, {});
  ASSERT_FALSE(bad_schema.ok());
  EXPECT_EQ(bad_schema.error().kind, ErrorKind::invalid_value);
  auto bad_dir = FileWriter::open("/nonexistent-dir/x.parquet", sample_schema(), {});
  ASSERT_FALSE(bad_dir.ok());
  EXPECT_EQ(bad_dir.error().kind, ErrorKind::io);
  WriterOptions zero;
  zero.row_group_rows = 0;
  EXPECT_FALSE(FileWriter::open(temp_path("y.parquet"), sample_schema(), zero).ok());
}

TEST(FileWriterTest, CustomCreatedByIsKept) {
  const std::string path = temp_path("created_by.parquet");
  WriterOptions opt;
  opt.created_by = "tiff-dumper version 9.9.9";
  auto w = FileWriter::open(path, sample_schema(), opt);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->close().ok());
  EXPECT_EQ(read_footer(slurp(path)).created_by, "tiff-dumper version 9.9.9");
}

}  // namespace
}  // namespace td::parquet
