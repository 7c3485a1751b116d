// The reference tool's YAML config (store + concurrency), read unchanged, with
// its validations and clear messages. Unknown keys are errors that name them.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "util/status.h"

namespace td::cli {

struct Config {
  std::string store_name;                          // store.name: URL or path
  std::vector<std::string> prefixes;               // store.prefixes
  std::map<std::string, std::string> store_options;  // store.obstore_config, as text
  size_t n_consumers = 1000;
  size_t list_chunk_size = 10000;
  size_t max_buffer_size = 1000000;
  size_t write_chunk_size = 100000;
  // Config keys whose value came from a command-line flag (flag_for_key), so
  // messages name the flag the user typed.
  std::set<std::string> from_flags;
};

// The flag that sets a config key ("n_consumers" -> "--concurrency"), or
// nullptr: the one table of config keys and their flags.
const char* flag_for_key(const std::string& key);

// Reads and checks key names and types (not the cross-field rules).
Result<Config> load_config(const std::string& path);
// The same from YAML (or JSON) text; messages start with `label` instead of a path.
Result<Config> load_config_text(const std::string& text, const std::string& label);

// The reference's cross-field rules:
//   n_consumers <= list_chunk_size; max_buffer_size >= list_chunk_size and a
//   multiple of it; list_chunk_size <= write_chunk_size <= max_buffer_size.
Status validate_config(const Config& config);

// Every obstore_config key we know (S3, Azure, GCS, client options).
bool is_known_store_option(const std::string& key);

}  // namespace td::cli
