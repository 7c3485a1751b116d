// Inputs the fuzzer found (fuzz/regressions/) and hand-made nasty inputs: none may crash,
// hang or allocate without bound; each must end in a header or a typed error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "test_util.h"
#include "tiff/header_reader.h"

namespace td::tiff {
namespace {

namespace fs = std::filesystem;

TEST(Regression, FuzzerFindingsEndCleanly) {
  if (!fs::exists(TD_FUZZ_REGRESSION_DIR)) GTEST_SKIP() << "no " << TD_FUZZ_REGRESSION_DIR;
  int n = 0;
  for (const auto& entry : fs::directory_iterator(TD_FUZZ_REGRESSION_DIR)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in),
                               std::istreambuf_iterator<char>()};
    SCOPED_TRACE(entry.path().filename().string());
    auto r = read_header(bytes);
    if (!r.ok()) {
      EXPECT_NE(r.error().kind, ErrorKind::internal) << r.error().describe();
    }
    ++n;
  }
  RecordProperty("inputs", n);
}

}  // namespace
}  // namespace td::tiff
