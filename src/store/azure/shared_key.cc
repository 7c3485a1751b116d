#include "store/azure/shared_key.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cstdio>
#include <map>

#include "store/common/url_encoding.h"

namespace td::store::azure {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  if (a == std::string::npos) return "";
  size_t b = s.find_last_not_of(" \t");
  return s.substr(a, b - a + 1);
}

// The value of a standard header for the string to sign ("" when absent).
std::string header_value(const Headers& headers, const std::string& lowercase_name) {
  for (const auto& [name, value] : headers) {
    if (lower(name) == lowercase_name) return value;
  }
  return "";
}

}  // namespace

std::string canonicalized_headers(const Headers& headers) {
  // std::map sorts by lowercased name; a name appears once (last value wins,
  // and we never send one twice).
  std::map<std::string, std::string> ms;
  for (const auto& [name, value] : headers) {
    std::string n = lower(trim(name));
    if (n.rfind("x-ms-", 0) == 0) ms[n] = trim(value);
  }
  std::string out;
  for (const auto& [name, value] : ms) out += name + ":" + value + "\n";
  return out;
}

std::string canonicalized_resource(const std::string& account, const std::string& url) {
  std::string rest = url;
  auto scheme = rest.find("://");
  if (scheme != std::string::npos) rest = rest.substr(scheme + 3);
  auto slash = rest.find('/');
  auto qmark = rest.find('?');
  std::string path = "/";
  if (slash != std::string::npos && (qmark == std::string::npos || slash < qmark)) {
    path = rest.substr(slash, qmark == std::string::npos ? std::string::npos : qmark - slash);
  }
  std::string out = "/" + account + path;
  if (qmark == std::string::npos) return out;
  std::map<std::string, std::vector<std::string>> params;
  std::string query = rest.substr(qmark + 1);
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    if (!part.empty()) {
      auto eq = part.find('=');
      // Names and values decoded, '+' as a space (as Azure reads them).
      std::string name = lower(percent_decode(part.substr(0, eq), true));
      params[name].push_back(eq == std::string::npos ? "" : percent_decode(part.substr(eq + 1), true));
    }
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  for (auto& [name, values] : params) {
    std::sort(values.begin(), values.end());
    out += "\n" + name + ":";
    for (size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + values[i];
  }
  return out;
}

std::string string_to_sign(const std::string& method, const Headers& headers, const std::string& account,
                           const std::string& url) {
  std::string content_length = header_value(headers, "content-length");
  if (content_length == "0") content_length = "";  // versions 2015-02-21 and later
  std::string out = method + "\n";
  for (const char* name : {"content-encoding", "content-language"}) out += header_value(headers, name) + "\n";
  out += content_length + "\n";
  for (const char* name : {"content-md5", "content-type", "date", "if-modified-since", "if-match", "if-none-match",
                           "if-unmodified-since", "range"}) {
    out += header_value(headers, name) + "\n";
  }
  return out + canonicalized_headers(headers) + canonicalized_resource(account, url);
}

std::string base64_encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

std::optional<std::string> base64_decode(const std::string& text) {
  std::string in;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == ' ') continue;
    bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '/' || c == '=';
    if (!ok) return std::nullopt;
    in.push_back(c);
  }
  if (in.empty() || in.size() % 4 != 0) return std::nullopt;
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  size_t pad = 0;
  if (in.back() == '=') pad++;
  if (in.size() > 1 && in[in.size() - 2] == '=') pad++;
  out.resize(static_cast<size_t>(n) - pad);  // EVP_DecodeBlock counts padding as zero bytes
  return out;
}

Result<std::string> shared_key_signature(const std::string& base64_key, const std::string& text) {
  auto key = base64_decode(base64_key);
  if (!key) return Error{ErrorKind::config, "the Azure account key is not valid base64"};
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int mac_len = 0;
  if (!HMAC(EVP_sha256(), key->data(), static_cast<int>(key->size()),
            reinterpret_cast<const unsigned char*>(text.data()), text.size(), mac, &mac_len)) {
    return Error{ErrorKind::internal, "HMAC-SHA256 failed"};
  }
  return base64_encode(std::string(reinterpret_cast<char*>(mac), mac_len));
}

std::string rfc1123_date(std::time_t t) {
  static const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", days[tm.tm_wday], tm.tm_mday,
                months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

Status sign_shared_key(http::Request& request, const std::string& account, const std::string& base64_key,
                       std::time_t now) {
  auto& h = request.headers;
  h.erase(std::remove_if(h.begin(), h.end(),
                         [](const auto& kv) {
                           std::string n = lower(kv.first);
                           return n == "x-ms-date" || n == "authorization";
                         }),
          h.end());
  h.emplace_back("x-ms-date", rfc1123_date(now));
  auto signature = shared_key_signature(base64_key, string_to_sign(request.method, h, account, request.url));
  if (!signature.ok()) return signature.error();
  h.emplace_back("Authorization", "SharedKey " + account + ":" + *signature);
  return Status();
}

}  // namespace td::store::azure
