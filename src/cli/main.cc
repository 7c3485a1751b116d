// tiff-dumper: catalog TIFF headers from a store into Parquet.
#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "pipeline/run_cleanup.h"
#include "util/redact.h"
#include "util/version.h"

// jemalloc's start-up options (unused without jemalloc): freed pages go back
// to the kernel after 100 ms instead of 10 s, purged by jemalloc's own
// background thread so the loops and the writer never pay for it. With 1 s
// kept pages made peak RSS grow with the allocation rate (1,000,000 local
// objects: +8 to +14 % over 100,000); purging at once on free (decay 0)
// flattened it but doubled system CPU.
extern "C" {
extern const char* malloc_conf;
const char* malloc_conf = "background_thread:true,dirty_decay_ms:100,muzzy_decay_ms:0";
}

namespace {

const char* kExitCodes =
    "Exit codes:\n"
    "  0  every object was read\n"
    "  1  the run failed (store or output error); no part file claims success\n"
    "  2  bad arguments or configuration; nothing was done\n"
    "  3  finished, but some objects became error rows (info: the file could not be read)\n"
    "  130/143/129  ended by SIGINT/SIGTERM/SIGHUP: temporaries removed, committed parts kept\n";

const char* kHeadersHelp =
    "Reads the header of every TIFF in a store and writes one row per object to\n"
    "OUT_DIR/part-00000.parquet, part-00001.parquet, ... (each written under a hidden\n"
    "temporary name and renamed when complete). Drop-in compatible with the reference\n"
    "tool's `tiff-dumper headers CONFIG_FILE OUT_DIR`.\n\n"
    "CONFIG (YAML, optional when --store is given):\n"
    "  store:\n"
    "    name: /data/tiffs          # a directory, file://, s3://, az://, gs:// or https:// URL\n"
    "    prefixes: [a/, b/]         # key prefixes to scan; missing = everything\n"
    "    obstore_config: {}         # store options (obstore key names)\n"
    "  concurrency:\n"
    "    n_consumers: 1000          # concurrent header reads (local: threads, at most 4 per core)\n"
    "    list_chunk_size: 10000     # keys per listing page\n"
    "    max_buffer_size: 1000000   # keys buffered between listing and reading\n"
    "    write_chunk_size: 100000   # rows per Parquet file\n"
    "  Rules: n_consumers <= list_chunk_size <= write_chunk_size <= max_buffer_size,\n"
    "  and max_buffer_size a multiple of list_chunk_size. Unknown keys are errors.\n\n"
    "Every listed object whose key ends with a --suffix becomes exactly one row; an\n"
    "object that cannot be read or parsed gets `error_kind` and `error`; damage past IFD 0\n"
    "and budgets reached keep the row and fill `warnings`.\n"
    "Each complete part has a hidden keys record (.part-NNNNN.parquet.keys) used by\n"
    "--resume; _SUCCESS.json (sharded: _SUCCESS-sNNNN.json, parts part-sNNNN-NNNNN.parquet)\n"
    "is written last, with the counts, when the run is complete.\n"
    "Progress: a live line on a terminal (with an ETA once the number of objects is\n"
    "known); when stderr is not a terminal (Slurm, Kubernetes, CI logs), a plain line\n"
    "`info: progress: listed N, done N, errors N, R headers/s, elapsed T` every 30 s\n"
    "(environment TD_PROGRESS_INTERVAL_S=SECONDS changes it, 0 turns it off). --quiet:\n"
    "neither. A summary (counts, bytes, the output directory) always ends the run.\n";

// Levenshtein distance, for "did you mean" hints.
size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

// The entry of `known` nearest to `given` by at most 2 edits ("heders",
// "--concurency"); empty when none is that near.
std::string closest(const std::string& given, const std::vector<std::string>& known) {
  std::string best;
  size_t best_distance = 3;
  for (const auto& k : known) {
    size_t d = edit_distance(given, k);
    if (d < best_distance) {
      best_distance = d;
      best = k;
    }
  }
  return best;
}

// The first argument names the subcommand; an unknown one is an error with a
// hint (CLI11 alone says "A subcommand is required"). Exit code, or -1: fine.
int check_subcommand(int argc, char** argv, const std::vector<std::string>& known) {
  if (argc < 2 || argv[1][0] == '-') return -1;
  std::string given = td::redact(argv[1]);  // whatever was typed there, no secret echoed
  if (std::find(known.begin(), known.end(), given) != known.end()) return -1;
  std::string best = closest(given, known);
  std::string list;
  for (const auto& k : known) list += (list.empty() ? "" : ", ") + k;
  if (!best.empty()) {
    std::fprintf(stderr, "error: unknown subcommand '%s'; did you mean '%s'? (subcommands: %s; see --help)\n",
                 given.c_str(), best.c_str(), list.c_str());
  } else {
    std::fprintf(stderr, "error: unknown subcommand '%s' (subcommands: %s; see --help)\n", given.c_str(),
                 list.c_str());
  }
  return td::cli::exit_usage;
}

// A long flag the (sub)command does not know is an error naming it, with a
// hint when one is near. CLI11 alone names it only as an unexpected argument,
// and not at all when a value follows: `headers --concurency 4 cfg out` reads
// as three positionals. Call after check_subcommand. Exit code, or -1: fine.
int check_long_flags(int argc, char** argv, CLI::App& app) {
  CLI::App* command = &app;
  int first = 1;
  if (argc >= 2 && argv[1][0] != '-') {
    command = app.get_subcommand(argv[1]);
    first = 2;
  }
  std::vector<std::string> known;
  for (const CLI::App* a : {&app, command}) {
    for (const CLI::Option* option : a->get_options()) {
      for (const auto& name : option->get_lnames()) known.push_back("--" + name);
    }
  }
  for (int i = first; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--") break;  // positionals only from here
    if (arg.rfind("--", 0) != 0) continue;
    std::string given = td::redact(arg.substr(0, arg.find('=')));  // the name alone: a value may be a secret
    if (std::find(known.begin(), known.end(), given) != known.end()) continue;
    std::string best = closest(given, known);
    std::string help = command == &app ? "tiff-dumper --help" : "tiff-dumper " + command->get_name() + " --help";
    if (!best.empty()) {
      std::fprintf(stderr, "error: unknown option '%s'; did you mean %s? (see %s)\n", given.c_str(), best.c_str(),
                   help.c_str());
    } else {
      std::fprintf(stderr, "error: unknown option '%s' (see %s)\n", given.c_str(), help.c_str());
    }
    return td::cli::exit_usage;
  }
  return -1;
}

}  // namespace

