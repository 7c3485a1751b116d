// The `headers` job: lister -> bounded queue -> fetch+parse workers ->
// bounded queue -> Parquet writer. Memory depends on the queue sizes, never
// on how many objects the store holds. Every listed object becomes one row.
// Each stage has its own file (lister_stage.h, fetch_stage.h, writer_stage.h
// with part_writer.h, watchdog.h); run_headers wires them with the queues.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "parquet/writer_options.h"
#include "pipeline/fetch_header.h"
#include "pipeline/output_dir.h"
#include "store/store.h"
#include "util/status.h"

namespace td::pipeline {

struct HeadersOptions {
  std::vector<std::string> prefixes;      // empty: the whole store
  // Instead of listing: a file with one key or object URL per line ("-": stdin).
  // Blank lines and lines starting with '#' are skipped; no suffix filter applies.
  std::string keys_file;
  std::string store_url;                  // to resolve full URLs in keys_file
  std::vector<std::string> suffixes;      // lowercase; a key matches case-insensitively
  size_t n_consumers = 1000;              // concurrent fetches (threads capped, see .cc)
  size_t list_chunk_size = 10000;         // keys per listing page
  // Listings in flight: prefixes are listed in parallel, and each is split one
  // '/' level down first when list_split says so.
  size_t list_concurrency = 8;
  enum class ListSplit { off, on, auto_ } list_split = ListSplit::auto_;  // auto: where the store is trusted
  size_t max_buffer_size = 1000000;       // keys buffered between lister and fetchers
  size_t write_chunk_size = 100000;       // rows per Parquet file
  Shard shard;                            // this run's share of the keys
  double stall_timeout_seconds = 600;     // watchdog: fail if nothing completes for this long
  parquet::WriterOptions writer;
  FetchOptions fetch;
  bool show_progress = false;             // a live progress line on stderr (a terminal)
  double progress_interval_seconds = 0;   // > 0: a plain progress line this often (stderr not a terminal)
  std::string keys_preread;               // key-list text already read from stdin ("-"); read before the rest
  // Set by an embedding caller (the Python module, on Ctrl-C) to stop the run
  // early; the watchdog looks every 0.1 s. The run then ends as a failed one
  // does (RunState::fail): the part being written is abandoned, committed
  // parts and their keys records stay, no manifest, so --resume continues.
  // The command leaves it null: its signals end the process (RunCleanup).
  const std::atomic<bool>* stop = nullptr;
};

// The message of the error a run stopped through HeadersOptions::stop returns
// (unless another failure came first).
inline constexpr const char* kRunStopped = "stopped on request";

struct HeadersSummary {
  uint64_t listed = 0;       // objects that matched the suffixes and this shard (one row each)
  uint64_t resumed = 0;      // of those, already in parts kept by --resume
  uint64_t other_shards = 0; // listed keys that belong to other shards
  uint64_t skipped = 0;      // listed keys that did not match the suffixes
  uint64_t ok = 0;
  uint64_t errors = 0;       // rows with error_kind set
  uint64_t with_warnings = 0;  // of the ok rows, those with a non-null `warnings` column
  uint64_t requests = 0;
  uint64_t bytes_read = 0;
  double elapsed_seconds = 0;
  std::vector<std::string> files;  // Parquet files written, in order
};

// A key-list line without surrounding blanks; nullopt for blank and '#' lines.
std::optional<std::string> key_list_entry(const std::string& line);

// Writes the parts into `out` (already prepared) and, on success, its
// manifest. Fails (nothing claims success) on a listing or write error.
Result<HeadersSummary> run_headers(store::Store& store, const HeadersOptions& options, const OutputDir& out);

}  // namespace td::pipeline
