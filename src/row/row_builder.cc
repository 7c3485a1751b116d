#include "row/row_builder.h"

#include "parquet/utf8.h"
#include "parquet/value_tree_sink.h"
#include "row/columns.h"
#include "row/row_schema.h"
#include "row/tag_values.h"
#include "util/log.h"

namespace td::row {
namespace {

using parquet::Value;

void fill_row(const FillContext& ctx, parquet::RowSink& out) {
  out.begin_row();
  for (const Column& c : columns()) c.fill(ctx, c, out);
}

bool column_is_set(const Value& row, size_t index) {
  const auto* box = std::get_if<Value::FieldsBox>(&row.raw());
  return box != nullptr && index < box->fields.size() && !box->fields[index].is_null();
}

// Fills the row of `outcome` (begun, not ended) and says what kind it is.
RowKind fill_outcome_row(const ObjectOutcome& outcome, parquet::RowSink& out,
                         std::optional<catalog::Footprint>* footprint_out) {
  if (outcome.error || !outcome.header) {
    const Error e = outcome.error.value_or(Error{ErrorKind::internal, "no header and no error"});
    fill_row(FillContext{outcome, nullptr, nullptr, &e}, out);
    return RowKind::error;
  }
  const tiff::Header& h = *outcome.header;
  const tiff::Ifd* first = h.ifds.empty() ? nullptr : &h.ifds.front();
  const FillContext context{outcome, &h, first, nullptr};
  fill_row(context, out);
  bool warned = !h.warnings.empty() || has_catalog_warnings(context);
  if (footprint_out) *footprint_out = footprint(context);
  // Rows are bounded by what was read: a hostile header cannot make a huge row.
  if (const uint64_t budget = row_budget(h); h.span_bytes > 0 && out.row_bytes() > budget) {
    // Keep the row: long other_tags values become markers.
    out.abort_row();
    size_t shrunk = 0;
    FillContext shrinking{outcome, &h, first, nullptr};
    shrinking.values_shrunk = &shrunk;
    fill_row(shrinking, out);
    warned = warned || shrunk > 0;
    if (out.row_bytes() > budget) {
      // The listing's columns and the cost stay; the header's are dropped.
      out.abort_row();
      const Error e{ErrorKind::limit_exceeded,
                    "the row's values would take more than " + row_budget_text(h) +
                        ": too many tags or values for its size"};
      fill_row(FillContext{outcome, nullptr, nullptr, &e}, out);
      if (footprint_out) footprint_out->reset();
      return RowKind::error;
    }
  }
  return warned ? RowKind::warned : RowKind::header;
}

}  // namespace

std::string path_text(const ObjectOutcome& outcome) {
  // Keys are bytes: escape_key keeps distinct keys distinct (Latin-1 did not).
  return parquet::escape_key(outcome.path ? *outcome.path : outcome.object.key);
}

uint64_t row_budget(uint64_t span_bytes) {
  constexpr uint64_t kPerByte = 8, kBase = 64 * 1024;
  if (span_bytes > (UINT64_MAX - kBase) / kPerByte) return UINT64_MAX;
  return kPerByte * span_bytes + kBase;
}

uint64_t row_budget(const tiff::Header& h) {
  const uint64_t budget = row_budget(h.span_bytes);
  // The GDAL block is held once, as text; its size is not in span_bytes (tiff/header.h).
  const uint64_t ghost = h.gdal_structural_metadata ? 2 * h.gdal_structural_metadata->size() : 0;
  return budget > UINT64_MAX - ghost ? UINT64_MAX : budget + ghost;
}

std::string row_budget_text(const tiff::Header& h) {
  std::string text = std::to_string(row_budget(h)) + " bytes of memory (8 x the " + std::to_string(h.span_bytes) +
                     " bytes the header occupies + 65536";
  if (h.gdal_structural_metadata)
    text += " + 2 x the " + std::to_string(h.gdal_structural_metadata->size()) + " bytes of GDAL structural metadata";
  return text + ")";
}

bool row_has_warnings(const Value& row) {
  static const size_t index = column_index("warnings");
  return column_is_set(row, index);
}

bool row_is_error(const Value& row) {
  static const size_t index = column_index("error_kind");
  return column_is_set(row, index);
}

void warnings_value(const std::vector<tiff::Warning>& warnings, parquet::RowSink& out) {
  if (warnings.empty()) return out.null();
  out.begin_list();
  for (const tiff::Warning& w : warnings) {
    out.begin_group();
    out.bytes(w.kind);
    out.int64(static_cast<int64_t>(w.ifd));
    opt_int(w.tag, out);
    text(w.message, out);
    out.end_group();
  }
  out.end_list();
}

RowKind append_row(const ObjectOutcome& outcome, parquet::RowSink& out,
                   std::optional<catalog::Footprint>* footprint) {
  if (footprint) footprint->reset();
  RowKind kind = fill_outcome_row(outcome, out, footprint);
  Status ended = out.end_row();
  if (ended.ok()) return kind;
  // Never expected (values are made to fit where they are made), never lost: the
  // object's listing facts and costs stand in, with why.
  const std::string path = path_text(outcome);
  log::warn(path + ": " + ended.error().message + "; written as an error row");
  const Error e{ErrorKind::unwritable_row, "the Parquet writer rejected this row: " + ended.error().message};
  if (footprint) footprint->reset();
  fill_row(FillContext{outcome, nullptr, nullptr, &e}, out);
  if (Status again = out.end_row(); !again.ok()) log::error(path + ": its error row was rejected too: " + again.error().message);
  return RowKind::error;
}

Value build_row(const ObjectOutcome& outcome) {
  parquet::ValueTreeSink sink;
  append_row(outcome, sink);
  return sink.take_row();
}

}  // namespace td::row
