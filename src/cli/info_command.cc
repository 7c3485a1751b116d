#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <variant>

#include "cli/brief_text.h"
#include "cli/commands.h"
#include "cli/info_document.h"
#include "cli/exit_codes.h"
#include "pipeline/fetch_header.h"
#include "row/row_json.h"
#include "cli/config.h"
#include "store/store_url.h"
#include "util/redact.h"

namespace td::cli {

namespace {
// One line: "error: [PATH: ]KIND: message" (newlines inside a message would break log parsing).
void print_error(const Error& e, const std::string& path = "") {
  std::string line = (path.empty() ? "" : store::redact_store_url(path) + ": ") + e.describe();
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "error: %s\n", redact(line).c_str());  // no secret, whatever built the message
}

}  // namespace

InfoDocument info_document(const InfoArgs& args, const std::string& path,
                           const std::map<std::string, std::string>& store_config, StoreCache& stores,
                           bool error_row) {
  InfoDocument doc;
  auto fail = [&doc](const Error& e, int code) {
    doc.error = e;
    doc.code = code;
    return doc;
  };
  auto location = store::split_object_url(path);
  if (!location.ok()) return fail(location.error(), exit_usage);
  auto& slot = stores[location->store_url];
  if (!slot) {
    store::StoreOptions store_options;
    store_options.concurrency = 1;
    store_options.config = store_config;
    store_options.http.max_discard_bytes = args.max_discard_bytes.value_or(4 * args.max_header_bytes);
    auto opened = store::open_store(location->store_url, store_options);
    if (!opened.ok()) {
      stores.erase(location->store_url);
      return fail(opened.error(), exit_usage);
    }
    slot = std::move(*opened);
  }
  store::Store& store = *slot;
  store::ObjectInfo object;
  object.key = location->key;
  row::ObjectOutcome outcome;
  if (path.find("://") == std::string::npos || path.rfind("file://", 0) == 0) {
    // Local: stat first, so a directory or missing file is a clear error.
    auto info = store.stat(location->key);
    if (!info.ok()) {
      outcome.object = object;
      outcome.error = info.error();
    } else {
      object = *info;
    }
  }
  if (!outcome.error) {
    pipeline::FetchOptions fetch;
    fetch.limits.max_bytes = args.max_header_bytes;
    fetch.limits.max_ifds = args.max_ifds;
    outcome = pipeline::fetch_header(store, object, fetch);
  }
  outcome.object.key = store::redact_store_url(path);  // `path` as the user named it, minus any secret
  if (outcome.error) {
    if (error_row) doc.json = row::row_to_json(row::build_row(outcome));
    return fail(*outcome.error, exit_object_errors);
  }
  doc.json = args.raw ? row::header_to_raw_json(*outcome.header) : row::row_to_json(row::build_row(outcome));
  return doc;
}

namespace {

// The document for one file, or the exit code of its failure (reported).
std::variant<nlohmann::ordered_json, int> info_one(const InfoArgs& args, const std::string& path,
                                                   const std::map<std::string, std::string>& store_config,
                                                   StoreCache& stores, const std::string& label) {
  InfoDocument doc = info_document(args, path, store_config, stores);
  if (doc.error) {
    print_error(*doc.error, label);
    return doc.code;
  }
  return std::move(*doc.json);
}

// `info --brief`: each file's brief text (brief_text.h) on stdout, a blank line
// between files, in the order given. A file that cannot be read shows its error
// line there (from its error row, as `headers` writes it) and the rest go on.
// Exit codes as without --brief.
int run_info_brief(const InfoArgs& args, const std::map<std::string, std::string>& store_config,
                   StoreCache& stores) {
  int failures = 0;
  int last_code = exit_ok;
  for (size_t i = 0; i < args.paths.size(); ++i) {
    const std::string& path = args.paths[i];
    InfoDocument doc = info_document(args, path, store_config, stores, /*error_row=*/true);
    if (doc.error) {
      ++failures;
      last_code = doc.code;
    }
    if (i > 0) std::cout << "\n";
    std::cout << (doc.json ? brief_text(*doc.json) : brief_error_text(store::redact_store_url(path), *doc.error));
  }
  std::cout.flush();
  if (args.paths.size() == 1) return last_code;  // as `info FILE`: 2 for a bad URL or store, 3 for the file
  return failures > 0 ? exit_object_errors : exit_ok;
}

}  // namespace

int run_info(const InfoArgs& args) {
  std::map<std::string, std::string> store_config;
  if (args.config) {
    auto config = load_config(*args.config);
    if (!config.ok()) {
      print_error(config.error());
      return exit_usage;
    }
    store_config = config->store_options;
  }
  StoreCache stores;
  if (args.brief) return run_info_brief(args, store_config, stores);
  const auto handler = nlohmann::ordered_json::error_handler_t::replace;
  if (args.paths.size() == 1) {
    // One file: one pretty-printed document (unchanged since the first release).
    auto doc = info_one(args, args.paths[0], store_config, stores, "");
    if (auto* code = std::get_if<int>(&doc)) return *code;
    std::cout << std::get<0>(doc).dump(2, ' ', false, handler) << "\n";
    return exit_ok;
  }
  // Several files: JSON Lines, one compact document per file, in the order
  // given (`jq`, `duckdb read_json`, `grep` take it as it comes); a file that
  // fails prints `error: PATH: ...` on stderr instead, and the rest go on.
  int failures = 0;
  for (const auto& path : args.paths) {
    auto doc = info_one(args, path, store_config, stores, path);
    if (std::holds_alternative<int>(doc)) {
      ++failures;
      continue;
    }
    auto& json = std::get<0>(doc);
    if (args.raw) {  // the raw dump has no path of its own: put it first
      nlohmann::ordered_json with_path;
      with_path["path"] = store::redact_store_url(path);
      for (auto& [k, v] : json.items()) with_path[k] = std::move(v);
      json = std::move(with_path);
    }
    std::cout << json.dump(-1, ' ', false, handler) << "\n";
  }
  std::cout.flush();
  return failures > 0 ? exit_object_errors : exit_ok;
}

}  // namespace td::cli
