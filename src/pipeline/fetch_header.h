// Fetch + parse of one object: drives the sans-IO HeaderReader with ranged
// reads from a Store, coalescing each step's ranges, and records what it
// cost. Asynchronous, so many objects can be in flight on few threads. Every
// outcome is a value: a header or an error.
//
// The first read of an object is sized by a FirstReadEstimator shared by all
// fetches of a run: it learns how many leading bytes recent headers needed, so
// that one request of about that size usually reads the whole header (one
// request per object, few bytes past the header) instead of a fixed 64 KiB.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "row/row_builder.h"
#include "store/store.h"
#include "tiff/header_reader.h"

namespace td::pipeline {

// Thread-safe estimate of the first-read size from recent objects: a high
// quantile of the prefix each recent header needed (see needed_prefix), plus a
// margin, rounded up to a 4 KiB multiple, clamped to [min_bytes, cap]. Until
// `min_samples` objects have been seen it answers the cap. Reading the estimate
// is lock-free; record() takes a short lock and recomputes the quantile every
// `recompute_every` samples (nth_element over `window` values).
class FirstReadEstimator {
 public:
  struct Options {
    size_t window = 256;          // recent objects the quantile looks at
    double quantile = 0.95;       // fraction of recent headers one first read covers
    double margin = 0.25;         // added to the quantile, as a fraction of it
    uint64_t min_bytes = 4096;    // never read less than this first
    uint64_t granule = 4096;      // reads are multiples of this
    size_t min_samples = 16;      // answer the cap until this many objects were seen
    size_t recompute_every = 8;   // samples between quantile updates
  };

  FirstReadEstimator() : FirstReadEstimator(Options{}) {}
  explicit FirstReadEstimator(Options options);

  // Size of the next first read, at most `cap` (FetchOptions::first_read_bytes).
  uint64_t first_read_bytes(uint64_t cap) const;

  // One object's need: the leading bytes that would have held its whole header.
  void record(uint64_t needed_prefix_bytes);

  // What a parsed header says about the first read that would have read it in
  // one request: [0, metadata_end) when that fits under `cap`; `cap` when the
  // header starts at the front but runs longer (a bigger first read still
  // saves requests); nullopt when an IFD lies past `cap` (metadata after the
  // image data: no first read up to the cap avoids a second request, so the
  // object says nothing about the size to use).
  static std::optional<uint64_t> needed_prefix(const tiff::Header& header, uint64_t cap);

  size_t samples() const;

 private:
  void recompute_locked();

  Options options_;
  mutable std::mutex mu_;
  std::vector<uint64_t> ring_;  // guarded by mu_; the last `window` samples
  size_t next_ = 0;             // guarded by mu_; ring_ slot to write next
  size_t count_ = 0;            // guarded by mu_; samples ever recorded
  std::vector<uint64_t> scratch_;
  // 0 until min_samples were seen ("use the cap").
  std::atomic<uint64_t> estimate_{0};
};

struct FetchOptions {
  uint64_t first_read_bytes = 64 * 1024;   // the first read's cap (and size until the estimator has learned)
  uint64_t coalesce_gap_bytes = 64 * 1024; // ranges closer than this share one request
  tiff::Limits limits;
  // Sizes first reads from recent headers; null: always read first_read_bytes.
  // Copies of FetchOptions share it, so every fetch of a run learns together.
  std::shared_ptr<FirstReadEstimator> first_read = std::make_shared<FirstReadEstimator>();
};

// Merges ranges whose gap is below `gap` (sorted output).
std::vector<tiff::ByteRange> coalesce(std::vector<tiff::ByteRange> ranges, uint64_t gap);

// Starts reading `object`; calls `done` exactly once, on a store thread.
void fetch_header_async(store::Store& store, const store::ObjectInfo& object, const FetchOptions& options,
                        std::function<void(row::ObjectOutcome)> done);

// Blocking form, for `info`.
row::ObjectOutcome fetch_header(store::Store& store, const store::ObjectInfo& object, const FetchOptions& options);

}  // namespace td::pipeline
