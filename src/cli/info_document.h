// One file's `tiff-dumper info` document, shared by the command and the
// Python API (python/): the row it would produce (row_to_json of build_row),
// or the raw tag dump, or what failed.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "store/store.h"
#include "util/status.h"

namespace td::cli {

// Stores opened so far, by store URL (one per thread: not locked).
using StoreCache = std::map<std::string, std::unique_ptr<store::Store>>;

struct InfoDocument {
  std::optional<nlohmann::ordered_json> json;  // the document (or, with error_row, the error row)
  std::optional<Error> error;                  // what failed
  int code = 0;  // exit_codes.h: exit_usage (bad URL or store), exit_object_errors (the file)
};

// With `error_row`, a file that cannot be read or parsed also gets `json`: its
// error row (error_kind, error), as `headers` would write it.
InfoDocument info_document(const InfoArgs& args, const std::string& path,
                           const std::map<std::string, std::string>& store_config, StoreCache& stores,
                           bool error_row = false);

}  // namespace td::cli
