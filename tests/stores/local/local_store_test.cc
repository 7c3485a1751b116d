// LocalStore listing: key order, prefixes, pages, symlinks, and that pages
// arrive while the walk is still going (it must not collect a whole tree).
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "store/local/local_store.h"

namespace fs = std::filesystem;
using td::store::LocalStore;
using td::store::ObjectInfo;

namespace {

class LocalStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("td-local-" + std::to_string(::getpid()) + "-" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  void TearDown() override { fs::remove_all(root_); }

  void file(const std::string& key, const std::string& content = "x") {
    fs::create_directories((root_ / key).parent_path());
    std::ofstream(root_ / key) << content;
  }

  std::vector<std::string> keys(const std::string& prefix, size_t page_size = 1000, std::vector<size_t>* pages = nullptr) {
    LocalStore store(root_.string(), 1);
    std::vector<std::string> out;
    auto st = store.list(prefix, page_size, [&](std::vector<ObjectInfo>&& page) {
      if (pages) pages->push_back(page.size());
      for (auto& o : page) out.push_back(o.key);
      return true;
    });
    EXPECT_TRUE(st.ok()) << st.error().message;
    return out;
  }

  fs::path root_;
};

TEST_F(LocalStoreTest, KeysComeInByteOrderAcrossDirectories) {
  // "a/b.tif" < "a/b/c.tif" ('.' < '/') although the directory "b" sorts
  // before the file "b.tif" by name.
  for (const char* k : {"a/b/c.tif", "a/b.tif", "a/a.tif", "z.tif", "a/b-1/x.tif", "A.tif", "a/b/a/d.tif"}) file(k);
  std::vector<std::string> want = {"A.tif", "a/a.tif", "a/b-1/x.tif", "a/b.tif", "a/b/a/d.tif", "a/b/c.tif", "z.tif"};
  std::vector<std::string> sorted = want;
  std::sort(sorted.begin(), sorted.end());
  ASSERT_EQ(want, sorted);  // the expectation itself is byte order
  EXPECT_EQ(keys(""), want);
}

TEST_F(LocalStoreTest, PrefixIsAKeyPrefixNotOnlyADirectory) {
  for (const char* k : {"a/b/c.tif", "a/b.tif", "a/bc.tif", "a/c.tif", "b/x.tif"}) file(k);
  EXPECT_EQ(keys("a/b"), (std::vector<std::string>{"a/b.tif", "a/b/c.tif", "a/bc.tif"}));
  EXPECT_EQ(keys("a/b/"), (std::vector<std::string>{"a/b/c.tif"}));
  EXPECT_EQ(keys("nope/"), std::vector<std::string>{});
}

TEST_F(LocalStoreTest, PagesHoldAtMostPageSizeAndLoseNothing) {
  for (int d = 0; d < 3; ++d)
    for (int i = 0; i < 7; ++i) file("d" + std::to_string(d) + "/" + std::to_string(i) + ".tif");
  std::vector<size_t> pages;
  auto all = keys("", 4, &pages);
  EXPECT_EQ(all.size(), 21u);
  EXPECT_EQ(pages, (std::vector<size_t>{4, 4, 4, 4, 4, 1}));
}

TEST_F(LocalStoreTest, FirstPageArrivesBeforeTheWalkEnds) {
  // A file made while the first page is handled, in a directory the walk has
  // not reached yet, is listed: the walk streams. A walk that collected the
  // whole tree before its first page would miss it.
  for (int d = 0; d < 4; ++d)
    for (int i = 0; i < 5; ++i) file("d" + std::to_string(d) + "/" + std::to_string(i) + ".tif");
  LocalStore store(root_.string(), 1);
  std::vector<std::string> seen;
  size_t pages = 0;
  auto st = store.list("", 5, [&](std::vector<ObjectInfo>&& page) {
    if (pages++ == 0) file("d3/late.tif");
    for (auto& o : page) seen.push_back(o.key);
    return true;
  });
  EXPECT_TRUE(st.ok());
  EXPECT_EQ(seen.size(), 21u);
  EXPECT_NE(std::find(seen.begin(), seen.end(), "d3/late.tif"), seen.end());
}

TEST_F(LocalStoreTest, FollowsSymlinksSkipsLoopsKeepsBrokenLinks) {
  file("real/a.tif");
  fs::create_directory_symlink(root_ / "real", root_ / "linked");
  fs::create_directory_symlink(root_, root_ / "real" / "loop");  // back to the root
  fs::create_symlink(root_ / "missing.tif", root_ / "broken.tif");
  auto all = keys("");
  // real/loop leads back to the root, which is on the walk's path: skipped
  // (under "linked/" and under "real/"), so nothing is listed twice.
  EXPECT_EQ(all, (std::vector<std::string>{"broken.tif", "linked/a.tif", "real/a.tif"}));
}

}  // namespace