int main(int argc, char** argv) {
  // First, before any thread exists: every later thread inherits the mask, so
  // SIGINT/SIGTERM/SIGHUP reach only the thread that ends the run cleanly.
  td::pipeline::install_signal_handling();
  CLI::App app{"tiff-dumper: catalog TIFF/GeoTIFF/COG headers into Parquet, reading only header bytes."};
  app.footer(kExitCodes);
  app.require_subcommand(1);
  app.set_version_flag("--version", td::tool_and_version(), "Print \"tiff-dumper VERSION\" and exit");

  td::cli::InfoArgs info;
  auto* info_cmd = app.add_subcommand("info", "Print the header of TIFF files (local or object URLs) as JSON.");
  info_cmd->footer(
      "Default output: the fields of the Parquet row for this file (first-IFD columns,\n"
      "geokeys, other_tags, a summary of every IFD). --raw: every tag of every IFD.\n"
      "One PATH: one pretty-printed JSON document. Several: JSON Lines, one compact\n"
      "document per file in the order given (--raw adds \"path\" first), e.g.\n"
      "`tiff-dumper info *.tif | jq -r '[.path, .image_width] | @tsv'`.\n"
      "A file that cannot be read prints one line `error: [PATH: ]KIND: message` on\n"
      "stderr (the other files go on) and the exit code is 3.\n"
      "--brief: the same row as plain text, a blank line between files; a file that\n"
      "cannot be read shows its `error  KIND: message` line there instead.\n");
  info_cmd->add_option("PATH", info.paths, "Local TIFF files or object URLs (s3://, gs://, az://, https://)")
      ->required();
  info_cmd->add_option("--config", info.config, "YAML config whose store.obstore_config gives credentials/endpoint");
  auto* raw_flag = info_cmd->add_flag("--raw", info.raw, "Dump every tag of every IFD (code, name, type, count, values)");
  info_cmd->add_flag("--brief", info.brief,
                     "Plain text for a person: a dozen lines per file (size, image, overviews, CRS, extent, ...)")
      ->excludes(raw_flag);
  info_cmd->add_option("--max-header-bytes", info.max_header_bytes,
                       "Metadata budget: bytes read for one header; past it, what is left is not loaded (a warning)")
      ->capture_default_str();
  info_cmd->add_option("--max-ifds", info.max_ifds,
                       "IFD budget: IFDs read from the chain; past it, the chain ends (a warning)")
      ->check(CLI::Range(1u, 4294967295u))
      ->capture_default_str();
  info_cmd->add_option("--max-discard-bytes", info.max_discard_bytes,
                       "Bytes a ranged read may discard when a server ignores Range (default: 4 x --max-header-bytes); "
                          "a range further in makes the object an error row");

  td::cli::HeadersArgs headers;
  auto* headers_cmd = app.add_subcommand("headers", "Dump the headers of every TIFF in a store to Parquet.");
  headers_cmd->footer(std::string(kHeadersHelp) + "\n" + kExitCodes);
  headers_cmd->add_option("CONFIG_OUT_DIR", headers.positionals, "[CONFIG] OUT_DIR (OUT_DIR must exist)")
      ->required()
      ->expected(1, 2);
  headers_cmd->add_option("--store", headers.store, "Store URL or directory (overrides store.name)");
  headers_cmd->add_option("--keys", headers.keys_file,
                          "Read these objects instead of listing: a file with one key or URL per line "
                          "('-' for stdin; no --suffix filter). Without --store, the store is taken from the first URL");
  headers_cmd->add_option("--prefix", headers.prefixes, "Key prefix to scan, repeatable (overrides store.prefixes)")
      ->allow_extra_args(false);
  headers_cmd->add_option("--concurrency", headers.concurrency, "Concurrent reads (overrides n_consumers)");
  headers_cmd->add_option("--suffix", headers.suffixes,
                          "Key suffix to include, repeatable, case-insensitive (default: .tif and .tiff)")
      ->allow_extra_args(false);
  headers_cmd->add_option("--compression", headers.compression, "Parquet codec: snappy, zstd or uncompressed")
      ->capture_default_str();
  headers_cmd->add_flag("--overwrite", headers.overwrite,
                        "Allow a non-empty OUT_DIR; the files this run writes (parts, keys records, manifest) are replaced");
  headers_cmd->add_flag("--resume", headers.resume,
                        "Continue an interrupted run in OUT_DIR: keep its complete part files, skip their objects");
  headers_cmd->add_option("--shard", headers.shard,
                          "Process only shard INDEX of COUNT (0-based, e.g. 3/8): a stable hash of each key picks its "
                          "shard. Default: from SLURM_ARRAY_TASK_ID/_COUNT, JOB_COMPLETION_INDEX (with "
                          "--shard-count) or AWS_BATCH_JOB_ARRAY_INDEX/_SIZE");
  headers_cmd->add_option("--shard-count", headers.shard_count,
                          "Number of shards when the index comes from JOB_COMPLETION_INDEX (Kubernetes)");
  headers_cmd->add_option("--list-split", headers.list_split,
                          "Split each prefix one '/' level down and list the parts in parallel: auto (AWS S3 "
                          "only; some S3-compatible servers answer delimiter listings incompletely), on, off")
      ->check(CLI::IsMember({"auto", "on", "off"}))
      ->capture_default_str();
  headers_cmd->add_option("--stall-timeout", headers.stall_timeout_seconds,
                          "Fail the run when nothing progresses for this many seconds (watchdog)")
      ->capture_default_str();
  headers_cmd->add_flag("--quiet", headers.quiet, "No progress line, only warnings, errors and the summary");
  headers_cmd->add_flag("--loud", headers.loud, "Debug logs (one line per failed object, files written)");
  headers_cmd->add_option("--max-header-bytes", headers.max_header_bytes,
                          "Metadata budget: bytes read for one header; past it, what is left is not loaded (a warning)")
      ->capture_default_str();
  headers_cmd->add_option("--max-ifds", headers.max_ifds,
                          "IFD budget: IFDs read from each file's chain; past it, the chain ends (a warning)")
      ->check(CLI::Range(1u, 4294967295u))
      ->capture_default_str();
  headers_cmd->add_option("--first-read-bytes", headers.first_read_bytes, "Size of the first ranged read")
      ->capture_default_str();
  headers_cmd->add_option("--max-discard-bytes", headers.max_discard_bytes,
                          "Bytes a ranged read may discard when a server ignores Range (default: 4 x --max-header-bytes); "
                          "a range further in makes the object an error row");

  std::vector<std::string> subcommands;
  for (const auto* sub : app.get_subcommands([](CLI::App*) { return true; })) subcommands.push_back(sub->get_name());
  if (int code = check_subcommand(argc, argv, subcommands); code >= 0) return code;
  if (int code = check_long_flags(argc, argv, app); code >= 0) return code;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : td::cli::exit_usage;
  }
  if (*info_cmd) return td::cli::run_info(info);
  return td::cli::run_headers_command(headers);
}
