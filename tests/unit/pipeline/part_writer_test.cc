// PartWriter and OutputDir: a row the Parquet writer refuses becomes that
// object's error row (the run goes on); stray names in OUT_DIR never crash
// --resume; the output lock keeps a second run out.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "pipeline/output_dir.h"
#include "pipeline/part_writer.h"
#include "row/row_builder.h"
#include "row/row_schema.h"

namespace td::pipeline {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path;
  TempDir() {
    path = fs::temp_directory_path() / ("td-part-writer-" + std::to_string(::getpid()) + "-" +
                                        std::to_string(std::random_device{}()));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
};

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

row::ObjectOutcome listed(const std::string& key) {
  row::ObjectOutcome o;
  o.object.key = key;
  o.object.size = 4096;
  o.object.last_modified_ms = 1700000000123;
  o.cost.requests = 1;
  o.cost.bytes_read = 512;
  return o;
}

row::ObjectOutcome good(const std::string& key) {
  row::ObjectOutcome o = listed(key);
  o.header = tiff::Header{};
  o.header->ifds.emplace_back();
  return o;
}

TEST(PartWriter, EveryObjectGetsItsRowAndIsRecordedAsDone) {
  TempDir dir;
  auto out = OutputDir::prepare(dir.path.string(), Shard{}, OutputMode::fresh);
  ASSERT_TRUE(out.ok()) << out.error().message;
  std::vector<std::string> files;
  {
    PartWriter writer(parquet::WriterOptions{}, 100, *out, files);
    row::ObjectOutcome failed = listed("b.tif");
    failed.error = Error{ErrorKind::truncated, "the file ends inside IFD 0"};
    row::ObjectOutcome warned = good("c.tif");
    warned.header->warnings.push_back({"tag_value_out_of_bounds", 0, 270, "past the end"});
    auto a = writer.write(good("a.tif"));
    auto b = writer.write(failed);
    auto c = writer.write(warned);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok()) << (b.ok() ? "" : b.error().message);
    EXPECT_EQ(*a, row::RowKind::header);
    EXPECT_EQ(*b, row::RowKind::error);
    EXPECT_EQ(*c, row::RowKind::warned);
    ASSERT_TRUE(writer.finish().ok());
  }
  ASSERT_EQ(files.size(), 1u);
  const std::string part = slurp(files[0]);
  EXPECT_EQ(part.substr(0, 4), "PAR1");
  EXPECT_EQ(part.substr(part.size() - 4), "PAR1");
  // All three objects are recorded as done, in order.
  EXPECT_EQ(slurp(out->keys_path(0)), "\"a.tif\"\n\"b.tif\"\n\"c.tif\"\n");
  for (const auto& e : fs::directory_iterator(dir.path)) EXPECT_NE(e.path().extension(), ".tmp") << e.path();
}

TEST(PartWriter, PartsEndAtWriteChunkSize) {
  TempDir dir;
  auto out = OutputDir::prepare(dir.path.string(), Shard{}, OutputMode::fresh);
  ASSERT_TRUE(out.ok()) << out.error().message;
  std::vector<std::string> files;
  {
    PartWriter writer(parquet::WriterOptions{}, 2, *out, files);
    for (const char* key : {"a.tif", "b.tif", "c.tif", "d.tif", "e.tif"}) ASSERT_TRUE(writer.write(good(key)).ok());
    ASSERT_TRUE(writer.finish().ok());
  }
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(slurp(out->keys_path(0)), "\"a.tif\"\n\"b.tif\"\n");
  EXPECT_EQ(slurp(out->keys_path(2)), "\"e.tif\"\n");
}

void touch(const fs::path& p, const std::string& text = "x") { std::ofstream(p) << text; }

TEST(OutputDir, StrayNamesNeverCrashResume) {
  TempDir dir;
  touch(dir.path / "part-00000.parquet");
  touch(dir.path / ".part-00000.parquet.keys", "\"a.tif\"\n");
  touch(dir.path / "part-99999999999999999999.parquet");  // overflows any integer
  touch(dir.path / "part-1000000000.parquet");            // above the largest index
  touch(dir.path / "part-abc.parquet");
  touch(dir.path / "part-+0001.parquet");
  touch(dir.path / "part-000002.parquet");                // not a name we make (extra zero)
  touch(dir.path / ".part-99999999999999999999.parquet.keys");
  fs::create_directory(dir.path / "part-00003.parquet");  // a directory named like a part
  touch(dir.path / ".part-00001.parquet.keys", "\"orphan\"\n");  // no part: uncommitted
  touch(dir.path / ".part-00001.parquet.1234-abcd.tmp");
  touch(dir.path / "notes.txt");
  auto out = OutputDir::prepare(dir.path.string(), Shard{}, OutputMode::resume);
  ASSERT_TRUE(out.ok()) << out.error().message;
  EXPECT_EQ(out->done_keys().size(), 1u);
  EXPECT_EQ(out->existing_parts().size(), 1u);
  EXPECT_EQ(out->next_part_index(), 4u);  // past the directory in the way
  EXPECT_FALSE(fs::exists(dir.path / ".part-00001.parquet.keys"));
  EXPECT_FALSE(fs::exists(dir.path / ".part-00001.parquet.1234-abcd.tmp"));
  for (const char* kept : {"part-99999999999999999999.parquet", "part-abc.parquet", "part-000002.parquet",
                           "part-00003.parquet", "notes.txt", "part-1000000000.parquet"}) {
    EXPECT_TRUE(fs::exists(dir.path / kept)) << kept;
  }
}

