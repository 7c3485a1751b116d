// The subcommands. Each returns a process exit code (exit_codes.h).
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "parquet/writer_options.h"
#include "pipeline/headers_run.h"

namespace td::cli {

struct InfoArgs {
  std::vector<std::string> paths;      // local paths or object URLs (one or more)
  std::optional<std::string> config;   // YAML config for store options (credentials, endpoint)
  bool raw = false;
  bool brief = false;                  // plain text, a dozen lines per file (brief_text.h)
  uint64_t max_header_bytes = 16ull << 20;
  uint32_t max_ifds = 100000;          // tiff::Limits::max_ifds
  std::optional<uint64_t> max_discard_bytes;  // unset: 4 x max_header_bytes
};
int run_info(const InfoArgs& args);

struct HeadersArgs {
  std::vector<std::string> positionals;  // [CONFIG] OUT_DIR
  std::optional<std::string> store;
  std::optional<std::string> keys_file;
  std::vector<std::string> prefixes;
  std::optional<size_t> concurrency;
  std::vector<std::string> suffixes;
  std::string compression = "snappy";
  bool overwrite = false;
  bool resume = false;
  std::optional<std::string> shard;        // "I/N"
  std::optional<uint32_t> shard_count;     // with JOB_COMPLETION_INDEX (Kubernetes)
  double stall_timeout_seconds = 600;
  std::string list_split = "auto";
  bool quiet = false;
  bool loud = false;
  uint64_t max_header_bytes = 16ull << 20;
  uint32_t max_ifds = 100000;          // tiff::Limits::max_ifds
  uint64_t first_read_bytes = 64 * 1024;
  std::optional<uint64_t> max_discard_bytes;  // unset: 4 x max_header_bytes
  // YAML (or JSON) text standing in for the CONFIG file (the Python API);
  // positionals then holds OUT_DIR alone.
  std::optional<std::string> config_text;
  // Stops the run early when set (pipeline::HeadersOptions::stop; the Python API on Ctrl-C).
  const std::atomic<bool>* stop = nullptr;
};
// What a `headers` run ended with, for callers other than main (the Python API):
// the message of a failure (exit codes 1 and 2), the summary otherwise.
struct HeadersReport {
  std::string error;
  pipeline::HeadersSummary summary;
};
int run_headers_command(const HeadersArgs& args, HeadersReport* report = nullptr);

}  // namespace td::cli
