#include "util/redact.h"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <vector>

namespace td {
namespace {

std::mutex g_mu;
std::vector<std::string>& secrets() {
  static std::vector<std::string> s;
  return s;
}

std::string url_encoded(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

void add(std::vector<std::string>& list, std::string s) {
  if (s.size() >= 6 && std::find(list.begin(), list.end(), s) == list.end()) list.push_back(std::move(s));
}

bool ends_url(char c) {
  return std::isspace(static_cast<unsigned char>(c)) || c == '"' || c == '\'' || c == ')' || c == '>' || c == ',' ||
         c == ';';
}

// Cuts queries, fragments and user info off every scheme://... in the text.
std::string strip_urls(std::string_view text) {
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t sep = text.find("://", i);
    if (sep == std::string_view::npos) break;
    out.append(text.substr(i, sep + 3 - i));
    size_t end = sep + 3;
    // "...?q=1: HTTP 403": a ':' before a space ends the URL too (messages put one there).
    while (end < text.size() && !ends_url(text[end]) &&
           !(text[end] == ':' && (end + 1 == text.size() || std::isspace(static_cast<unsigned char>(text[end + 1]))))) {
      ++end;
    }
    std::string_view url = text.substr(sep + 3, end - sep - 3);
    size_t cut = url.find_first_of("?#");
    std::string_view kept = url.substr(0, cut);
    // user:password@host - but not abfss://container@account (no ':' before '@').
    size_t slash = kept.find('/');
    size_t at = kept.substr(0, slash).rfind('@');
    if (at != std::string_view::npos && kept.substr(0, at).find(':') != std::string_view::npos) {
      kept.remove_prefix(at + 1);
    }
    out.append(kept);
    i = end;
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

void replace_all(std::string& s, const std::string& what) {
  for (size_t pos = s.find(what); pos != std::string::npos; pos = s.find(what, pos + 3)) s.replace(pos, what.size(), "***");
}

}  // namespace

void register_secret(std::string_view secret) {
  std::lock_guard lock(g_mu);
  add(secrets(), std::string(secret));
  add(secrets(), url_encoded(secret));
}

std::string redact(std::string_view text) {
  std::string out = strip_urls(text);
  std::lock_guard lock(g_mu);
  for (const auto& s : secrets()) replace_all(out, s);
  return out;
}

}  // namespace td
