#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/exit_codes.h"
#include "pipeline/headers_run.h"
#include "store/store_url.h"
#include "util/redact.h"
#include "util/log.h"

namespace td::cli {
namespace {

namespace fs = std::filesystem;

// The shard from --shard I/N, else from the array-job environment of Slurm,
// Kubernetes Indexed Jobs or AWS Batch; unsharded when none is set.
Result<pipeline::Shard> choose_shard(const HeadersArgs& args) {
  pipeline::Shard shard;
  auto env = [](const char* name) -> std::optional<long long> {
    const char* v = std::getenv(name);
    if (!v || !*v) return std::nullopt;
    char* end = nullptr;
    long long n = std::strtoll(v, &end, 10);
    if (*end) return std::nullopt;
    return n;
  };
  auto make = [&](long long index, long long count, const std::string& source) -> Result<pipeline::Shard> {
    if (args.shard_count && source != "JOB_COMPLETION_INDEX" && source != "--shard" && *args.shard_count != count) {
      return Error{ErrorKind::config, "--shard-count " + std::to_string(*args.shard_count) + " disagrees with " +
                                          std::to_string(count) + " shards from " + source};
    }
    if (count < 1 || index < 0 || index >= count) {
      return Error{ErrorKind::config, "bad shard from " + source + ": index " + std::to_string(index) + " of " +
                                          std::to_string(count) + " (need 0 <= index < count)"};
    }
    shard.index = static_cast<uint32_t>(index);
    shard.count = static_cast<uint32_t>(count);
    shard.sharded = true;
    shard.source = source;
    return shard;
  };
  if (args.shard) {
    unsigned long long i = 0, n = 0;
    char extra = 0;
    if (std::sscanf(args.shard->c_str(), "%llu/%llu%c", &i, &n, &extra) != 2) {
      return Error{ErrorKind::config, "--shard wants INDEX/COUNT, e.g. 3/8 (0-based), got '" + *args.shard + "'"};
    }
    return make(static_cast<long long>(i), static_cast<long long>(n), "--shard");
  }
  if (auto id = env("SLURM_ARRAY_TASK_ID")) {
    auto count = env("SLURM_ARRAY_TASK_COUNT");
    if (!count) return Error{ErrorKind::config, "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not"};
    long long min = env("SLURM_ARRAY_TASK_MIN").value_or(0);  // --array=1-8 starts at 1
    return make(*id - min, *count, "SLURM_ARRAY_TASK_ID");
  }
  if (auto index = env("JOB_COMPLETION_INDEX")) {
    if (!args.shard_count) {
      return Error{ErrorKind::config, "JOB_COMPLETION_INDEX is set: give the job's completions with --shard-count N"};
    }
    return make(*index, *args.shard_count, "JOB_COMPLETION_INDEX");
  }
  if (auto index = env("AWS_BATCH_JOB_ARRAY_INDEX")) {
    auto size = env("AWS_BATCH_JOB_ARRAY_SIZE");
    if (!size) return Error{ErrorKind::config, "AWS_BATCH_JOB_ARRAY_INDEX is set but AWS_BATCH_JOB_ARRAY_SIZE is not"};
    return make(*index, *size, "AWS_BATCH_JOB_ARRAY_INDEX");
  }
  if (args.shard_count) return Error{ErrorKind::config, "--shard-count needs JOB_COMPLETION_INDEX in the environment"};
  return shard;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The store named by the first key line of a key list (a full URL or an
// absolute path). For stdin ("-"), the lines read up to and including that
// line are appended to `preread`, for the lister to read first.
Result<std::string> store_from_key_list(const std::string& path, std::string& preread) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path);
    if (!file) return Error{ErrorKind::config, "cannot read key list " + path};
    in = &file;
  }
  const std::string name = path == "-" ? "on stdin" : path;
  std::string line;
  while (std::getline(*in, line)) {
    if (path == "-") preread += line + "\n";
    auto entry = pipeline::key_list_entry(line);
    if (!entry) continue;
    line = *entry;
    auto location = store::split_object_url(line);
    if (!location.ok() || (line.find("://") == std::string::npos && line[0] != '/')) {
      return Error{ErrorKind::config, "key list " + name + " starts with '" + line +
                                          "', which is not a URL or absolute path: give the store with --store or a CONFIG"};
    }
    // Local keys are resolved against the filesystem root so any absolute path fits.
    return location->store_url.rfind("/", 0) == 0 && line[0] == '/' ? std::string("/") : location->store_url;
  }
  return Error{ErrorKind::config, "key list " + name + " holds no keys; give the store with --store or a CONFIG"};
}

// "1.2 MiB": a byte count for people.
std::string human_bytes(uint64_t n) {
  static const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
  double v = static_cast<double>(n);
  int u = 0;
  while (v >= 1024 && u < 5) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (u == 0) std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(n));
  else std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

// TD_PROGRESS_INTERVAL_S: seconds between plain progress lines when stderr is
// not a terminal (default 30; 0: none).
Result<double> progress_interval() {
  const char* v = std::getenv("TD_PROGRESS_INTERVAL_S");
  if (!v || !*v) return 30.0;
  char* end = nullptr;
  double s = std::strtod(v, &end);
  if (*end || !(s >= 0) || s > 1e9) {
    return Error{ErrorKind::config, std::string("TD_PROGRESS_INTERVAL_S must be a number of seconds >= 0, got '") + v +
                                        "'"};
  }
  return s;
}

}  // namespace

