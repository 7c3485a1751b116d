// End-to-end check of the http(s) store until `headers --keys` lands: for
// each key, the row built from the HTTP store must equal the row built from
// the local directory nginx serves, apart from path, etag, last_modified and
// the read cost (requests, bytes_read).
//
// usage: http_e2e_driver LOCAL_ROOT STORE_URL KEYS_FILE [--absolute] [option=value ...]
//   --absolute: hand the store full URLs (STORE_URL + key) instead of keys.
//   option=value: store.obstore_config entries (ca_bundle=..., timeout=...).
// Prints one line per mismatch and [figure] lines; exits 0 when all match.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>

#include "pipeline/fetch_header.h"
#include "row/row_builder.h"
#include "row/row_json.h"
#include "store/http/http_store.h"
#include "store/store.h"

using namespace td;

namespace {

nlohmann::ordered_json row_json(store::Store& s, const store::ObjectInfo& object) {
  pipeline::FetchOptions options;
  return row::row_to_json(row::build_row(pipeline::fetch_header(s, object, options)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s LOCAL_ROOT STORE_URL KEYS_FILE [--absolute] [option=value ...]\n", argv[0]);
    return 2;
  }
  std::string root = argv[1], url = argv[2];
  bool absolute = false;
  store::StoreOptions remote_options;
  remote_options.concurrency = 8;
  for (int i = 4; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--absolute") {
      absolute = true;
    } else if (auto eq = a.find('='); eq != std::string::npos) {
      remote_options.config[a.substr(0, eq)] = a.substr(eq + 1);
    }
  }
  auto local = store::open_store(root);
  auto remote = store::open_store(url, remote_options);
  if (!local.ok() || !remote.ok()) {
    std::fprintf(stderr, "cannot open stores: %s\n", (!local.ok() ? local.error() : remote.error()).message.c_str());
    return 2;
  }
  std::ifstream keys(argv[3]);
  std::string key;
  int n = 0, same = 0, errors = 0;
  uint64_t local_requests = 0, remote_requests = 0;
  while (std::getline(keys, key)) {
    if (key.empty()) continue;
    ++n;
    auto info = (*local)->stat(key);
    store::ObjectInfo local_object, remote_object;  // a key list gives no size, etag or date
    local_object.key = key;
    if (info.ok()) local_object = *info;
    remote_object.key = absolute ? url + key : key;
    auto a = row_json(**local, local_object);
    auto b = row_json(**remote, remote_object);
    local_requests += a["requests"].get<uint64_t>();
    remote_requests += b["requests"].get<uint64_t>();
    // HTTP dates carry whole seconds: compare "YYYY-MM-DDTHH:MM:SS".
    auto seconds = [](const nlohmann::ordered_json& v) { return v.is_string() ? v.get<std::string>().substr(0, 19) : ""; };
    bool metadata_ok = !b["etag"].is_null() && seconds(b["last_modified"]) == seconds(a["last_modified"]) &&
                       !seconds(b["last_modified"]).empty() && b["size"] == a["size"];
    if (!a["error"].is_null()) ++errors;
    for (const char* c : {"path", "etag", "last_modified", "requests", "bytes_read"}) {
      a.erase(c);
      b.erase(c);
    }
    if (a == b && metadata_ok) {
      ++same;
    } else {
      std::printf("MISMATCH %s%s\n  local:  %s\n  remote: %s\n", key.c_str(), metadata_ok ? "" : " (metadata)",
                  a.dump().c_str(), b.dump().c_str());
    }
  }
  auto* http = dynamic_cast<store::HttpStore*>(remote->get());
  std::printf("[figure] objects = %d\n[figure] identical_rows = %d\n[figure] error_rows = %d\n", n, same, errors);
  std::printf("[figure] local_requests = %llu\n[figure] http_requests = %llu\n",
              static_cast<unsigned long long>(local_requests), static_cast<unsigned long long>(remote_requests));
  if (http) {
    auto st = http->engine_stats();
    std::printf("[figure] engine_attempts = %llu\n[figure] engine_retries = %llu\n[figure] engine_bytes = %llu\n",
                static_cast<unsigned long long>(st.requests), static_cast<unsigned long long>(st.retries),
                static_cast<unsigned long long>(st.bytes_received));
  }
  return n > 0 && same == n ? 0 : 1;
}
