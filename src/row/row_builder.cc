#include "row/row_builder.h"

#include "row/columns.h"

namespace td::row {
namespace {

using parquet::Value;

Value fill_row(const FillContext& ctx) {
  const auto table = columns();
  Value::Fields row;
  row.reserve(table.size());
  for (const Column& c : table) row.push_back(c.fill(ctx, c));
  return Value::fields(std::move(row));
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
    const auto& fields = std::get<Value::FieldsBox>(row.raw()).fields;
    uint64_t used = 0;
    for (size_t i = 0; i < fields.size() && used <= budget; ++i) used += value_bytes(fields[i]);
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