int run_headers_command(const HeadersArgs& args, HeadersReport* report) {
  auto usage_error = [report](const std::string& message) {
    std::string line = redact(message);  // no secret, whatever built the message
    std::fprintf(stderr, "error: %s\n", line.c_str());
    if (report) report->error = line;
    return exit_usage;
  };
  if (args.quiet && args.loud) return usage_error("--quiet and --loud cannot be combined");
  log::set_level(args.loud ? log::Level::debug : args.quiet ? log::Level::warn : log::Level::info);

  std::string out_dir;
  Config config;
  const std::string config_label = args.config_text ? "config" : args.positionals.empty() ? "" : args.positionals[0];
  if (args.config_text && args.positionals.size() == 1) {
    auto loaded = load_config_text(*args.config_text, config_label);
    if (!loaded.ok()) return usage_error(loaded.error().message);
    config = *loaded;
    out_dir = args.positionals[0];
  } else if (args.config_text) {
    return usage_error("expected OUT_DIR alone with a config given as text");
  } else if (args.positionals.size() == 2) {
    auto loaded = load_config(args.positionals[0]);
    if (!loaded.ok()) return usage_error(loaded.error().message);
    config = *loaded;
    out_dir = args.positionals[1];
  } else if (args.positionals.size() == 1) {
    if (!args.store && !args.keys_file) {
      return usage_error("give a CONFIG file, --store URL or --keys FILE before OUT_DIR (see --help)");
    }
    out_dir = args.positionals[0];
  } else {
    return usage_error("expected [CONFIG] OUT_DIR (see --help)");
  }
  if (args.store) {
    config.store_name = *args.store;
    config.from_flags.insert("name");
  }
  std::string keys_preread;
  if (config.store_name.empty()) {
    // --keys without a store: the store is the one holding the first key's URL.
    auto derived = store_from_key_list(*args.keys_file, keys_preread);
    if (!derived.ok()) return usage_error(derived.error().message);
    config.store_name = *derived;
  }
  if (!args.prefixes.empty()) {
    config.prefixes = args.prefixes;
    config.from_flags.insert("prefixes");
  }
  if (args.concurrency) {
    config.n_consumers = *args.concurrency;
    config.from_flags.insert("n_consumers");
  }
  if (config.n_consumers == 0) return usage_error("--concurrency must be at least 1");
  if (Status s = validate_config(config); !s.ok()) return usage_error(s.error().message);

  auto interval = progress_interval();
  if (!interval.ok()) return usage_error(interval.error().message);
  auto codec = parquet::parse_codec(args.compression);
  if (!codec.ok()) return usage_error(codec.error().message);

  store::StoreOptions store_options;
  store_options.concurrency = config.n_consumers;
  store_options.config = config.store_options;
  store_options.http.max_in_flight = config.n_consumers;
  store_options.http.max_discard_bytes = args.max_discard_bytes.value_or(4 * args.max_header_bytes);
  // Unless the `timeout` option says otherwise, every attempt of a request
  // gets 1/12 of the stall timeout (at most 60 s; 50 s by default): all 6
  // attempts of a slow object end in half the watchdog's time, so the object
  // becomes an error row and never stalls the run.
  store_options.http.total_timeout_ms = static_cast<long>(
      std::clamp(args.stall_timeout_seconds * 1000.0 / (2.0 * (store_options.http.max_retries + 1)), 100.0, 60000.0));
  auto store = store::open_store(config.store_name, store_options);
  if (!store.ok()) {
    // Say where the store came from: the flag, the config file, or the key list.
    std::string source = config.from_flags.count("name") ? std::string(flag_for_key("name")) + ": "
                         : args.positionals.size() == 2 || args.config_text ? config_label + ": store.name: "
                                                        : "--keys (the store of the first key): ";
    return usage_error(source + store.error().message);
  }
  if (args.overwrite && args.resume) return usage_error("--overwrite and --resume cannot be combined");
  auto shard = choose_shard(args);
  if (!shard.ok()) return usage_error(shard.error().message);
  if (shard->sharded) {
    log::info("shard " + std::to_string(shard->index) + "/" + std::to_string(shard->count) + " (from " +
              shard->source + ")");
  }
  auto mode = args.resume ? pipeline::OutputMode::resume
                          : args.overwrite ? pipeline::OutputMode::overwrite : pipeline::OutputMode::fresh;
  auto out = pipeline::OutputDir::prepare(out_dir, *shard, mode);
  if (!out.ok()) return usage_error(out.error().message);
  if (args.resume) {
    log::info("resuming: " + std::to_string(out->existing_parts().size()) + " complete part files kept, " +
              std::to_string(out->done_keys().size()) + " objects already done");
  }

  pipeline::HeadersOptions options;
  options.prefixes = config.prefixes;
  if (args.keys_file) options.keys_file = *args.keys_file;
  options.keys_preread = std::move(keys_preread);
  options.store_url = config.store_name;
  for (const auto& s : args.suffixes.empty() ? std::vector<std::string>{".tif", ".tiff"} : args.suffixes) {
    options.suffixes.push_back(lower(s));
  }
  options.n_consumers = config.n_consumers;
  options.list_chunk_size = config.list_chunk_size;
  options.max_buffer_size = config.max_buffer_size;
  options.write_chunk_size = config.write_chunk_size;
  options.shard = *shard;
  options.stall_timeout_seconds = args.stall_timeout_seconds;
  using Split = pipeline::HeadersOptions::ListSplit;
  options.list_split = args.list_split == "on" ? Split::on : args.list_split == "off" ? Split::off : Split::auto_;
  options.writer.codec = *codec;
  // A row group is buffered in memory until flushed. Rows average ~2.4 KB but
  // a run of many-IFD files is several times that, so groups end at 10,000
  // rows or 4 MiB, whichever comes first: peak memory then does not depend on
  // which files a run meets. Measured, local tree, 100k -> 1M objects: rows
  // only +23 % peak heap; 8 MiB +12 % peak RSS; 4 MiB +4..8 %, for a 2 %
  // larger file (more row groups, each with its statistics).
  options.writer.row_group_rows = 10000;
  options.writer.row_group_bytes = 4 << 20;
  options.writer.created_by = "tiff-dumper";  // the writer adds " version " + td::version()
  options.fetch.first_read_bytes = args.first_read_bytes;
  options.fetch.limits.max_bytes = args.max_header_bytes;
  options.fetch.limits.max_ifds = args.max_ifds;
  // A live line on a terminal; in a log (Slurm, Kubernetes, CI), a plain line every 30 s.
  options.show_progress = !args.quiet && ::isatty(STDERR_FILENO);
  if (!args.quiet && !options.show_progress) options.progress_interval_seconds = *interval;
  options.stop = args.stop;

  log::debug("store " + config.store_name + ", " + std::to_string(options.prefixes.size()) + " prefixes");
  auto result = pipeline::run_headers(**store, options, *out);
  if (!result.ok()) {
    // Stopped on request: the caller's interruption, worded as the command's own (no error kind).
    bool stopped = result.error().message == pipeline::kRunStopped;
    std::string line = stopped ? "interrupted: temporary files removed, committed parts kept; rerun with --resume to continue"
                               : redact(result.error().describe());
    std::fprintf(stderr, "error: %s\n", line.c_str());
    if (report) report->error = line;
    return exit_failed;
  }
  const auto& s = *result;
  if (report) report->summary = s;
  if (s.listed == 0 && s.other_shards == 0 && args.keys_file) {
    log::warn("the key list " + (*args.keys_file == "-" ? std::string("on stdin") : *args.keys_file) +
              " holds no keys");
  } else if (s.listed == 0 && s.other_shards == 0) {
    // Nothing matched: most often a mistyped prefix or suffix.
    auto quoted = [](const std::vector<std::string>& items) {
      std::string out;
      for (const auto& i : items) out += (out.empty() ? "'" : ", '") + i + "'";
      return out;
    };
    std::string where = config.prefixes.empty()             ? "the whole store"
                        : config.from_flags.count("prefixes") ? std::string(flag_for_key("prefixes")) + " " +
                                                                    quoted(config.prefixes)
                                                              : "store.prefixes " + quoted(config.prefixes);
    std::string suffix = args.suffixes.empty() ? "suffix " + quoted(options.suffixes) + " (the default)"
                                               : "--suffix " + quoted(options.suffixes);
    std::string why = s.skipped > 0 ? " (" + std::to_string(s.skipped) + " objects listed, none with that suffix)"
                                    : " (the listing was empty)";
    log::warn(where + " and " + suffix + " matched no object" + why);
  }
  std::error_code ec;
  std::string dir = fs::absolute(out_dir, ec).lexically_normal().string();
  if (ec || dir.empty()) dir = out_dir;
  if (!dir.empty() && dir.size() > 1 && dir.back() == '/') dir.pop_back();
  uint64_t written = 0;
  for (const auto& f : s.files) {
    auto size = fs::file_size(f, ec);
    if (!ec) written += size;
  }
  if (s.errors > 0) {
    char pattern[40] = "/*.parquet";  // this shard's parts only
    if (shard->sharded) std::snprintf(pattern, sizeof pattern, "/part-s%04u-*.parquet", shard->index);
    std::string glob = dir + pattern;
    std::string quoted;
    for (char c : glob) quoted += c == '\'' ? std::string("''") : std::string(1, c);  // SQL string literal
    log::warn(std::to_string(s.errors) + " objects are error rows; list them with: duckdb -c \"SELECT path, "
              "error_kind, error FROM read_parquet('" + quoted + "') WHERE error IS NOT NULL\"");
  }
  std::string extra;
  if (s.resumed) extra += ", already done (resumed) " + std::to_string(s.resumed);
  if (shard->sharded) extra += ", other shards " + std::to_string(s.other_shards);
  std::fprintf(stderr,
               "summary: listed %llu, ok %llu, errors %llu, skipped (suffix) %llu%s, requests %llu, bytes read %llu "
               "(%s), files %zu (%s) in %s, elapsed %.2fs, %.0f headers/s, objects with warnings %llu\n",
               static_cast<unsigned long long>(s.listed), static_cast<unsigned long long>(s.ok),
               static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(s.skipped), extra.c_str(),
               static_cast<unsigned long long>(s.requests), static_cast<unsigned long long>(s.bytes_read),
               human_bytes(s.bytes_read).c_str(), s.files.size(), human_bytes(written).c_str(), redact(dir).c_str(),
               s.elapsed_seconds, s.elapsed_seconds > 0 ? (s.ok + s.errors) / s.elapsed_seconds : 0.0,
               static_cast<unsigned long long>(s.with_warnings));
  return s.errors > 0 ? exit_object_errors : exit_ok;
}

}  // namespace td::cli
