// Transport options shared by every HTTP-based store (http, s3, azure, gcs):
// the client keys of store.obstore_config that map onto http::EngineOptions.
// One place, so every backend spells and validates them the same way.
//
//   timeout                     whole-request timeout (obstore duration)  -> total_timeout_ms
//   connect_timeout             connect timeout (obstore duration)        -> connect_timeout_ms
//   allow_invalid_certificates  bool: skip TLS verification (testing only) -> verify_tls = false
//   ca_bundle                   path to a PEM file of trusted CAs         -> ca_bundle
//                               (else env SSL_CERT_FILE, else CURL_CA_BUNDLE)
//
// Durations are obstore (humantime) strings: "30s", "500ms", "2m", "1h 30m",
// "1m30s", or a plain number of seconds ("30", "0.5"). Booleans: true/false,
// 1/0, yes/no, on/off (any case).
//
// Usage from a backend's open function:
//   http::EngineOptions engine = options.http;
//   if (Status s = apply_transport_options(options.config, engine); !s.ok()) return s.error();
// Keys that are not transport options are left for the backend to interpret.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "http/engine.h"
#include "util/status.h"

namespace td::store {

// Applies the transport keys present in `config` to `out` (keys absent leave
// `out` unchanged; the CA bundle falls back to the environment). Bad values
// give a config error naming the key and the accepted forms.
Status apply_transport_options(const std::map<std::string, std::string>& config, http::EngineOptions& out);

// Whether `key` is one of the transport keys above (applied here), so a
// backend can warn about keys that apply to nothing.
bool is_transport_option(const std::string& key);

// An obstore duration string in milliseconds (rounded up; > 0), or a config
// error mentioning `name`.
Result<int64_t> parse_duration_ms(const std::string& name, const std::string& value);

// An obstore boolean, or a config error mentioning `name`.
Result<bool> parse_bool_option(const std::string& name, const std::string& value);

}  // namespace td::store
