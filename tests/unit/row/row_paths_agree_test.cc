// The row made straight into column buffers (the Parquet path) equals the row
// made as a Value tree and checked by the Shredder (what `info` prints), for
// rows of every shape: headers with odd text, GeoKeys of every kind, SubIFDs,
// warnings, rows over their budget (markers, then an error row), error rows.
#include <gtest/gtest.h>

#include "row_paths_agree.h"
#include "tag_fixtures.h"

namespace td::row {
namespace {

using testing::ascii_tag;
using testing::row_paths_disagree;
using testing::uint_tag;

ObjectOutcome header_outcome() {
  ObjectOutcome o;
  o.object.key = std::string("dir/caf\xe9\\x.tif");  // not UTF-8, and a backslash
  o.object.size = 12345;
  o.object.etag = "\"abc\"";
  tiff::Header h;
  h.span_bytes = 4096;
  tiff::Ifd ifd;
  ifd.tags.push_back(uint_tag(256, {1024}));
  ifd.tags.push_back(uint_tag(258, {8, 8, 8}));
  ifd.tags.push_back(ascii_tag(270, std::string("Z\xc3\xbcrich \xb5m \\x41")));
  ifd.tags.push_back(ascii_tag(42113, "nan"));
  ifd.tags.push_back(uint_tag(50000, {1, 2, 3}));
  tiff::Tag neg;
  neg.code = 50001;
  neg.type_code = 8;  // SSHORT
  neg.count = 2;
  neg.values = std::vector<int64_t>{-1, 7};
  ifd.tags.push_back(neg);
  tiff::Tag lost;  // not loaded
  lost.code = 50002;
  lost.type_code = 1;
  lost.count = 99999;
  ifd.tags.push_back(lost);
  h.ifds.push_back(ifd);
  tiff::Ifd sub;
  sub.parent = 0;
  sub.subifd_index = 0;
  sub.tags.push_back(uint_tag(256, {512}));
  h.ifds.push_back(sub);
  tiff::GeoKeyDirectory geo;
  geo.keys.push_back({1024, std::vector<uint64_t>{1}});
  geo.keys.push_back({2048, std::vector<uint64_t>{4326}});
  geo.keys.push_back({2048, std::vector<uint64_t>{4269}});        // repeated: the first goes to unknown
  geo.keys.push_back({1026, std::string("WGS 84 \xff|")});         // citation, not UTF-8
  geo.keys.push_back({2057, std::vector<double>{6378137.0}});
  geo.keys.push_back({3073, std::vector<uint64_t>{5}});           // wrong type for an ASCII key
  geo.keys.push_back({4099, std::monostate{}});                   // params tag missing
  geo.keys.push_back({60000, std::vector<double>{1.5, 2.5}});     // unknown id
  h.geokeys = geo;
  h.warnings.push_back({"tag_value_out_of_bounds", 0, 50002, std::string("past the end \xfe")});
  h.warnings.push_back({"ifd_loop", 1, std::nullopt, "loop"});
  o.header = std::move(h);
  return o;
}

TEST(RowPathsAgree, HeaderRowWithOddTextGeoKeysSubIfdsAndWarnings) {
  EXPECT_EQ(row_paths_disagree(header_outcome()), "");
}

TEST(RowPathsAgree, HeaderWithoutIfdsAndWithoutGeoKeys) {
  ObjectOutcome o;
  o.object.key = "empty.tif";
  o.header = tiff::Header{};
  EXPECT_EQ(row_paths_disagree(o), "");
}

TEST(RowPathsAgree, ErrorRow) {
  ObjectOutcome o;
  o.object.key = "gone.tif";
  o.error = Error{ErrorKind::not_found, std::string("no such key \x80")};
  o.cost = {2, 0};
  EXPECT_EQ(row_paths_disagree(o), "");
}

TEST(RowPathsAgree, RowsOverTheirBudget) {
  ObjectOutcome o = header_outcome();
  for (uint16_t code = 40000; code < 40300; ++code) o.header->ifds[0].tags.push_back(ascii_tag(code, std::string(300, '\x01')));
  o.header->span_bytes = 1;  // markers keep the row
  EXPECT_EQ(row_paths_disagree(o), "");
  for (uint16_t code = 41000; code < 45000; ++code) o.header->ifds[0].tags.push_back(ascii_tag(code, "x"));
  EXPECT_EQ(row_paths_disagree(o), "");  // still over: the error row
  EXPECT_FALSE(row_is_error(build_row(header_outcome())));
  EXPECT_TRUE(row_is_error(build_row(o)));
}

}  // namespace
}  // namespace td::row
