// The writer writes through an OutputSink: in memory it produces the same bytes
// as on disk, and a failing sink fails the writer.
#include "parquet/output_sink.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include <unistd.h>

#include "parquet/file_writer.h"

namespace td::parquet {
namespace {

Schema small_schema() {
  return Schema{{Node::string("path", false), Node::list("bits", Node::primitive("b", Physical::int64))}};
}

Value small_row(int i) {
  return Value::fields({"f" + std::to_string(i), i % 2 ? Value() : Value::list({int64_t{8}, int64_t{i}})});
}

void write_rows(FileWriter& w) {
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(w.write_row(small_row(i)).ok());
  ASSERT_TRUE(w.close().ok());
}

TEST(OutputSink, MemoryFileEqualsDiskFile) {
  std::string memory;
  auto in_memory = FileWriter::open(std::make_unique<MemorySink>(&memory), small_schema());
  ASSERT_TRUE(in_memory.ok());
  write_rows(**in_memory);

  const auto path = std::filesystem::temp_directory_path() / ("td_sink_test_" + std::to_string(::getpid()));
  auto on_disk = FileWriter::open(path.string(), small_schema());
  ASSERT_TRUE(on_disk.ok());
  write_rows(**on_disk);
  std::ifstream f(path, std::ios::binary);
  const std::string disk(std::istreambuf_iterator<char>(f), {});
  std::filesystem::remove(path);

  ASSERT_GT(memory.size(), 12u);
  EXPECT_EQ(memory.substr(0, 4), "PAR1");
  EXPECT_EQ(memory.substr(memory.size() - 4), "PAR1");
  EXPECT_EQ(memory, disk);
}

class FailingSink final : public OutputSink {
 public:
  Status append(std::string_view data) override {
    if (written_ + data.size() > 4) return Error{ErrorKind::io, "disk full"};
    written_ += data.size();
    return Status::ok_status();
  }
  Status close() override { return Status::ok_status(); }
  const std::string& name() const override { return name_; }

 private:
  size_t written_ = 0;
  std::string name_ = "failing";
};

TEST(OutputSink, SinkErrorFailsTheWriter) {
  auto w = FileWriter::open(std::make_unique<FailingSink>(), small_schema());
  ASSERT_TRUE(w.ok());  // the magic fits
  ASSERT_TRUE((*w)->write_row(small_row(0)).ok());
  const Status st = (*w)->close();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::io);
  EXPECT_FALSE((*w)->write_row(small_row(1)).ok());  // a failed writer stays failed
}

TEST(OutputSink, FileSinkReportsTheMissingDirectory) {
  auto sink = open_file_sink("/nonexistent-dir-td/x.parquet");
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.error().kind, ErrorKind::io);
  EXPECT_NE(sink.error().message.find("/nonexistent-dir-td/x.parquet"), std::string::npos);
}

}  // namespace
}  // namespace td::parquet
