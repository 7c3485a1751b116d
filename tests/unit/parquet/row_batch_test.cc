// RowBuilder appends the same levels and values as shredding a Value row, and
// a file written from batches equals one written row by row.
#include "parquet/row_batch.h"

#include <gtest/gtest.h>

#include "parquet/file_writer.h"
#include "parquet/shredder.h"

namespace td::parquet {
namespace {

using V = Value;

Schema nested_schema() {
  return Schema{{
      Node::string("path", false),
      Node::primitive("size", Physical::int64, Logical::uint64),
      Node::list("bits", Node::primitive("b", Physical::int32, Logical::uint16)),
      Node::map("tags", Node::string("k", false), Node::primitive("v", Physical::int64)),
      Node::list("ifds", Node::group("element", {Node::primitive("w", Physical::int64),
                                                 Node::list("bps", Node::primitive("e", Physical::int64))})),
      Node::primitive("ok", Physical::boolean),
  }};
}

// Row i as a Value tree (the old way) ...
Value value_row(int i) {
  V ifds = i % 3 == 0 ? V() : V::list({V::fields({int64_t{i}, V::list({int64_t{8}, int64_t{8}})}),
                                       V::fields({V(), V::list({})})});
  return V::fields({"f" + std::to_string(i), i % 2 ? V() : V(int64_t{i * 10}),
                    i % 2 ? V::list({}) : V::list({int64_t{8}, int64_t{i}}),
                    V::map({{"a", int64_t{i}}, {"b", V()}}), std::move(ifds), V(i % 2 == 0)});
}

// ... and built straight into columns.
void build_row(RowBuilder& b, int i) {
  b.begin_row();
  b.bytes("f" + std::to_string(i));
  if (i % 2) b.null(); else b.int64(i * 10);
  b.begin_list();
  if (!(i % 2)) { b.int64(8); b.int64(i); }
  b.end_list();
  b.begin_map();
  b.bytes("a"); b.int64(i);
  b.bytes("b"); b.null();
  b.end_map();
  if (i % 3 == 0) {
    b.null();
  } else {
    b.begin_list();
    b.begin_group(); b.int64(i); b.begin_list(); b.int64(8); b.int64(8); b.end_list(); b.end_group();
    b.begin_group(); b.null(); b.begin_list(); b.end_list(); b.end_group();
    b.end_list();
  }
  b.boolean(i % 2 == 0);
  ASSERT_TRUE(b.end_row().ok());
}

TEST(RowBatch, BuilderMatchesTheShredder) {
  auto layout = layout_schema(nested_schema());
  ASSERT_TRUE(layout.ok());
  std::vector<ColumnBuffer> shredded;
  for (const auto& leaf : layout->leaves) shredded.emplace_back(leaf);
  Shredder shredder(*layout);
  RowBatch batch(*layout);
  RowBuilder builder(batch);
  for (int i = 0; i < 11; ++i) {
    ASSERT_TRUE(shredder.shred(value_row(i), shredded).ok());
    build_row(builder, i);
  }
  EXPECT_EQ(batch.num_rows(), 11u);
  for (size_t c = 0; c < shredded.size(); ++c) {
    const ColumnBuffer& a = shredded[c];
    const ColumnBuffer& b = batch.columns()[c];
    EXPECT_EQ(a.rep_levels(), b.rep_levels()) << c;
    EXPECT_EQ(a.def_levels(), b.def_levels()) << c;
    EXPECT_EQ(a.values(), b.values()) << c;
    EXPECT_EQ(a.num_nulls(), b.num_nulls()) << c;
  }
}

TEST(RowBatch, MismatchRollsTheRowBack) {
  auto layout = layout_schema(nested_schema());
  ASSERT_TRUE(layout.ok());
  RowBatch batch(*layout);
  RowBuilder b(batch);
  build_row(b, 0);
  const size_t bytes = batch.buffered_bytes();
  b.begin_row();
  b.null();  // path is required
  const Status st = b.end_row();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().kind, ErrorKind::invalid_value);
  EXPECT_EQ(batch.num_rows(), 1u);
  EXPECT_EQ(batch.buffered_bytes(), bytes);
  b.begin_row();
  b.bytes("x");  // too few fields
  EXPECT_FALSE(b.end_row().ok());
  EXPECT_EQ(batch.buffered_bytes(), bytes);
}

TEST(RowBatch, WriteBatchEqualsWriteRow) {
  for (uint64_t rows_per_group : {uint64_t{4}, uint64_t{100}}) {
    WriterOptions opt;
    opt.row_group_rows = rows_per_group;
    std::string by_row, by_batch;
    auto w1 = FileWriter::open(std::make_unique<MemorySink>(&by_row), nested_schema(), opt);
    auto w2 = FileWriter::open(std::make_unique<MemorySink>(&by_batch), nested_schema(), opt);
    ASSERT_TRUE(w1.ok() && w2.ok());
    RowBatch batch((*w2)->layout());
    RowBuilder b(batch);
    for (int i = 0; i < 12; ++i) {
      ASSERT_TRUE((*w1)->write_row(value_row(i)).ok());
      build_row(b, i);
      if (batch.num_rows() == 4) {  // batches of 4: the same row groups when 4 divides the bound
        ASSERT_TRUE((*w2)->write_batch(batch).ok());
        batch.clear();
      }
    }
    ASSERT_TRUE((*w1)->close().ok());
    ASSERT_TRUE((*w2)->close().ok());
    EXPECT_EQ(by_row, by_batch) << rows_per_group;
  }
}

}  // namespace
}  // namespace td::parquet
