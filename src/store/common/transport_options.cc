#include "store/common/transport_options.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>

namespace td::store {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Milliseconds per unit, humantime's unit names.
std::optional<double> unit_ms(const std::string& unit) {
  static const std::map<std::string, double> units = {
      {"ns", 1e-6},       {"nsec", 1e-6},     {"nanos", 1e-6},     {"us", 1e-3},      {"usec", 1e-3},
      {"micros", 1e-3},   {"ms", 1},          {"msec", 1},         {"millis", 1},     {"s", 1000},
      {"sec", 1000},      {"secs", 1000},     {"second", 1000},    {"seconds", 1000}, {"m", 60000},
      {"min", 60000},     {"mins", 60000},    {"minute", 60000},   {"minutes", 60000}, {"h", 3600000},
      {"hr", 3600000},    {"hrs", 3600000},   {"hour", 3600000},   {"hours", 3600000}, {"d", 86400000},
      {"day", 86400000},  {"days", 86400000},
  };
  auto it = units.find(unit);
  if (it == units.end()) return std::nullopt;
  return it->second;
}

Error bad_duration(const std::string& name, const std::string& value, const std::string& why) {
  return Error{ErrorKind::config, "store option '" + name + "': invalid duration '" + value + "' (" + why +
                                      "; use e.g. \"30s\", \"500ms\", \"2m\", \"1m 30s\" or a number of seconds)"};
}

Status check_readable_file(const std::string& what, const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) {
    return Error{ErrorKind::config, what + " '" + path + "' is not a readable file (a PEM bundle of CA certificates)"};
  }
  return Status();
}

}  // namespace

Result<int64_t> parse_duration_ms(const std::string& name, const std::string& value) {
  size_t i = 0;
  double total_ms = 0;
  bool any = false;
  auto skip_space = [&] { while (i < value.size() && std::isspace(static_cast<unsigned char>(value[i]))) ++i; };
  skip_space();
  while (i < value.size()) {
    size_t start = i;
    while (i < value.size() && (std::isdigit(static_cast<unsigned char>(value[i])) || value[i] == '.')) ++i;
    if (i == start) return bad_duration(name, value, "expected a number at '" + value.substr(start) + "'");
    std::string number = value.substr(start, i - start);
    if (std::count(number.begin(), number.end(), '.') > 1) return bad_duration(name, value, "bad number");
    double n = std::strtod(number.c_str(), nullptr);
    skip_space();
    size_t unit_start = i;
    while (i < value.size() && std::isalpha(static_cast<unsigned char>(value[i]))) ++i;
    std::string unit = value.substr(unit_start, i - unit_start);
    if (unit.empty()) {
      // A bare number means seconds, but only as the whole value ("30").
      if (any || i < value.size()) return bad_duration(name, value, "a unit is missing after " + number);
      unit = "s";
    }
    auto ms = unit_ms(lower(unit));
    if (!ms) return bad_duration(name, value, "unknown unit '" + unit + "'");
    total_ms += n * *ms;
    any = true;
    skip_space();
  }
  if (!any) return bad_duration(name, value, "empty");
  if (!(total_ms > 0)) return bad_duration(name, value, "must be greater than zero");
  if (total_ms > 1e12) return bad_duration(name, value, "too large");
  return static_cast<int64_t>(std::ceil(total_ms));
}

Result<bool> parse_bool_option(const std::string& name, const std::string& value) {
  std::string v = lower(value);
  if (v == "true" || v == "1" || v == "yes" || v == "on") return true;
  if (v == "false" || v == "0" || v == "no" || v == "off") return false;
  return Error{ErrorKind::config, "store option '" + name + "': expected true or false, got '" + value + "'"};
}

bool is_transport_option(const std::string& key) {
  return key == "timeout" || key == "connect_timeout" || key == "allow_invalid_certificates" || key == "ca_bundle";
}

Status apply_transport_options(const std::map<std::string, std::string>& config, http::EngineOptions& out) {
  if (auto it = config.find("timeout"); it != config.end()) {
    auto ms = parse_duration_ms(it->first, it->second);
    if (!ms.ok()) return ms.error();
    out.total_timeout_ms = static_cast<long>(*ms);
  }
  if (auto it = config.find("connect_timeout"); it != config.end()) {
    auto ms = parse_duration_ms(it->first, it->second);
    if (!ms.ok()) return ms.error();
    out.connect_timeout_ms = static_cast<long>(*ms);
  }
  if (auto it = config.find("allow_invalid_certificates"); it != config.end()) {
    auto allow = parse_bool_option(it->first, it->second);
    if (!allow.ok()) return allow.error();
    out.verify_tls = !*allow;
  }
  if (auto it = config.find("ca_bundle"); it != config.end()) {
    if (it->second.empty()) return Error{ErrorKind::config, "store option 'ca_bundle' is empty (give a PEM file path)"};
    if (Status s = check_readable_file("store option 'ca_bundle'", it->second); !s.ok()) return s;
    out.ca_bundle = it->second;
  } else if (out.ca_bundle.empty()) {
    // libcurl ignores these variables (only the curl tool reads them); honour them like it.
    for (const char* env : {"SSL_CERT_FILE", "CURL_CA_BUNDLE"}) {
      const char* path = std::getenv(env);
      if (path == nullptr || *path == 0) continue;
      if (Status s = check_readable_file(std::string("environment variable ") + env, path); !s.ok()) return s;
      out.ca_bundle = path;
      break;
    }
  }
  return Status();
}

}  // namespace td::store
