// Turns what we learned about one object (its listing entry, its parsed TIFF
// header or the error that stopped us, and what reading it cost) into one row
// shaped like row_schema().
#pragma once

#include <optional>

#include "parquet/schema.h"
#include "store/store.h"
#include "tiff/header.h"
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

// `path` is parquet::escape_key of outcome.path (else of the key): valid UTF-8,
// one distinct, reversible text per distinct key.
// A row holds tag values as JSON text (escapes, digits) and one Value per item, so it
// can take several times the decoded header. A row whose values would take more than
// row_budget(header->span_bytes) bytes of memory writes `other_tags` values longer than
// a few bytes as not-loaded markers, with a value_not_loaded warning; only if it is still
// over does it become an error row (limit_exceeded). Headers with span_bytes 0 (built by
// hand, not read) are not checked.
parquet::Value build_row(const ObjectOutcome& outcome);

// Memory a row may take for a header occupying `span_bytes` bytes: 8 x that + 64 KiB
// (the decoded header's budget, tiff::Limits).
uint64_t row_budget(uint64_t span_bytes);

// Approximate memory of a Value tree: sizeof(Value) per node, plus heap strings and vectors.
uint64_t value_bytes(const parquet::Value& value);

// JSON text of a tag's values, as stored in `other_tags`: a scalar for one
// value, an array otherwise; RATIONALs as [numerator, denominator]. Values that were
// not loaded (past the end of the object, over a budget, unknown type; the header's
// warnings say why) are {"not_loaded":{"type":"BYTE","count":15198}}, with the TIFF 6.0
// type name (or the type code as text when unknown) — never null, which would read as
// "absent".
std::string tag_values_json(const tiff::Tag& tag);

// True when `row` (a build_row result) has a non-null `warnings` column.
bool row_has_warnings(const parquet::Value& row);

// The `warnings` column: one {kind, ifd, tag, message} per warning; null when none.
parquet::Value warnings_value(const std::vector<tiff::Warning>& warnings);

}  // namespace td::row
