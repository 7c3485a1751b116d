#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "pipeline/bounded_queue.h"
#include "pipeline/fetch_header.h"
#include "pipeline/headers_run.h"
#include "pipeline/output_dir.h"

namespace td::pipeline {
namespace {

TEST(Coalesce, MergesNearbyRangesOnly) {
  using R = tiff::ByteRange;
  auto out = coalesce({R{4000, 10}, R{0, 100}, R{200, 50}, R{9000, 1}, R{10'000'000, 8}}, 4096);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], (R{0, 4010}));   // gaps of 100 and 3750 bytes: merged
  EXPECT_EQ(out[1], (R{9000, 1}));   // a 4990-byte gap: separate
  EXPECT_EQ(out[2], (R{10'000'000, 8}));
}

TEST(Shard, StableHashSplitsDisjointlyAndCoversAll) {
  EXPECT_EQ(stable_hash(""), 14695981039346656037ull);  // FNV-1a offset basis
  EXPECT_EQ(stable_hash("a"), 0xaf63dc4c8601ec8cull);   // published FNV-1a 64 test vector
  const uint32_t n = 7;
  std::vector<int> owners(1000, 0);
  for (uint32_t i = 0; i < n; ++i) {
    Shard s{i, n, true, "test"};
    for (int k = 0; k < 1000; ++k) owners[k] += s.owns("key/" + std::to_string(k) + ".tif");
  }
  for (int k = 0; k < 1000; ++k) EXPECT_EQ(owners[k], 1) << k;
  EXPECT_TRUE(Shard{}.owns("anything"));
}

TEST(BoundedQueue, AppliesBackpressureAndDrainsAfterClose) {
  BoundedQueue<int> q(2);
  EXPECT_TRUE(q.push(1));
  EXPECT_TRUE(q.push(2));
  std::atomic<bool> third_pushed{false};
  std::thread producer([&] {
    q.push(3);  // blocks until a pop makes room
    third_pushed = true;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_FALSE(third_pushed.load());
  EXPECT_EQ(q.pop(), 1);
  producer.join();
  EXPECT_TRUE(third_pushed.load());
  q.close();
  EXPECT_FALSE(q.push(4));
  EXPECT_EQ(q.pop(), 2);
  EXPECT_EQ(q.pop(), 3);
  EXPECT_EQ(q.pop(), std::nullopt);
}

TEST(BoundedQueue, PopBatchWaitsForABurstButNotForever) {
  using namespace std::chrono_literals;
  BoundedQueue<int> q(10);
  std::vector<int> out;
  // One item and no more coming: returned once max_wait has passed.
  q.push(1);
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(q.pop_batch(out, 4, 50ms));
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 40ms);
  EXPECT_EQ(out, std::vector<int>({1}));
  // The burst completes while the consumer waits: returned before max_wait.
  std::thread producer([&] {
    for (int i = 2; i <= 5; ++i) {
      std::this_thread::sleep_for(5ms);
      q.push(i);
    }
  });
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(q.pop_batch(out, 4, 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  producer.join();
  EXPECT_EQ(out, std::vector<int>({2, 3, 4, 5}));
  // Closing wakes a waiting consumer; what is left is drained, then false.
  q.push(6);
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    q.close();
  });
  t0 = std::chrono::steady_clock::now();
  ASSERT_TRUE(q.pop_batch(out, 4, 10s));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  closer.join();
  EXPECT_EQ(out, std::vector<int>({6}));
  EXPECT_FALSE(q.pop_batch(out, 4, 10s));
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace td::pipeline