TEST(OutputDir, APartWithoutKeysRecordIsRefusedNotGuessed) {
  TempDir dir;
  touch(dir.path / "part-00000.parquet");
  fs::create_directory(dir.path / ".part-00000.parquet.keys");  // a directory is no record
  auto out = OutputDir::prepare(dir.path.string(), Shard{}, OutputMode::resume);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.error().kind, ErrorKind::config);
  EXPECT_NE(out.error().message.find("no keys record"), std::string::npos) << out.error().message;
}

Shard shard(uint32_t i, uint32_t n) {
  Shard s;
  s.index = i;
  s.count = n;
  s.sharded = true;
  return s;
}

TEST(OutputDir, ASecondRunOnTheSameOutputFailsNamingTheHolder) {
  TempDir dir;
  const std::string pid = "pid " + std::to_string(::getpid());
  {
    auto first = OutputDir::prepare(dir.path.string(), Shard{}, OutputMode::fresh);
    ASSERT_TRUE(first.ok()) << first.error().message;
    for (OutputMode mode : {OutputMode::fresh, OutputMode::overwrite, OutputMode::resume}) {
      auto second = OutputDir::prepare(dir.path.string(), Shard{}, mode);
      ASSERT_FALSE(second.ok());
      EXPECT_EQ(second.error().kind, ErrorKind::config);
      EXPECT_NE(second.error().message.find("in use by another tiff-dumper run (" + pid), std::string::npos)
          << second.error().message;
    }
    EXPECT_FALSE(OutputDir::prepare(dir.path.string(), shard(0, 2), OutputMode::fresh).ok());
  }
  // Released, and the lock file gone with it: the directory is as it was.
  EXPECT_TRUE(fs::is_empty(dir.path));
  {
    auto s0 = OutputDir::prepare(dir.path.string(), shard(0, 2), OutputMode::fresh);
    auto s1 = OutputDir::prepare(dir.path.string(), shard(1, 2), OutputMode::fresh);
    ASSERT_TRUE(s0.ok() && s1.ok());  // shards share a directory
    auto again = OutputDir::prepare(dir.path.string(), shard(1, 2), OutputMode::overwrite);
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().message.find("shard 1/2"), std::string::npos) << again.error().message;
    auto whole = OutputDir::prepare(dir.path.string(), Shard{}, OutputMode::overwrite);
    ASSERT_FALSE(whole.ok());
    EXPECT_NE(whole.error().message.find(pid), std::string::npos) << whole.error().message;
  }
  EXPECT_TRUE(fs::is_empty(dir.path));
}

TEST(OutputDir, NothingIsCommittedIntoADirectoryThatReplacedTheLockedOne) {
  TempDir dir;
  const fs::path out_path = dir.path / "out";
  fs::create_directory(out_path);
  auto out = OutputDir::prepare(out_path.string(), Shard{}, OutputMode::fresh);
  ASSERT_TRUE(out.ok()) << out.error().message;
  // Renamed away mid-run, and a new directory (another run's, say) put in its place.
  fs::rename(out_path, dir.path / "out.old");
  fs::create_directory(out_path);
  touch(fs::path(out->part_tmp_path(0)));
  touch(fs::path(out->keys_tmp_path(0)));
  Status committed = out->commit_part(0);
  ASSERT_FALSE(committed.ok());
  EXPECT_NE(committed.error().message.find("was moved or replaced"), std::string::npos) << committed.error().message;
  EXPECT_FALSE(fs::exists(out->part_path(0)));
  Status manifest = out->write_manifest(RunCounts{}, {});
  ASSERT_FALSE(manifest.ok());
  EXPECT_FALSE(fs::exists(out->manifest_path()));
}

}  // namespace
}  // namespace td::pipeline
