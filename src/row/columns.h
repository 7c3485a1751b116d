// The output columns, declared once. Each entry gives a column's name, Parquet
// type and nullability (its parquet::Node), a one-line meaning, the first-IFD
// tags it shows (those stay out of `other_tags`) and the function that fills it.
// From this table come the Parquet schema (row_schema.h), the row filling
// (row_builder.h), `info`'s JSON (row_json.h, which walks the schema) and the
// README's column table (column_table_text.h, checked by a test).
//
// Adding a column: one entry here (in the order it should appear in the file)
// plus its tests. A nested column (struct, list<struct>, map) is one entry
// too: its Node carries the children and its fill returns the whole value.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "catalog/crs.h"
#include "catalog/footprint.h"
#include "catalog/geotransform.h"
#include "catalog/image_structure.h"
#include "parquet/row_sink.h"
#include "parquet/schema.h"
#include "row/row_builder.h"
#include "tiff/header.h"
#include "util/status.h"

namespace td::row {

// What a fill function sees for one row. On an error row `header` and `ifd`
// are null and `error` is set; on a header with no IFD only `ifd` is null.
struct FillContext {
  const ObjectOutcome& outcome;
  const tiff::Header* header = nullptr;
  const tiff::Ifd* ifd = nullptr;  // the first IFD
  const Error* error = nullptr;
  // Set by append_row when the row is over its memory budget (row_budget): other_tags
  // writes long values as not-loaded markers and counts them in *values_shrunk, and
  // the warnings column adds a value_not_loaded warning saying so.
  size_t* values_shrunk = nullptr;

  // Catalog facts several columns show, each worked out once per row on first use
  // (see the accessors below).
  mutable std::optional<catalog::Georeferencing> georeferencing_memo{};
  mutable std::optional<catalog::Pyramid> pyramid_memo{};
  mutable const catalog::Crs* crs_memo = nullptr;
  mutable bool footprint_done = false;
  mutable std::optional<catalog::Footprint> footprint_memo{};
  mutable std::string footprint_problem{};
};

// The row's catalog facts (catalog/): call only when ctx.header is set.
const catalog::Georeferencing& georeferencing(const FillContext& ctx);
const catalog::Pyramid& pyramid(const FillContext& ctx);
const catalog::Crs& crs(const FillContext& ctx);
// nullopt when the image has no transform, no CRS, or one PROJ cannot place on Earth.
const std::optional<catalog::Footprint>& footprint(const FillContext& ctx);
// Whether the row's warnings column adds catalog warnings (transform_from_gcps,
// crs_not_built, footprint_not_computed) to the header's.
bool has_catalog_warnings(const FillContext& ctx);

struct Column {
  parquet::Node node;        // name, Parquet type, nullability (and children, if nested)
  std::string meaning;       // one line, as shown in the README
  std::vector<uint16_t> tags;  // first-IFD tags this column shows; kept out of other_tags
  // Gives `out` the column's value for one row: exactly one value shaped like
  // `node` (null() = SQL NULL).
  void (*fill)(const FillContext& ctx, const Column& self, parquet::RowSink& out) = nullptr;
};

// Every output column, in file order. Built once; lives for the process.
std::span<const Column> columns();

// One field of an `ifds` element (the per-IFD summary), filled from that IFD.
struct IfdField {
  parquet::Node node;
  uint16_t tag = 0;
  // Gives `out` the field's value for `ifd` (one value shaped like `node`).
  void (*fill)(const tiff::Ifd& ifd, uint16_t tag, parquet::RowSink& out) = nullptr;
};

// The per-IFD summary's fields, in order (the `ifds` list's struct).
std::span<const IfdField> ifd_fields();

// Whether a first-IFD tag has a column of its own (some Column::tags lists it)
// or is a large array only counted: such tags stay out of `other_tags`.
bool has_own_column(uint16_t code);

}  // namespace td::row
