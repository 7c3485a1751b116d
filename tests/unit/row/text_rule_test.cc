// Issue 15, kind 6: one text rule (row::utf8, tag_values.h) for text that is
// not valid UTF-8, the same in the Parquet row, `info`, `info --raw`,
// `other_tags` and GeoKey ASCII values; the exact bytes recoverable.
#include <gtest/gtest.h>

#include "parquet/utf8.h"
#include "row/row_builder.h"
#include "row/row_json.h"
#include "row/tag_json.h"
#include "row/tag_values.h"
#include "tag_fixtures.h"

namespace td::row {
namespace {

using testing::ascii_tag;

// The example: valid UTF-8 "Zürich … µm" then one invalid byte.
const std::string kBytes = "Z\xc3\xbcrich \xe2\x80\xa6 \xc2\xb5m\xff";
const std::string kText = "Z\u00fcrich \u2026 \u00b5m\\xFF";

ObjectOutcome outcome_with_text() {
  ObjectOutcome o;
  o.object.key = "dir/a.tif";
  tiff::Header h;
  tiff::Ifd ifd;
  ifd.tags.push_back(ascii_tag(270, kBytes));    // ImageDescription: a STRING column
  ifd.tags.push_back(ascii_tag(40000, kBytes));  // unknown: other_tags JSON
  h.ifds.push_back(ifd);
  tiff::GeoKeyDirectory geo;
  geo.keys.push_back({1026, kBytes});  // GTCitationGeoKey: an ASCII GeoKey
  h.geokeys = geo;
  o.header = h;
  return o;
}

std::string hex_of(const std::string& bytes) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += {digits[c >> 4], digits[c & 15]};
  return out;
}

TEST(TextRule, ValidSequencesKeptInvalidBytesEscapedReversibly) {
  EXPECT_EQ(utf8(kBytes), kText);
  EXPECT_EQ(parquet::unescape_key(utf8(kBytes)), kBytes);
  EXPECT_EQ(utf8("plain \xc3\xa9"), "plain \u00e9");          // valid UTF-8: unchanged
  EXPECT_EQ(utf8("Jos\xe9"), "Jos\\xE9");                     // Latin-1 is not guessed
  EXPECT_EQ(utf8("C:\\dir"), "C:\\dir");                       // a lone backslash stays
  EXPECT_EQ(utf8("a\\xE9"), "a\\\\xE9");                       // literal "\x" is escaped ...
  EXPECT_EQ(parquet::unescape_key(utf8("a\\xE9")), "a\\xE9");  // ... and reads back
}

TEST(TextRule, SameTextInRowInfoOtherTagsAndGeoKeys) {
  nlohmann::ordered_json row = row_to_json(build_row(outcome_with_text()));  // `info`, = the Parquet row
  EXPECT_EQ(row["image_description"], kText);
  EXPECT_EQ(row["other_tags"]["40000"], kText);
  EXPECT_EQ(row["geokeys"]["citation"], kText);
  EXPECT_EQ(tag_values_json(ascii_tag(40000, kBytes)), nlohmann::json(kText).dump());
}

TEST(TextRule, RawShowsTheSameTextAndTheExactBytes) {
  nlohmann::ordered_json raw = header_to_raw_json(*outcome_with_text().header);  // `info --raw`
  const auto& tag = raw["ifds"][0]["tags"][0];
  EXPECT_EQ(tag["values"], kText);
  ASSERT_TRUE(tag.contains("bytes_hex"));
  EXPECT_EQ(tag["bytes_hex"], hex_of(kBytes));
  EXPECT_EQ(tag["bytes_hex"], "5ac3bc7269636820e280a620c2b56dff");
  // Valid UTF-8 needs no second copy.
  tiff::Header plain;
  plain.ifds.emplace_back().tags.push_back(ascii_tag(270, "Z\xc3\xbcrich"));
  nlohmann::ordered_json p = header_to_raw_json(plain);
  EXPECT_EQ(p["ifds"][0]["tags"][0]["values"], "Z\u00fcrich");
  EXPECT_FALSE(p["ifds"][0]["tags"][0].contains("bytes_hex"));
}

}  // namespace
}  // namespace td::row
