#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "pipeline/fetch_header.h"
#include "row/row_json.h"
#include "cli/config.h"
#include "store/store_url.h"
#include "util/redact.h"

namespace td::cli {

namespace {
void print_error(const Error& e) {
  // One line: newlines inside a message would break log parsing.
  std::string line = e.describe();
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "error: %s\n", redact(line).c_str());  // no secret, whatever built the message
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
  auto location = store::split_object_url(args.path);
  if (!location.ok()) {
    print_error(location.error());
    return exit_usage;
  }
  store::StoreOptions store_options;
  store_options.concurrency = 1;
  store_options.config = store_config;
  store_options.http.max_discard_bytes = args.max_discard_bytes.value_or(4 * args.max_header_bytes);
  auto opened = store::open_store(location->store_url, store_options);
  if (!opened.ok()) {
    print_error(opened.error());
    return exit_usage;
  }
  store::Store& store = **opened;
  store::ObjectInfo object;
  object.key = location->key;
  if (args.path.find("://") == std::string::npos || args.path.rfind("file://", 0) == 0) {
    // Local: stat first, so a directory or missing file is a clear error.
    auto info = store.stat(location->key);
    if (!info.ok()) {
      print_error(info.error());
      return exit_object_errors;
    }
    object = *info;
  }
  pipeline::FetchOptions fetch;
  fetch.limits.max_bytes = args.max_header_bytes;
  fetch.limits.max_ifds = args.max_ifds;
  row::ObjectOutcome outcome = pipeline::fetch_header(store, object, fetch);
  if (outcome.error) {
    print_error(*outcome.error);
    return exit_object_errors;
  }
  nlohmann::ordered_json out;
  if (args.raw) {
    out = row::header_to_raw_json(*outcome.header);
  } else {
    outcome.object.key = store::redact_store_url(args.path);  // `path` as the user named it, minus any secret
    out = row::row_to_json(row::build_row(outcome));
  }
  std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  return exit_ok;
}

}  // namespace td::cli
