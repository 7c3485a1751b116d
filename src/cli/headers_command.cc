#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/exit_codes.h"
#include "pipeline/headers_run.h"
#include "store/store_url.h"
#include "util/log.h"

namespace td::cli {
namespace {

namespace fs = std::filesystem;

int usage_error(const std::string& message) {
  std::fprintf(stderr, "error: %s\n", message.c_str());
  return exit_usage;
}

bool is_our_output(const fs::path& p) {
  std::string name = p.filename().string();
  bool part = name.rfind("part-", 0) == 0 && name.size() > 8 && name.substr(name.size() - 8) == ".parquet";
  bool tmp = name.rfind(".part-", 0) == 0 && name.size() > 4 && name.substr(name.size() - 4) == ".tmp";
  return part || tmp;
}

// OUT_DIR must exist; if it holds anything, --overwrite is required and then
// only our own part files are removed (never anything else of the user's).
Status prepare_out_dir(const std::string& dir, bool overwrite) {
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Error{ErrorKind::config, "output directory does not exist: " + dir};
  if (!fs::is_directory(dir, ec)) return Error{ErrorKind::config, "output path is not a directory: " + dir};
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir, ec)) entries.push_back(e.path());
  if (ec) return Error{ErrorKind::config, "cannot read output directory " + dir + ": " + ec.message()};
  if (entries.empty()) return Status();
  if (!overwrite) {
    return Error{ErrorKind::config, "output directory " + dir + " is not empty (" + std::to_string(entries.size()) +
                                        " entries); pass --overwrite to replace its part-*.parquet files"};
  }
  for (const auto& p : entries) {
    if (is_our_output(p)) fs::remove(p, ec);
  }
  if (::access(dir.c_str(), W_OK) != 0) return Error{ErrorKind::config, "output directory is not writable: " + dir};
  return Status();
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// The store named by the first key line of a key list (a full URL or an absolute path).
Result<std::string> store_from_key_list(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Error{ErrorKind::config, "cannot read key list " + path};
  std::string line;
  while (std::getline(in, line)) {
    auto begin = line.find_first_not_of(" \t\r");
    if (begin == std::string::npos || line[begin] == '#') continue;
    line = line.substr(begin, line.find_last_not_of(" \t\r") - begin + 1);
    auto location = store::split_object_url(line);
    if (!location.ok() || (line.find("://") == std::string::npos && line[0] != '/')) {
      return Error{ErrorKind::config, "key list " + path + " starts with '" + line +
                                          "', which is not a URL or absolute path: give the store with --store or a CONFIG"};
    }
    // Local keys are resolved against the filesystem root so any absolute path fits.
    return location->store_url.rfind("/", 0) == 0 && line[0] == '/' ? std::string("/") : location->store_url;
  }
  return Error{ErrorKind::config, "key list " + path + " holds no keys; give the store with --store or a CONFIG"};
}

}  // namespace

int run_headers_command(const HeadersArgs& args) {
  if (args.quiet && args.loud) return usage_error("--quiet and --loud cannot be combined");
  log::set_level(args.loud ? log::Level::debug : args.quiet ? log::Level::warn : log::Level::info);

  std::string out_dir;
  Config config;
  if (args.positionals.size() == 2) {
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
  if (args.store) config.store_name = *args.store;
  if (config.store_name.empty()) {
    // --keys without a store: the store is the one holding the first key's URL.
    auto derived = store_from_key_list(*args.keys_file);
    if (!derived.ok()) return usage_error(derived.error().message);
    config.store_name = *derived;
  }
  if (!args.prefixes.empty()) config.prefixes = args.prefixes;
  if (args.concurrency) config.n_consumers = *args.concurrency;
  if (config.n_consumers == 0) return usage_error("--concurrency must be at least 1");
  if (Status s = validate_config(config); !s.ok()) return usage_error(s.error().message);

  auto codec = parquet::parse_codec(args.compression);
  if (!codec.ok()) return usage_error(codec.error().message);

  store::StoreOptions store_options;
  store_options.concurrency = config.n_consumers;
  store_options.config = config.store_options;
  store_options.http.max_in_flight = config.n_consumers;
  auto store = store::open_store(config.store_name, store_options);
  if (!store.ok()) return usage_error(store.error().message);
  if (Status s = prepare_out_dir(out_dir, args.overwrite); !s.ok()) return usage_error(s.error().message);

  pipeline::HeadersOptions options;
  options.prefixes = config.prefixes;
  if (args.keys_file) options.keys_file = *args.keys_file;
  options.store_url = config.store_name;
  for (const auto& s : args.suffixes.empty() ? std::vector<std::string>{".tif", ".tiff"} : args.suffixes) {
    options.suffixes.push_back(lower(s));
  }
  options.n_consumers = config.n_consumers;
  options.list_chunk_size = config.list_chunk_size;
  options.max_buffer_size = config.max_buffer_size;
  options.write_chunk_size = config.write_chunk_size;
  options.out_dir = out_dir;
  options.writer.codec = *codec;
  options.writer.created_by = "tiff-dumper version 0.1.0";
  options.fetch.first_read_bytes = args.first_read_bytes;
  options.fetch.limits.max_bytes = args.max_header_bytes;
  options.show_progress = !args.quiet && ::isatty(STDERR_FILENO);

  log::debug("store " + config.store_name + ", " + std::to_string(options.prefixes.size()) + " prefixes");
  auto result = pipeline::run_headers(**store, options);
  if (!result.ok()) {
    std::fprintf(stderr, "error: %s\n", result.error().describe().c_str());
    return exit_failed;
  }
  const auto& s = *result;
  std::fprintf(stderr,
               "summary: listed %llu, ok %llu, errors %llu, skipped (suffix) %llu, requests %llu, bytes read %llu, "
               "files %zu, elapsed %.2fs, %.0f headers/s\n",
               static_cast<unsigned long long>(s.listed), static_cast<unsigned long long>(s.ok),
               static_cast<unsigned long long>(s.errors), static_cast<unsigned long long>(s.skipped),
               static_cast<unsigned long long>(s.requests), static_cast<unsigned long long>(s.bytes_read),
               s.files.size(), s.elapsed_seconds, s.elapsed_seconds > 0 ? s.listed / s.elapsed_seconds : 0.0);
  return s.errors > 0 ? exit_object_errors : exit_ok;
}

}  // namespace td::cli
