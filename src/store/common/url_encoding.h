// Percent-encoding and -decoding of URL parts, shared by the HTTP-based
// stores. Each backend keeps its own rules (which bytes stay literal, whether
// '/' is kept, whether '+' decodes to a space) and passes them in.
#pragma once

#include <string>
#include <string_view>

namespace td::store {

// RFC 3986 unreserved, ASCII only (locale-independent): A-Z a-z 0-9 - . _ ~
inline bool is_unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

inline bool is_hex_digit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// Whether s[i] is '%' followed by two hex digits.
inline bool is_percent_escape(std::string_view s, size_t i) {
  return s[i] == '%' && i + 2 < s.size() && is_hex_digit(s[i + 1]) && is_hex_digit(s[i + 2]);
}

// Appends "%XX" (upper-case hex) for byte c.
void append_percent_escape(std::string& out, unsigned char c);

// Every byte except the unreserved ones and those in `also_keep` becomes %XX
// (upper-case hex): also_keep "/" for paths, "" for query names and values.
std::string percent_encode(std::string_view s, std::string_view also_keep = "");

// Each s[i] for which escape(s, i) holds becomes %XX; the rest is copied.
template <class Escape>
std::string percent_encode_if(std::string_view s, Escape escape) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (escape(s, i)) append_percent_escape(out, static_cast<unsigned char>(s[i]));
    else out.push_back(s[i]);
  }
  return out;
}

// %XX decoded (a '%' not followed by two hex digits is kept); with
// plus_as_space, '+' becomes ' ' (form-style, as in query strings).
std::string percent_decode(std::string_view s, bool plus_as_space);

}  // namespace td::store
