#include "store/common/url_encoding.h"

namespace td::store {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

}  // namespace

void append_percent_escape(std::string& out, unsigned char c) {
  static const char digits[] = "0123456789ABCDEF";
  out.push_back('%');
  out.push_back(digits[c >> 4]);
  out.push_back(digits[c & 15]);
}

std::string percent_encode(std::string_view s, std::string_view also_keep) {
  return percent_encode_if(s, [also_keep](std::string_view text, size_t i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    return !is_unreserved(c) && also_keep.find(static_cast<char>(c)) == std::string_view::npos;
  });
}

std::string percent_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (is_percent_escape(s, i)) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(plus_as_space && s[i] == '+' ? ' ' : s[i]);
    }
  }
  return out;
}

}  // namespace td::store
