// FirstReadEstimator: the adaptive size of an object's first ranged read.
#include <gtest/gtest.h>

#include <random>
#include <thread>
#include <vector>

#include "pipeline/fetch_header.h"

namespace td::pipeline {
namespace {

constexpr uint64_t kCap = 64 * 1024;

FirstReadEstimator::Options small_window() {
  FirstReadEstimator::Options o;
  o.window = 100;
  o.min_samples = 10;
  o.recompute_every = 1;
  return o;
}

TEST(FirstReadEstimator, AnswersTheCapUntilItHasSamples) {
  FirstReadEstimator e(small_window());
  EXPECT_EQ(e.first_read_bytes(kCap), kCap);
  for (int i = 0; i < 9; ++i) e.record(2000);
  EXPECT_EQ(e.first_read_bytes(kCap), kCap);
  e.record(2000);
  EXPECT_EQ(e.first_read_bytes(kCap), 4096u);  // 2000 * 1.25 rounded up to 4 KiB
  EXPECT_EQ(e.samples(), 10u);
}

TEST(FirstReadEstimator, RoundsUpWithMarginAndClamps) {
  FirstReadEstimator e(small_window());
  for (int i = 0; i < 10; ++i) e.record(12700);  // 15875 -> 16 KiB
  EXPECT_EQ(e.first_read_bytes(kCap), 16384u);
  EXPECT_EQ(e.first_read_bytes(8192), 8192u);  // never above the cap
  for (int i = 0; i < 100; ++i) e.record(10);   // tiny headers: the floor
  EXPECT_EQ(e.first_read_bytes(kCap), 4096u);
  for (int i = 0; i < 100; ++i) e.record(1 << 20);  // past the cap: the cap
  EXPECT_EQ(e.first_read_bytes(kCap), kCap);
}

TEST(FirstReadEstimator, CoversAHighQuantileOfRecentHeaders) {
  // A few big headers below the quantile do not set the size.
  {
    FirstReadEstimator e(small_window());
    for (int i = 0; i < 97; ++i) e.record(3000);
    for (int i = 0; i < 3; ++i) e.record(30000);
    EXPECT_EQ(e.first_read_bytes(kCap), 4096u);
  }
  FirstReadEstimator e(small_window());
  // 94 small headers and 6 big ones in the window: the 95 % quantile is big.
  for (int i = 0; i < 94; ++i) e.record(3000);
  for (int i = 0; i < 6; ++i) e.record(30000);
  EXPECT_EQ(e.first_read_bytes(kCap), 40960u);  // 30000 * 1.25 = 37500 -> 40 KiB
  // The big ones age out of the window.
  for (int i = 0; i < 100; ++i) e.record(3000);
  EXPECT_EQ(e.first_read_bytes(kCap), 4096u);
}

TEST(FirstReadEstimator, FollowsAShiftInHeaderSizesWithinAFewObjects) {
  FirstReadEstimator::Options o;  // defaults: window 256, q 0.95
  FirstReadEstimator e(o);
  for (int i = 0; i < 1000; ++i) e.record(2500);
  EXPECT_EQ(e.first_read_bytes(kCap), 4096u);
  int too_small = 0;
  for (int i = 0; i < 1000; ++i) {
    if (e.first_read_bytes(kCap) < 12000) ++too_small;  // objects that would need a second request
    e.record(12000);
  }
  EXPECT_LE(too_small, 24);  // about 5 % of the window, plus one recompute step
  EXPECT_EQ(e.first_read_bytes(kCap), 16384u);
}

TEST(FirstReadEstimator, MeetsRequestAndByteTargetsOnAMixedStream) {
  // Headers drawn from a mix like bench/'s GDAL COGs: the learned first read
  // covers >= 95 % of objects in one request.
  std::vector<uint64_t> sizes = {1892, 1726, 2968, 2970, 1914, 3894, 6314, 12746, 1324, 2770,
                                 2268, 12524, 1908, 12264, 1354, 2782, 4152, 1630, 1682, 872};
  FirstReadEstimator e;
  std::mt19937 rng(42);
  int objects = 20000, second = 0;
  for (int i = 0; i < objects; ++i) {
    uint64_t need = sizes[rng() % sizes.size()];
    uint64_t first = e.first_read_bytes(kCap);
    if (first < need) ++second;
    e.record(need);
  }
  EXPECT_LE(second, objects / 20);
  EXPECT_LE(e.first_read_bytes(kCap), 16384u);
}

TEST(FirstReadEstimator, IsSafeToShareBetweenThreads) {
  FirstReadEstimator e;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&e, t] {
      for (int i = 0; i < 20000; ++i) {
        e.record(1000 + 1000 * t);
        (void)e.first_read_bytes(kCap);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(e.samples(), 80000u);
  uint64_t v = e.first_read_bytes(kCap);
  EXPECT_GE(v, 4096u);
  EXPECT_LE(v, 8192u);  // 4000 * 1.25 = 5000 -> 8 KiB at most
}

tiff::Header header_with(std::vector<uint64_t> ifd_offsets, uint64_t metadata_end) {
  tiff::Header h;
  for (uint64_t off : ifd_offsets) {
    tiff::Ifd ifd;
    ifd.offset = off;
    h.ifds.push_back(ifd);
  }
  h.metadata_end = metadata_end;
  return h;
}

TEST(FirstReadEstimator, NeededPrefixOfAHeader) {
  // A COG: every IFD and value at the front.
  EXPECT_EQ(FirstReadEstimator::needed_prefix(header_with({16, 300, 500}, 12000), kCap), 12000u);
  // Metadata at the front but longer than the cap: a bigger first read still helps.
  EXPECT_EQ(FirstReadEstimator::needed_prefix(header_with({16, 3000}, 200000), kCap), kCap);
  // Overviews appended after the image data (gdaladdo on a GeoTIFF): no first read helps.
  EXPECT_EQ(FirstReadEstimator::needed_prefix(header_with({8, 5000000}, 5001000), kCap), std::nullopt);
  // A strip TIFF with its only IFD at the end of a big file.
  EXPECT_EQ(FirstReadEstimator::needed_prefix(header_with({900000}, 900200), kCap), std::nullopt);
  // A small file with its IFD at the end: reading it all at once is one request.
  EXPECT_EQ(FirstReadEstimator::needed_prefix(header_with({40000}, 40200), kCap), 40200u);
}

TEST(FetchOptions, ShareOneEstimatorBetweenCopies) {
  FetchOptions a;
  FetchOptions b = a;
  ASSERT_NE(a.first_read, nullptr);
  EXPECT_EQ(a.first_read.get(), b.first_read.get());
}

}  // namespace
}  // namespace td::pipeline
