#include "parquet/utf8.h"

#include <simdjson.h>

#include <cstdint>

namespace td::parquet {
namespace {

// Length of the well-formed UTF-8 sequence at p[i], or 0 if it is not one.
size_t sequence_length(const uint8_t* p, size_t n, size_t i) {
  const uint8_t c = p[i];
  if (c < 0x80) return 1;
  size_t len;
  uint8_t lo = 0x80, hi = 0xbf;  // allowed range of the second byte
  if (c >= 0xc2 && c <= 0xdf) {
    len = 2;
  } else if (c >= 0xe0 && c <= 0xef) {
    len = 3;
    if (c == 0xe0) lo = 0xa0;        // no overlong 3-byte forms
    else if (c == 0xed) hi = 0x9f;   // no UTF-16 surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    len = 4;
    if (c == 0xf0) lo = 0x90;        // no overlong 4-byte forms
    else if (c == 0xf4) hi = 0x8f;   // nothing above U+10FFFF
  } else {
    return 0;
  }
  if (n - i < len) return 0;
  if (p[i + 1] < lo || p[i + 1] > hi) return 0;
  for (size_t k = 2; k < len; ++k)
    if (p[i + k] < 0x80 || p[i + k] > 0xbf) return 0;
  return len;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;  // lower case is never written, so never read
}

}  // namespace

bool is_valid_utf8(std::string_view s) {
  // simdjson's validator (SIMD; the same rules: RFC 3629, no overlongs, no
  // surrogates, nothing above U+10FFFF): every text column goes through here.
  return simdjson::validate_utf8(s.data(), s.size());
}

std::string escape_key(std::string_view key) {
  const auto* p = reinterpret_cast<const uint8_t*>(key.data());
  const size_t n = key.size();
  // Fast path: valid UTF-8 without "\\" or "\x" is its own path.
  if (key.find("\\\\") == std::string_view::npos && key.find("\\x") == std::string_view::npos && is_valid_utf8(key)) {
    return std::string(key);
  }
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(n + n / 2);
  for (size_t i = 0; i < n;) {
    size_t len = sequence_length(p, n, i);
    if (len == 0) {
      out += "\\x";
      out.push_back(kHex[p[i] >> 4]);
      out.push_back(kHex[p[i] & 0xf]);
      ++i;
      continue;
    }
    if (p[i] == '\\') {
      // The next output character starts with '\' when the next byte is a
      // backslash or an invalid byte (escaped as "\x.."), or is 'x'.
      bool next_is_ambiguous =
          i + 1 < n && (p[i + 1] == '\\' || p[i + 1] == 'x' || sequence_length(p, n, i + 1) == 0);
      out += next_is_ambiguous ? "\\\\" : "\\";
      ++i;
      continue;
    }
    out.append(key.data() + i, len);
    i += len;
  }
  return out;
}

std::string unescape_key(std::string_view path) {
  std::string out;
  out.reserve(path.size());
  for (size_t i = 0; i < path.size(); ++i) {
    char c = path[i];
    if (c == '\\' && i + 1 < path.size()) {
      if (path[i + 1] == '\\') {
        out.push_back('\\');
        ++i;
        continue;
      }
      if (path[i + 1] == 'x' && i + 3 < path.size()) {
        int hi = hex_value(path[i + 2]), lo = hex_value(path[i + 3]);
        if (hi >= 0 && lo >= 0) {
          out.push_back(static_cast<char>(hi * 16 + lo));
          i += 3;
          continue;
        }
      }
    }
    out.push_back(c);
  }
  return out;
}

}  // namespace td::parquet
