// LocalStore listing: key order, prefixes, pages, symlinks, and that pages
// arrive while the walk is still going (it must not collect a whole tree).
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
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

// Things that are not files: listing skips them (with a warning); a key that
// names one (key lists, `info`) is a not_a_file error at once, never a read
// that waits for a FIFO's writer.
TEST_F(LocalStoreTest, NonRegularFilesAreSkippedWhenListedAndErrorsWhenRead) {
  file("a.tif");
  ASSERT_EQ(::mkfifo((root_ / "fifo.tif").c_str(), 0600), 0);
  fs::create_directory(root_ / "dir.tif");
  fs::create_symlink("/dev/null", root_ / "null.tif");
  int sock = ::socket(AF_UNIX, SOCK_STREAM, 0);
  ASSERT_GE(sock, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::string sock_path = (root_ / "sock.tif").string();
  ASSERT_LT(sock_path.size(), sizeof addr.sun_path);
  std::strcpy(addr.sun_path, sock_path.c_str());
  ASSERT_EQ(::bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);

  EXPECT_EQ(keys(""), (std::vector<std::string>{"a.tif"}));

  LocalStore store(root_.string(), 1);
  for (const char* key : {"fifo.tif", "dir.tif", "null.tif", "sock.tif"}) {
    ObjectInfo o;
    o.key = key;
    auto start = std::chrono::steady_clock::now();
    auto read = store.read_range_sync(o, 0, 16);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2)) << key;
    ASSERT_FALSE(read.ok()) << key;
    EXPECT_EQ(read.error().kind, td::ErrorKind::not_a_file) << key << ": " << read.error().message;
    auto st = store.stat(key);
    ASSERT_FALSE(st.ok()) << key;
    EXPECT_EQ(st.error().kind, td::ErrorKind::not_a_file) << key;
  }
  ::close(sock);
}

// File names are bytes: a name that is not UTF-8 is listed and read under
// its exact bytes (no re-encoding that could make two names one key).
TEST_F(LocalStoreTest, NonUtf8NamesAreListedAndReadAsTheirBytes) {
  file("caf\xe9.tif", "latin1");
  file("caf\xc3\xa9.tif", "utf8");
  EXPECT_EQ(keys(""), (std::vector<std::string>{"caf\xc3\xa9.tif", "caf\xe9.tif"}));
  LocalStore store(root_.string(), 1);
  ObjectInfo o;
  o.key = "caf\xe9.tif";
  auto read = store.read_range_sync(o, 0, 100);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(std::string(read->bytes.begin(), read->bytes.end()), "latin1");
  // A key with a NUL byte never reads the file named by its first part.
  o.key = std::string("caf\xe9.tif\0other", 14);
  auto nul = store.read_range_sync(o, 0, 100);
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.error().kind, td::ErrorKind::invalid_value);
}

}  // namespace
