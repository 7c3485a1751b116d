// Every TIFF of the shared corpus (../shared/corpus next to the repository) must parse,
// with plausible tags, the same way whether read in memory or through the protocol.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "test_util.h"
#include "tiff/header_reader.h"
#include "tiff/tags.h"

namespace td::tiff {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> corpus_tiffs() {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(TD_CORPUS_DIR, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    auto ext = it->path().extension().string();
    if (it->is_regular_file() && (ext == ".tif" || ext == ".tiff")) out.push_back(it->path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<uint8_t> slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Reads through the sans-IO protocol as a remote store would: a 16 KiB first read,
// object size unknown, each request answered (short at the end of the object).
Result<Header> read_remote(const std::vector<uint8_t>& bytes, int& rounds) {
  HeaderReader reader;
  auto feed = [&](uint64_t offset, uint64_t len) {
    offset = std::min<uint64_t>(offset, bytes.size());
    len = std::min<uint64_t>(len, bytes.size() - offset);
    reader.feed(offset, std::span(bytes).subspan(offset, len));
  };
  feed(0, 16384);
  for (rounds = 1;; ++rounds) {
    auto step = reader.advance();
    if (step.error) return *step.error;
    if (step.header) return std::move(*step.header);
    for (const auto& r : step.needed) feed(r.offset, r.length);
  }
}

TEST(Corpus, EveryFileParsesWithPlausibleTags) {
  if (!fs::exists(TD_CORPUS_DIR)) {
    GTEST_SKIP() << "corpus not found at " << TD_CORPUS_DIR << " (shared/corpus next to the repo)";
  }
  auto files = corpus_tiffs();
  ASSERT_FALSE(files.empty()) << "no .tif/.tiff under " << TD_CORPUS_DIR;
  for (const auto& path : files) {
    SCOPED_TRACE(path.string());
    auto bytes = slurp(path);
    auto r = read_header(bytes);
    ASSERT_TRUE(r.ok()) << r.error().describe();
    const Header& h = *r;
    ASSERT_FALSE(h.ifds.empty());
    const Ifd& first = h.ifds[0];
    auto width = first.find(tag::image_width), length = first.find(tag::image_length);
    ASSERT_TRUE(width && length);
    EXPECT_GT(width->first_uint().value_or(0), 0u);
    EXPECT_GT(length->first_uint().value_or(0), 0u);
    if (auto bps = first.find(tag::bits_per_sample)) {
      for (auto b : bps->as_ints()) EXPECT_TRUE(b >= 1 && b <= 64) << b;
    }
    bool strips = first.find(tag::strip_offsets), tiles = first.find(tag::tile_offsets);
    EXPECT_TRUE(strips || tiles);
    ASSERT_TRUE(h.first_data_offset);
    EXPECT_LT(*h.first_data_offset, bytes.size());
    EXPECT_LE(h.metadata_end, bytes.size());
    EXPECT_GT(h.metadata_end, 8u);
    for (const Ifd& ifd : h.ifds) {
      EXPECT_LT(ifd.offset, bytes.size());
      for (const Tag& t : ifd.tags) {
        if (field_type_size(t.type_code) == 0) continue;
        if (is_data_array_tag(t.code)) {
          EXPECT_FALSE(t.loaded());
        } else if (t.count <= 1024) {
          EXPECT_TRUE(t.loaded()) << "tag " << t.code;
        }
      }
    }
    if (first.find(tag::geo_key_directory)) {
      ASSERT_TRUE(h.geokeys);
      EXPECT_EQ(h.geokeys->version, 1);
      EXPECT_TRUE(h.geokeys->find(1024) || h.geokeys->find(2048) || h.geokeys->find(3072));
    }

    int rounds = 0;
    auto remote = read_remote(bytes, rounds);
    ASSERT_TRUE(remote.ok()) << remote.error().describe();
    EXPECT_LE(rounds, 4);
    ASSERT_EQ(remote->ifds.size(), h.ifds.size());
    for (size_t i = 0; i < h.ifds.size(); ++i) {
      ASSERT_EQ(remote->ifds[i].tags.size(), h.ifds[i].tags.size());
      for (size_t k = 0; k < h.ifds[i].tags.size(); ++k) {
        EXPECT_EQ(remote->ifds[i].tags[k].values, h.ifds[i].tags[k].values);
      }
    }
    EXPECT_EQ(remote->first_data_offset, h.first_data_offset);
    EXPECT_EQ(remote->metadata_end, h.metadata_end);
  }
}

}  // namespace
}  // namespace td::tiff
