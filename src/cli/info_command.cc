#include <cstdio>
#include <filesystem>
#include <iostream>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "pipeline/fetch_header.h"
#include "row/row_json.h"
#include "store/local/local_store.h"

namespace td::cli {

namespace {
void print_error(const Error& e) {
  // One line: newlines inside a message would break log parsing.
  std::string line = e.describe();
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  std::fprintf(stderr, "error: %s\n", line.c_str());
}
}  // namespace

int run_info(const InfoArgs& args) {
  namespace fs = std::filesystem;
  fs::path p = fs::absolute(args.path);
  store::LocalStore local(p.parent_path().string(), 1);
  std::string key = p.filename().string();

  auto object = local.stat(key);
  if (!object.ok()) {
    print_error(object.error());
    return exit_object_errors;
  }
  pipeline::FetchOptions fetch;
  fetch.limits.max_bytes = args.max_header_bytes;
  row::ObjectOutcome outcome = pipeline::fetch_header(local, *object, fetch);
  if (outcome.error) {
    print_error(*outcome.error);
    return exit_object_errors;
  }
  nlohmann::ordered_json out;
  if (args.raw) {
    out = row::header_to_raw_json(*outcome.header);
  } else {
    outcome.object.key = args.path;  // `path` as the user named it
    out = row::row_to_json(row::build_row(outcome));
  }
  std::cout << out.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << "\n";
  return exit_ok;
}

}  // namespace td::cli
