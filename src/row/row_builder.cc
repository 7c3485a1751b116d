#include "row/row_builder.h"

#include "row/columns.h"
#include "row/row_schema.h"
#include "row/tag_values.h"

namespace td::row {
namespace {

using parquet::Value;

uint64_t fields_bytes(const Value& row, uint64_t budget) {
  const auto& fields = std::get<Value::FieldsBox>(row.raw()).fields;
  uint64_t used = 0;
  for (size_t i = 0; i < fields.size() && used <= budget; ++i) used += value_bytes(fields[i]);
  return used;
}

Value fill_row(const FillContext& ctx) {
  const auto table = columns();
  Value::Fields row;
  row.reserve(table.size());
  for (const Column& c : table) row.push_back(c.fill(ctx, c));
  return Value::fields(std::move(row));
}

bool column_is_set(const Value& row, size_t index) {
  const auto* box = std::get_if<Value::FieldsBox>(&row.raw());
  return box != nullptr && index < box->fields.size() && !box->fields[index].is_null();
}

}  // namespace

uint64_t row_budget(uint64_t span_bytes) {
  constexpr uint64_t kPerByte = 8, kBase = 64 * 1024;
  if (span_bytes > (UINT64_MAX - kBase) / kPerByte) return UINT64_MAX;
  return kPerByte * span_bytes + kBase;
}

uint64_t value_bytes(const Value& value) {
  return std::visit(
      [](const auto& v) -> uint64_t {
        using V = std::decay_t<decltype(v)>;
        uint64_t n = sizeof(Value);
        if constexpr (std::is_same_v<V, std::string>) {
          if (v.size() > 15) n += v.capacity();  // shorter ones live inside the string (SSO)
        } else if constexpr (std::is_same_v<V, Value::ListBox>) {
          for (const auto& item : v.items) n += value_bytes(item);
        } else if constexpr (std::is_same_v<V, Value::FieldsBox>) {
          for (const auto& field : v.fields) n += value_bytes(field);
        } else if constexpr (std::is_same_v<V, Value::MapBox>) {
          for (const auto& [key, item] : v.entries) n += value_bytes(key) + value_bytes(item);
        }
        return n;
      },
      value.raw());
}

bool row_has_warnings(const Value& row) {
  static const size_t index = column_index("warnings");
  return column_is_set(row, index);
}

bool row_is_error(const Value& row) {
  static const size_t index = column_index("error_kind");
  return column_is_set(row, index);
}

Value warnings_value(const std::vector<tiff::Warning>& warnings) {
  if (warnings.empty()) return {};
  Value::List items;
  items.reserve(warnings.size());
  for (const tiff::Warning& w : warnings) {
    Value::Fields fields;
    fields.reserve(4);
    fields.emplace_back(w.kind);
    fields.emplace_back(static_cast<int64_t>(w.ifd));
    fields.push_back(w.tag ? Value(static_cast<int64_t>(*w.tag)) : Value());
    fields.push_back(text(w.message));
    items.push_back(Value::fields(std::move(fields)));
  }
  return Value::list(std::move(items));
}

Value build_row(const ObjectOutcome& outcome) {
  if (outcome.error || !outcome.header) {
    const Error e = outcome.error.value_or(Error{ErrorKind::internal, "no header and no error"});
    return fill_row(FillContext{outcome, nullptr, nullptr, &e});
  }
  const tiff::Header& h = *outcome.header;
  Value row = fill_row(FillContext{outcome, &h, h.ifds.empty() ? nullptr : &h.ifds.front(), nullptr});
  // Rows wait in the queue to the writer (up to --concurrency of them): each is bounded
  // by what was read. Checked once built: one row at a time per thread is transient.
  if (const uint64_t budget = row_budget(h.span_bytes); h.span_bytes > 0) {
    uint64_t used = fields_bytes(row, budget);
    if (used > budget) {  // keep the row: long other_tags values become markers
      size_t shrunk = 0;
      FillContext shrinking{outcome, &h, h.ifds.empty() ? nullptr : &h.ifds.front(), nullptr};
      shrinking.values_shrunk = &shrunk;
      row = fill_row(shrinking);
      used = fields_bytes(row, budget);
    }
    if (used > budget) {
      // The listing's columns and the cost stay; the header's are dropped.
      const Error e{ErrorKind::limit_exceeded,
                    "the row's values would take more than " + std::to_string(budget) + " bytes of memory (8 x the " +
                        std::to_string(h.span_bytes) +
                        " bytes the header occupies + 65536): too many tags or values for its size"};
      return fill_row(FillContext{outcome, nullptr, nullptr, &e});
    }
  }
  return row;
}

}  // namespace td::row
