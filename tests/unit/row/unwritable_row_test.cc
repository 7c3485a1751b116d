// A row its sink refuses (end_row not ok: it does not fit the schema) is not
// lost: append_row writes the object's error row instead, `unwritable_row`,
// with the listing facts and costs and the refusal as its `error`.
#include <gtest/gtest.h>

#include "parquet/row_batch.h"
#include "parquet/value_tree_sink.h"
#include "row/row_builder.h"
#include "row/row_schema.h"

namespace td::row {
namespace {

using parquet::Value;

// A ValueTreeSink that refuses the first row it is given, as a writer refuses a
// row that does not fit its schema; later rows go through.
class RefusesFirstRow final : public parquet::RowSink {
 public:
  parquet::ValueTreeSink tree;
  int rows_ended = 0;  // end_row calls

 private:
  void do_begin_row() override { tree.begin_row(); }
  Status do_end_row() override {
    if (rows_ended++ == 0) {
      tree.abort_row();
      return Error{ErrorKind::invalid_value, "text is not valid UTF-8"};
    }
    return tree.end_row();
  }
  void do_abort_row() override { tree.abort_row(); }
  void do_null() override { tree.null(); }
  void do_boolean(bool b) override { tree.boolean(b); }
  void do_int64(int64_t i) override { tree.int64(i); }
  void do_float64(double d) override { tree.float64(d); }
  void do_bytes(std::string_view s) override { tree.bytes(s); }
  void do_begin_group() override { tree.begin_group(); }
  void do_end_group() override { tree.end_group(); }
  void do_begin_list() override { tree.begin_list(); }
  void do_end_list() override { tree.end_list(); }
  void do_begin_map() override { tree.begin_map(); }
  void do_end_map() override { tree.end_map(); }
};

ObjectOutcome listed_header(const std::string& key) {
  ObjectOutcome o;
  o.object.key = key;
  o.object.size = 4096;
  o.object.last_modified_ms = 1700000000123;
  o.cost.requests = 1;
  o.cost.bytes_read = 512;
  o.header = tiff::Header{};
  tiff::Tag description;
  description.code = 270;
  description.type_code = 2;
  description.count = 4;
  description.values = std::string("abc");
  o.header->ifds.emplace_back().tags.push_back(description);
  return o;
}

const Value& column(const Value& row, const char* name) {
  return std::get<Value::FieldsBox>(row.raw()).fields[column_index(name)];
}

TEST(UnwritableRow, ARefusedRowBecomesTheObjectsErrorRowWithItsListingFacts) {
  RefusesFirstRow sink;
  EXPECT_EQ(append_row(listed_header("dir/b.tif"), sink), RowKind::error);
  EXPECT_EQ(sink.rows_ended, 2);  // the row, then its error row (accepted)
  const Value& row = sink.tree.row();
  ASSERT_FALSE(row.is_null());
  EXPECT_EQ(std::get<std::string>(column(row, "path").raw()), "dir/b.tif");
  EXPECT_EQ(std::get<int64_t>(column(row, "size").raw()), 4096);
  EXPECT_EQ(std::get<int64_t>(column(row, "last_modified").raw()), 1700000000123);
  EXPECT_EQ(std::get<int64_t>(column(row, "requests").raw()), 1);
  EXPECT_EQ(std::get<int64_t>(column(row, "bytes_read").raw()), 512);
  EXPECT_EQ(std::get<std::string>(column(row, "error_kind").raw()), "unwritable_row");
  EXPECT_NE(std::get<std::string>(column(row, "error").raw()).find("not valid UTF-8"), std::string::npos);
  EXPECT_TRUE(column(row, "image_description").is_null());
  EXPECT_TRUE(column(row, "ifd_count").is_null());
}

TEST(UnwritableRow, TheErrorRowFitsTheRealSchema) {
  // The stand-in row is accepted by the Parquet path's own builder.
  auto layout = parquet::layout_schema(row_schema());
  ASSERT_TRUE(layout.ok());
  parquet::RowBatch batch(*layout);
  parquet::RowBuilder builder(batch);
  ObjectOutcome o = listed_header("a.tif");
  o.header.reset();
  o.error = Error{ErrorKind::unwritable_row, "the Parquet writer rejected this row: x"};
  EXPECT_EQ(append_row(o, builder), RowKind::error);
  EXPECT_EQ(batch.num_rows(), 1u);
}

}  // namespace
}  // namespace td::row
