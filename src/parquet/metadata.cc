#include "parquet/metadata.h"

#include <cstdint>
#include <memory>

#include <thrift/Thrift.h>
#include <thrift/protocol/TCompactProtocol.h>
#include <thrift/transport/TBufferTransports.h>

#include "parquet_metadata_types.h"

namespace td::parquet {

namespace fmt = td::parquet::format;

namespace {

template <typename T>
Result<std::string> serialize(const T& obj) {
  try {
    auto buffer = std::make_shared<apache::thrift::transport::TMemoryBuffer>();
    apache::thrift::protocol::TCompactProtocolT<apache::thrift::transport::TMemoryBuffer> proto(buffer);
    obj.write(&proto);
    return buffer->getBufferAsString();
  } catch (const apache::thrift::TException& e) {
    return Error{ErrorKind::internal, std::string("thrift serialization failed: ") + e.what()};
  }
}

fmt::Type::type physical_type(Physical p) {
  switch (p) {
    case Physical::boolean: return fmt::Type::BOOLEAN;
    case Physical::int32: return fmt::Type::INT32;
    case Physical::int64: return fmt::Type::INT64;
    case Physical::double_: return fmt::Type::DOUBLE;
    case Physical::byte_array: return fmt::Type::BYTE_ARRAY;
  }
  return fmt::Type::BYTE_ARRAY;
}

fmt::CompressionCodec::type codec_type(Codec c) {
  switch (c) {
    case Codec::uncompressed: return fmt::CompressionCodec::UNCOMPRESSED;
    case Codec::snappy: return fmt::CompressionCodec::SNAPPY;
    case Codec::zstd: return fmt::CompressionCodec::ZSTD;
  }
  return fmt::CompressionCodec::UNCOMPRESSED;
}

void set_integer(fmt::SchemaElement& e, fmt::ConvertedType::type converted, int bits, bool is_signed) {
  fmt::IntType it;
  it.__set_bitWidth(static_cast<int8_t>(bits));
  it.__set_isSigned(is_signed);
  fmt::LogicalType lt;
  lt.__set_INTEGER(it);
  e.__set_converted_type(converted);
  e.__set_logicalType(lt);
}

// Converted type and logical type of a primitive (both, for old and new readers).
void annotate(fmt::SchemaElement& e, Logical logical) {
  fmt::LogicalType lt;
  switch (logical) {
    case Logical::none: return;
    case Logical::string:
      lt.__set_STRING(fmt::StringType());
      e.__set_converted_type(fmt::ConvertedType::UTF8);
      e.__set_logicalType(lt);
      return;
    case Logical::json:
      lt.__set_JSON(fmt::JsonType());
      e.__set_converted_type(fmt::ConvertedType::JSON);
      e.__set_logicalType(lt);
      return;
    case Logical::int8: return set_integer(e, fmt::ConvertedType::INT_8, 8, true);
    case Logical::int16: return set_integer(e, fmt::ConvertedType::INT_16, 16, true);
    case Logical::int32: return set_integer(e, fmt::ConvertedType::INT_32, 32, true);
    case Logical::int64: return set_integer(e, fmt::ConvertedType::INT_64, 64, true);
    case Logical::uint8: return set_integer(e, fmt::ConvertedType::UINT_8, 8, false);
    case Logical::uint16: return set_integer(e, fmt::ConvertedType::UINT_16, 16, false);
    case Logical::uint32: return set_integer(e, fmt::ConvertedType::UINT_32, 32, false);
    case Logical::uint64: return set_integer(e, fmt::ConvertedType::UINT_64, 64, false);
    case Logical::timestamp_ms_utc: {
      fmt::TimeUnit unit;
      unit.__set_MILLIS(fmt::MilliSeconds());
      fmt::TimestampType ts;
      ts.__set_isAdjustedToUTC(true);
      ts.__set_unit(unit);
      lt.__set_TIMESTAMP(ts);
      e.__set_converted_type(fmt::ConvertedType::TIMESTAMP_MILLIS);
      e.__set_logicalType(lt);
      return;
    }
  }
}

fmt::FieldRepetitionType::type repetition(bool optional) {
  return optional ? fmt::FieldRepetitionType::OPTIONAL : fmt::FieldRepetitionType::REQUIRED;
}

fmt::SchemaElement group_element(const std::string& name, fmt::FieldRepetitionType::type rep,
                                 size_t num_children) {
  fmt::SchemaElement e;
  e.__set_name(name);
  e.__set_repetition_type(rep);
  e.__set_num_children(static_cast<int32_t>(num_children));
  return e;
}

// Depth-first schema elements of one node (the same order as the leaves).
void append_elements(const Node& node, std::vector<fmt::SchemaElement>& out) {
  switch (node.kind) {
    case Node::Kind::primitive: {
      fmt::SchemaElement e;
      e.__set_name(node.name);
      e.__set_type(physical_type(node.physical));
      e.__set_repetition_type(repetition(node.optional));
      annotate(e, node.logical);
      out.push_back(std::move(e));
      return;
    }
    case Node::Kind::group:
      out.push_back(group_element(node.name, repetition(node.optional), node.children.size()));
      for (const Node& child : node.children) append_elements(child, out);
      return;
    case Node::Kind::list:
    case Node::Kind::map: {
      const bool is_list = node.kind == Node::Kind::list;
      fmt::SchemaElement outer = group_element(node.name, repetition(node.optional), 1);
      fmt::LogicalType lt;
      if (is_list) {
        lt.__set_LIST(fmt::ListType());
        outer.__set_converted_type(fmt::ConvertedType::LIST);
      } else {
        lt.__set_MAP(fmt::MapType());
        outer.__set_converted_type(fmt::ConvertedType::MAP);
      }
      outer.__set_logicalType(lt);
      out.push_back(std::move(outer));
      out.push_back(group_element(is_list ? "list" : "key_value", fmt::FieldRepetitionType::REPEATED,
                                  node.children.size()));
      for (const Node& child : node.children) append_elements(child, out);
      return;
    }
  }
}

fmt::Statistics statistics(const EncodedStatistics& s) {
  fmt::Statistics t;
  t.__set_null_count(s.null_count);
  if (s.min_value && s.max_value) {
    t.__set_min_value(*s.min_value);
    t.__set_max_value(*s.max_value);
    if (s.signed_order) {
      t.__set_min(*s.min_value);
      t.__set_max(*s.max_value);
    }
  }
  return t;
}

}  // namespace

Result<std::string> serialize_data_page_header(int32_t num_values, int32_t uncompressed_size,
                                               int32_t compressed_size) {
  fmt::DataPageHeader dph;
  dph.__set_num_values(num_values);
  dph.__set_encoding(fmt::Encoding::PLAIN);
  dph.__set_definition_level_encoding(fmt::Encoding::RLE);
  dph.__set_repetition_level_encoding(fmt::Encoding::RLE);
  fmt::PageHeader ph;
  ph.__set_type(fmt::PageType::DATA_PAGE);
  ph.__set_uncompressed_page_size(uncompressed_size);
  ph.__set_compressed_page_size(compressed_size);
  ph.__set_data_page_header(dph);
  return serialize(ph);
}

Result<std::string> serialize_file_metadata(const FooterInput& in) {
  const SchemaLayout& layout = *in.layout;
  fmt::FileMetaData md;
  md.__set_version(1);

  std::vector<fmt::SchemaElement> elements;
  fmt::SchemaElement root;
  root.__set_name("schema");
  root.__set_num_children(static_cast<int32_t>(in.schema->fields.size()));
  elements.push_back(std::move(root));
  for (const Node& field : in.schema->fields) append_elements(field, elements);
  md.schema = std::move(elements);  // required fields: no isset; the __set_ helpers copy
  md.__set_num_rows(in.num_rows);

  // Built in place: thrift's generated types have no move constructors, so
  // every std::move of a RowGroup or ColumnChunk would deep-copy it (a part's
  // footer is hundreds of groups times every column, with min/max strings).
  md.row_groups.reserve(in.row_groups->size());
  int64_t ordinal = 0;
  for (const RowGroupMeta& rg : *in.row_groups) {
    fmt::RowGroup& g = md.row_groups.emplace_back();
    g.columns.reserve(rg.columns.size());
    int64_t total_uncompressed = 0, total_compressed = 0;
    for (size_t i = 0; i < rg.columns.size(); ++i) {
      const ColumnChunkMeta& c = rg.columns[i];
      const LeafColumn& leaf = layout.leaves[i];
      fmt::ColumnChunk& chunk = g.columns.emplace_back();
      chunk.__set_file_offset(c.data_page_offset);  // start of the chunk
      chunk.__isset.meta_data = true;
      fmt::ColumnMetaData& cmd = chunk.meta_data;
      cmd.__set_type(physical_type(leaf.physical));
      cmd.encodings.push_back(fmt::Encoding::PLAIN);
      if (c.has_levels) cmd.encodings.push_back(fmt::Encoding::RLE);
      cmd.__set_path_in_schema(leaf.path);
      cmd.__set_codec(codec_type(in.codec));
      cmd.__set_num_values(c.num_values);
      cmd.__set_total_uncompressed_size(c.total_uncompressed_size);
      cmd.__set_total_compressed_size(c.total_compressed_size);
      cmd.__set_data_page_offset(c.data_page_offset);
      cmd.__set_statistics(statistics(c.statistics));
      total_uncompressed += c.total_uncompressed_size;
      total_compressed += c.total_compressed_size;
    }
    g.__set_total_byte_size(total_uncompressed);
    g.__set_num_rows(rg.num_rows);
    g.__set_file_offset(rg.file_offset);
    g.__set_total_compressed_size(total_compressed);
    if (ordinal <= INT16_MAX) g.__set_ordinal(static_cast<int16_t>(ordinal));  // an i16 hint
    ++ordinal;
  }
  md.__set_created_by(in.created_by);
  if (!in.key_values.empty()) {
    std::vector<fmt::KeyValue> kvs;
    for (const auto& [key, value] : in.key_values) {
      fmt::KeyValue kv;
      kv.__set_key(key);
      kv.__set_value(value);
      kvs.push_back(std::move(kv));
    }
    md.__set_key_value_metadata(std::move(kvs));
  }

  std::vector<fmt::ColumnOrder> orders(layout.leaves.size());
  for (auto& o : orders) o.__set_TYPE_ORDER(fmt::TypeDefinedOrder());
  md.column_orders = std::move(orders);
  md.__isset.column_orders = true;
  return serialize(md);
}

}  // namespace td::parquet
