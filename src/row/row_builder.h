// Turns what we learned about one object (its listing entry, its parsed TIFF
// header or the error that stopped us, and what reading it cost) into one row
// shaped like row_schema(): each column filled by its entry in the
// column table (columns.h).
#pragma once

#include <optional>

#include "catalog/footprint.h"
#include "parquet/row_sink.h"
#include "parquet/schema.h"
#include "store/store.h"
#include "tiff/header.h"
#include "row/tag_json.h"  // tag_values_json, for callers of this header
#include "util/status.h"

namespace td::row {

struct ReadCost {
  uint64_t requests = 0;
  uint64_t bytes_read = 0;
};

// Exactly one of header / error is set.
struct ObjectOutcome {
  store::ObjectInfo object;
  std::optional<std::string> path;  // the `path` column when not the key (key-list lines as given)
  std::optional<tiff::Header> header;
  std::optional<Error> error;
  ReadCost cost;
};

// What kind of row append_row wrote.
enum class RowKind {
  header,        // a header's row, nothing skipped
  warned,        // a header's row with a non-null `warnings` column
  error,         // an error row (non-null `error_kind`)
};

// Appends the object's row to `out`, one value per entry of the column table
// (columns.h), and ends it. `path` is parquet::escape_key of outcome.path (else
// of the key): valid UTF-8, one distinct, reversible text per distinct key.
// A row holds tag values as JSON text (escapes, digits), so it can take several
// times the decoded header. A row whose values would take more than
// row_budget(*header) bytes of memory (RowSink::row_bytes) writes
// `other_tags` values longer than a few bytes as not-loaded markers, with a
// value_not_loaded warning; only if it is still over does it become an error row
// (limit_exceeded). Headers with span_bytes 0 (built by hand, not read) are not
// checked. A row the sink refuses (end_row not ok: it does not fit the schema)
// is replaced by the object's error row, error_kind `unwritable_row`: its
// listing facts and costs, the refusal as `error`; never lost.
// `footprint`, when given, receives the written row's footprint (the `geometry`
// and `bbox` columns' source; nullopt for a row without one).
RowKind append_row(const ObjectOutcome& outcome, parquet::RowSink& out,
                   std::optional<catalog::Footprint>* footprint = nullptr);

// The `path` column's text for `outcome`: parquet::escape_key of outcome.path (else
// of the key). The output's `.keys` record holds the same text (--resume reads it).
std::string path_text(const ObjectOutcome& outcome);

// append_row's row as a Value tree (parquet::ValueTreeSink): for `info` and tests.
parquet::Value build_row(const ObjectOutcome& outcome);

// Memory a row may take for a header occupying `span_bytes` bytes: 8 x that + 64 KiB
// (the decoded header's budget, tiff::Limits).
uint64_t row_budget(uint64_t span_bytes);
// A header's row budget: row_budget(span_bytes) + 2 x its GDAL structural metadata text,
// which the row holds and span_bytes leaves out (a block of 70 KB would otherwise turn a
// valid COG into an error row). row_budget_text says it in words, for messages.
uint64_t row_budget(const tiff::Header& header);
std::string row_budget_text(const tiff::Header& header);

// True when `row` (a build_row result) has a non-null `warnings` column.
bool row_has_warnings(const parquet::Value& row);

// True when `row` (a build_row result) is an error row (non-null `error_kind`): the
// outcome's error, or a header whose row passed its memory budget.
bool row_is_error(const parquet::Value& row);

// The `warnings` column's value, as one value of `out`: one {kind, ifd, tag,
// message} per tiff::Warning; null when there are none (never an empty list).
void warnings_value(const std::vector<tiff::Warning>& warnings, parquet::RowSink& out);

}  // namespace td::row
