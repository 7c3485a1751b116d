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
parquet::Value build_row(const ObjectOutcome& outcome);

// JSON text of a tag's values, as stored in `other_tags`: a scalar for one
// value, an array otherwise; RATIONALs as [numerator, denominator]; null when
// the values were not loaded.
std::string tag_values_json(const tiff::Tag& tag);

}  // namespace td::row
