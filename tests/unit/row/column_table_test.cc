// The column table (row/columns.h) is the one place a column is declared: the
// schema, the rows and the README's table all follow it.
#include <gtest/gtest.h>

#include <fstream>
#include <set>
#include <sstream>

#include "row/column_table_text.h"
#include "row/columns.h"
#include "row/row_schema.h"

namespace td::row {
namespace {

TEST(ColumnTable, ReadmeTableMatchesTheColumnTable) {
  std::ifstream in(TD_SOURCE_DIR "/README.md");
  ASSERT_TRUE(in) << "cannot read README.md";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string readme = ss.str();
  const size_t begin = readme.find(kColumnTableBegin);
  const size_t end = readme.find(kColumnTableEnd);
  ASSERT_NE(begin, std::string::npos) << "README.md lacks the column table's begin marker";
  ASSERT_NE(end, std::string::npos) << "README.md lacks the column table's end marker";
  const size_t from = begin + std::string(kColumnTableBegin).size() + 1;
  ASSERT_LE(from, end);
  EXPECT_EQ(readme.substr(from, end - from), column_table_markdown())
      << "regenerate it: build/src/row/print_column_table";
}

TEST(ColumnTable, SchemaFollowsTheTable) {
  const auto& fields = row_schema().fields;
  ASSERT_EQ(fields.size(), columns().size());
  std::set<std::string> names;
  for (size_t i = 0; i < fields.size(); ++i) {
    EXPECT_EQ(fields[i].name, columns()[i].node.name);
    EXPECT_EQ(column_index(fields[i].name), i);
    EXPECT_FALSE(columns()[i].meaning.empty()) << fields[i].name;
    EXPECT_NE(columns()[i].fill, nullptr) << fields[i].name;
    EXPECT_TRUE(names.insert(fields[i].name).second) << "duplicate column " << fields[i].name;
  }
  const auto& ifds = fields[column_index("ifds")].children[0].children;
  ASSERT_EQ(ifds.size(), ifd_fields().size());
  for (size_t i = 0; i < ifds.size(); ++i) EXPECT_EQ(ifds[i].name, ifd_fields()[i].node.name);
}

TEST(ColumnTable, OwnColumnTagsStayOutOfOtherTags) {
  EXPECT_TRUE(has_own_column(256));    // image_width
  EXPECT_TRUE(has_own_column(34735));  // GeoKeyDirectory -> geokeys
  EXPECT_TRUE(has_own_column(324));    // TileOffsets: counted only
  EXPECT_FALSE(has_own_column(42113)); // GDAL_NODATA -> other_tags
}

TEST(ColumnTable, TypeTextCoversNestedColumns) {
  using parquet::Node;
  const Node warnings = Node::list(
      "warnings", Node::group("element", {Node::string("kind"), Node::primitive("ifd", parquet::Physical::int64,
                                                                                parquet::Logical::int64)}));
  EXPECT_EQ(type_text(warnings), "list<struct>");
  EXPECT_EQ(type_text(row_schema().fields[column_index("other_tags")]), "map<string, json>");
}

}  // namespace
}  // namespace td::row
