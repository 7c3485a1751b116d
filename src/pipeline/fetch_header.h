// Fetch + parse of one object: drives the sans-IO HeaderReader with ranged
// reads from a Store, coalescing each step's ranges into one read, and
// records what it cost. Every outcome is a value: a header or an error.
#pragma once

#include "row/row_builder.h"
#include "store/store.h"
#include "tiff/header_reader.h"

namespace td::pipeline {

struct FetchOptions {
  uint64_t first_read_bytes = 64 * 1024;  // the reference tool's first read
  uint64_t coalesce_gap_bytes = 64 * 1024;
  tiff::Limits limits;
};

std::vector<tiff::ByteRange> coalesce(std::vector<tiff::ByteRange> ranges, uint64_t gap);

row::ObjectOutcome fetch_header(store::Store& store, const store::ObjectInfo& object,
                                const FetchOptions& options);

}  // namespace td::pipeline
