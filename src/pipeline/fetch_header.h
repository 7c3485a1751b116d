// Fetch + parse of one object: drives the sans-IO HeaderReader with ranged
// reads from a Store, coalescing each step's ranges, and records what it
// cost. Asynchronous, so many objects can be in flight on few threads. Every
// outcome is a value: a header or an error.
#pragma once

#include <functional>

#include "row/row_builder.h"
#include "store/store.h"
#include "tiff/header_reader.h"

namespace td::pipeline {

struct FetchOptions {
  uint64_t first_read_bytes = 64 * 1024;   // the reference tool's first read
  uint64_t coalesce_gap_bytes = 64 * 1024; // ranges closer than this share one request
  tiff::Limits limits;
};

// Merges ranges whose gap is below `gap` (sorted output).
std::vector<tiff::ByteRange> coalesce(std::vector<tiff::ByteRange> ranges, uint64_t gap);

// Starts reading `object`; calls `done` exactly once, on a store thread.
void fetch_header_async(store::Store& store, const store::ObjectInfo& object, const FetchOptions& options,
                        std::function<void(row::ObjectOutcome)> done);

// Blocking form, for `info`.
row::ObjectOutcome fetch_header(store::Store& store, const store::ObjectInfo& object, const FetchOptions& options);

}  // namespace td::pipeline
