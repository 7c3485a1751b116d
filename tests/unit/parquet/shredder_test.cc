#include "parquet/shredder.h"

#include <gtest/gtest.h>

#include "parquet/schema_layout.h"
#include "test_util.h"

namespace td::parquet {
namespace {

using testing::byte_array_values;
using testing::int64_values;
using testing::levels_of;
using Levels = std::vector<std::pair<int, int>>;  // (rep, def)
using V = Value;

// Shreds rows into fresh column buffers.
class Shredded {
 public:
  explicit Shredded(Schema schema) : schema_(std::move(schema)) {
    auto l = layout_schema(schema_);
    EXPECT_TRUE(l.ok()) << (l.ok() ? "" : l.error().describe());
    layout_ = std::move(*l);
    for (const auto& leaf : layout_.leaves) columns_.emplace_back(leaf);
  }
  Status add(const Value& row) { return shredder_.shred(row, columns_); }
  const ColumnBuffer& col(size_t i) const { return columns_.at(i); }
  const SchemaLayout& layout() const { return layout_; }

 private:
  Schema schema_;
  SchemaLayout layout_;
  Shredder shredder_{layout_};
  std::vector<ColumnBuffer> columns_;
};

Value row(Value::Fields f) { return Value::fields(std::move(f)); }

TEST(ShredderTest, FlatColumns) {
  Shredded s(Schema{{Node::primitive("a", Physical::int64), Node::string("b", /*optional=*/false)}});
  ASSERT_TRUE(s.add(row({int64_t{1}, "x"})).ok());
  ASSERT_TRUE(s.add(row({nullptr, "y"})).ok());
  EXPECT_EQ(s.layout().leaves[0].max_def, 1);
  EXPECT_EQ(s.layout().leaves[1].max_def, 0);
  EXPECT_EQ(levels_of(s.col(0)), (Levels{{0, 1}, {0, 0}}));
  EXPECT_EQ(int64_values(s.col(0)), (std::vector<int64_t>{1}));
  EXPECT_TRUE(s.col(1).def_levels().empty());
  EXPECT_EQ(s.col(1).num_levels(), 2);
  EXPECT_EQ(byte_array_values(s.col(1)), (std::vector<std::string>{"x", "y"}));
}

TEST(ShredderTest, ListNullVersusEmptyVersusNullElement) {
  Shredded s(Schema{{Node::list("l", Node::primitive("x", Physical::int64))}});
  const LeafColumn& leaf = s.layout().leaves[0];
  EXPECT_EQ(leaf.path, (std::vector<std::string>{"l", "list", "element"}));
  EXPECT_EQ(leaf.max_def, 3);
  EXPECT_EQ(leaf.max_rep, 1);
  ASSERT_TRUE(s.add(row({V::list({int64_t{1}, int64_t{2}})})).ok());
  ASSERT_TRUE(s.add(row({nullptr})).ok());
  ASSERT_TRUE(s.add(row({V::list({})})).ok());
  ASSERT_TRUE(s.add(row({V::list({nullptr, int64_t{3}})})).ok());
  EXPECT_EQ(levels_of(s.col(0)), (Levels{{0, 3}, {1, 3}, {0, 0}, {0, 1}, {0, 2}, {1, 3}}));
  EXPECT_EQ(int64_values(s.col(0)), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(s.col(0).num_nulls(), 3);
}

TEST(ShredderTest, ListOfLists) {
  Shredded s(Schema{{Node::list("ll", Node::list("inner", Node::primitive("x", Physical::int64)))}});
  const LeafColumn& leaf = s.layout().leaves[0];
  EXPECT_EQ(leaf.path, (std::vector<std::string>{"ll", "list", "element", "list", "element"}));
  EXPECT_EQ(leaf.max_def, 5);
  EXPECT_EQ(leaf.max_rep, 2);
  ASSERT_TRUE(s.add(row({V::list({V::list({int64_t{1}, int64_t{2}}), V::list({int64_t{3}})})})).ok());
  ASSERT_TRUE(s.add(row({V::list({V::list({}), nullptr})})).ok());
  ASSERT_TRUE(s.add(row({V::list({V::list({nullptr})})})).ok());
  EXPECT_EQ(levels_of(s.col(0)), (Levels{{0, 5}, {2, 5}, {1, 5}, {0, 3}, {1, 2}, {0, 4}}));
  EXPECT_EQ(int64_values(s.col(0)), (std::vector<int64_t>{1, 2, 3}));
}

TEST(ShredderTest, StructWithListOfStructs) {
  Node item = Node::group("item", {Node::string("k"), Node::primitive("v", Physical::int64)});
  Shredded s(Schema{{Node::group("s", {Node::primitive("x", Physical::int64), Node::list("items", item)})}});
  ASSERT_EQ(s.layout().leaves.size(), 3u);
  EXPECT_EQ(s.layout().leaves[1].path, (std::vector<std::string>{"s", "items", "list", "element", "k"}));
  EXPECT_EQ(s.layout().leaves[1].max_def, 5);
  // s null
  ASSERT_TRUE(s.add(row({nullptr})).ok());
  // s = {x: 1, items: [{k: "a", v: null}, {k: null, v: 2}]}
  ASSERT_TRUE(s.add(row({V::fields({int64_t{1}, V::list({V::fields({"a", nullptr}),
                                                          V::fields({nullptr, int64_t{2}})})})})).ok());
  // s = {x: null, items: [null]}
  ASSERT_TRUE(s.add(row({V::fields({nullptr, V::list({nullptr})})})).ok());
  EXPECT_EQ(levels_of(s.col(0)), (Levels{{0, 0}, {0, 2}, {0, 1}}));
  EXPECT_EQ(levels_of(s.col(1)), (Levels{{0, 0}, {0, 5}, {1, 4}, {0, 3}}));
  EXPECT_EQ(levels_of(s.col(2)), (Levels{{0, 0}, {0, 4}, {1, 5}, {0, 3}}));
  EXPECT_EQ(byte_array_values(s.col(1)), (std::vector<std::string>{"a"}));
  EXPECT_EQ(int64_values(s.col(2)), (std::vector<int64_t>{2}));
}

TEST(ShredderTest, MapStringToString) {
  Shredded s(Schema{{Node::map("m", Node::string("k"), Node::string("v"))}});
  EXPECT_EQ(s.layout().leaves[0].path, (std::vector<std::string>{"m", "key_value", "key"}));
  EXPECT_EQ(s.layout().leaves[0].max_def, 2);
  EXPECT_EQ(s.layout().leaves[1].path, (std::vector<std::string>{"m", "key_value", "value"}));
  EXPECT_EQ(s.layout().leaves[1].max_def, 3);
  ASSERT_TRUE(s.add(row({V::map({{"a", "1"}, {"b", nullptr}})})).ok());
  ASSERT_TRUE(s.add(row({nullptr})).ok());
  ASSERT_TRUE(s.add(row({V::map({})})).ok());
  EXPECT_EQ(levels_of(s.col(0)), (Levels{{0, 2}, {1, 2}, {0, 0}, {0, 1}}));
  EXPECT_EQ(levels_of(s.col(1)), (Levels{{0, 3}, {1, 2}, {0, 0}, {0, 1}}));
  EXPECT_EQ(byte_array_values(s.col(0)), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(byte_array_values(s.col(1)), (std::vector<std::string>{"1"}));
}

TEST(ShredderTest, RequiredListOfRequiredElements) {
  Shredded s(Schema{{Node::list("l", Node::primitive("x", Physical::int64, Logical::none, false), false)}});
  EXPECT_EQ(s.layout().leaves[0].max_def, 1);
  ASSERT_TRUE(s.add(row({V::list({int64_t{7}, int64_t{8}})})).ok());
  ASSERT_TRUE(s.add(row({V::list({})})).ok());
  EXPECT_EQ(levels_of(s.col(0)), (Levels{{0, 1}, {1, 1}, {0, 0}}));
  EXPECT_FALSE(s.add(row({nullptr})).ok());
  EXPECT_FALSE(s.add(row({V::list({nullptr})})).ok());
}

TEST(ShredderTest, RejectsRowsOfTheWrongShape) {
  Shredded s(Schema{{Node::primitive("i8", Physical::int32, Logical::int8),
                     Node::primitive("u32", Physical::int32, Logical::uint32),
                     Node::list("l", Node::primitive("x", Physical::double_)),
                     Node::map("m", Node::string("k"), Node::primitive("v", Physical::boolean)),
                     Node::string("req", false)}});
  auto good = [] {
    return Value::Fields{int64_t{-128}, int64_t{4294967295}, V::list({1.5}), V::map({{"k", true}}), "r"};
  };
  ASSERT_TRUE(s.add(row(good())).ok());
  const int64_t before = s.col(0).num_levels();

  auto with = [&](size_t i, Value v) {
    auto f = good();
    f[i] = std::move(v);
    return row(std::move(f));
  };
  std::vector<Value> bad = {
      with(0, int64_t{128}),           // int8 overflow
      with(1, int64_t{-1}),            // negative unsigned
      with(1, int64_t{4294967296}),    // uint32 overflow
      with(0, 1.0),                    // double into an int column
      with(2, V::list({int64_t{1}})),  // int into a double list
      with(2, "not a list"),
      with(3, V::map({{nullptr, true}})),  // null map key
      with(3, V::map({{"k", int64_t{1}}})),
      with(4, nullptr),                // null in a required column
      row({int64_t{1}}),               // too few fields
      Value(int64_t{1}),               // not a row at all
  };
  for (const Value& b : bad) {
    Status st = s.add(b);
    EXPECT_FALSE(st.ok());
    if (!st.ok()) {
      EXPECT_EQ(st.error().kind, ErrorKind::invalid_value) << st.error().describe();
    }
  }
  EXPECT_EQ(s.col(0).num_levels(), before);  // nothing of a bad row was shredded
}

// A row rejected part-way (its first columns already appended) is rolled back
// in every column: levels, values, a shared boolean byte and the statistics.
TEST(ShredderTest, ARowRejectedPartWayLeavesEveryColumnAsItWas) {
  Shredded s(Schema{{Node::primitive("i", Physical::int64), Node::list("l", Node::string("x")),
                     Node::map("m", Node::string("k"), Node::primitive("v", Physical::boolean)),
                     Node::string("req", false)}});
  ASSERT_TRUE(s.add(row({int64_t{7}, V::list({"a"}), V::map({{"k", true}}), "r"})).ok());
  struct Snapshot {
    std::vector<std::pair<int, int>> levels;
    std::string values;
    int64_t nulls;
    EncodedStatistics stats;
  };
  auto snapshot = [&](size_t i) {
    return Snapshot{levels_of(s.col(i)), s.col(i).values(), s.col(i).num_nulls(), s.col(i).statistics().encode()};
  };
  std::vector<Snapshot> before;
  for (size_t i = 0; i < 5; ++i) before.push_back(snapshot(i));

  // Every column but the last takes a value (a new min, a new max, a set bit)
  // before the null in the required column rejects the row.
  Status st = s.add(row({int64_t{-100}, V::list({"zzz", "b"}), V::map({{"k2", true}, {"k3", true}}), nullptr}));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("'req'"), std::string::npos) << st.error().message;
  for (size_t i = 0; i < 5; ++i) {
    const Snapshot now = snapshot(i);
    EXPECT_EQ(now.levels, before[i].levels) << "column " << i;
    EXPECT_EQ(now.values, before[i].values) << "column " << i;
    EXPECT_EQ(now.nulls, before[i].nulls) << "column " << i;
    EXPECT_EQ(now.stats.min_value, before[i].stats.min_value) << "column " << i;
    EXPECT_EQ(now.stats.max_value, before[i].stats.max_value) << "column " << i;
  }

  // The next row's boolean lands in the bit the rejected row had set.
  ASSERT_TRUE(s.add(row({int64_t{8}, nullptr, V::map({{"k", false}}), "r"})).ok());
  ASSERT_EQ(s.col(3).values().size(), 1u);
  EXPECT_EQ(static_cast<unsigned char>(s.col(3).values()[0]), 0b01);
  EXPECT_EQ(int64_values(s.col(0)), (std::vector<int64_t>{7, 8}));
  EXPECT_EQ(s.col(0).statistics().encode().min_value, std::string("\x07\0\0\0\0\0\0\0", 8));
}

TEST(ShredderTest, ErrorNamesTheNestedField) {
  Shredded s(Schema{{Node::string("name"),
                     Node::list("ifds", Node::group("ifd", {Node::primitive("width", Physical::int32, Logical::uint32)}))}});
  Status st = s.add(row({"a", V::list({V::fields({int64_t{1}}), V::fields({int64_t{-1}})})}));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("'ifds.element.width'"), std::string::npos) << st.error().message;
  Status short_row = s.add(row({"a"}));
  ASSERT_FALSE(short_row.ok());
  EXPECT_NE(short_row.error().message.find("'<row>'"), std::string::npos) << short_row.error().message;
}

TEST(ShredderTest, RejectsTextReadersWouldRefuse) {
  Shredded s(Schema{{Node::string("s"), Node::primitive("j", Physical::byte_array, Logical::json),
                     Node::primitive("b", Physical::byte_array)}});
  EXPECT_TRUE(s.add(row({"ok", R"({"a": [1, null]})", "\xff"})).ok());  // binary may hold anything
  EXPECT_TRUE(s.add(row({std::string("nul\0ok", 6), "1", nullptr})).ok());
  Status bad_utf8 = s.add(row({"caf\xe9", "{}", nullptr}));
  ASSERT_FALSE(bad_utf8.ok());
  EXPECT_NE(bad_utf8.error().message.find("UTF-8"), std::string::npos);
  EXPECT_FALSE(s.add(row({"x", "not json {", nullptr})).ok());
  EXPECT_FALSE(s.add(row({"x", "", nullptr})).ok());
  EXPECT_FALSE(s.add(row({"x", "\"\xff\"", nullptr})).ok());
  EXPECT_EQ(s.col(0).num_levels(), 2);
}

TEST(SchemaLayoutTest, RejectsUnwritableSchemas) {
  EXPECT_FALSE(layout_schema(Schema{}).ok());
  EXPECT_FALSE(layout_schema(Schema{{Node::primitive("a", Physical::int64, Logical::string)}}).ok());
  EXPECT_FALSE(layout_schema(Schema{{Node::primitive("a", Physical::int64, Logical::uint8)}}).ok());
  EXPECT_FALSE(layout_schema(Schema{{Node::group("g", {})}}).ok());
  EXPECT_FALSE(layout_schema(Schema{{Node::string("a"), Node::string("a")}}).ok());
  EXPECT_FALSE(layout_schema(Schema{{Node::primitive("", Physical::int64)}}).ok());
  Node bad_map = Node::map("m", Node::string("k"), Node::string("v"));
  bad_map.children[0].optional = true;
  EXPECT_FALSE(layout_schema(Schema{{bad_map}}).ok());
  EXPECT_TRUE(layout_schema(Schema{{Node::primitive("t", Physical::int64, Logical::timestamp_ms_utc)}}).ok());
}

}  // namespace
}  // namespace td::parquet
