#include "store/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <cctype>

#include "store/common/url_encoding.h"

namespace td::store::s3 {

namespace {

std::string to_hex(const unsigned char* data, size_t n) {
  static const char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(n * 2);
  for (size_t i = 0; i < n; ++i) {
    out.push_back(digits[data[i] >> 4]);
    out.push_back(digits[data[i] & 15]);
  }
  return out;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), reinterpret_cast<const unsigned char*>(data.data()),
       data.size(), out.data(), &len);
  return std::string(reinterpret_cast<const char*>(out.data()), len);
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// Trims the value and collapses runs of spaces to one, as SigV4 requires.
std::string canonical_header_value(const std::string& v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> sorted_headers(const SigningRequest& r) {
  std::vector<std::pair<std::string, std::string>> h;
  for (const auto& [name, value] : r.headers) h.emplace_back(lower(name), canonical_header_value(value));
  std::sort(h.begin(), h.end());
  return h;
}

}  // namespace

std::string uri_encode(std::string_view s, bool keep_slash) { return percent_encode(s, keep_slash ? "/" : ""); }

std::string encode_object_path(std::string_view key) { return "/" + uri_encode(key, true); }

std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  for (const auto& [name, value] : query) encoded.emplace_back(uri_encode(name, false), uri_encode(value, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [name, value] : encoded) {
    if (!out.empty()) out.push_back('&');
    out += name + "=" + value;
  }
  return out;
}

std::string amz_date(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

std::string sha256_hex(std::string_view data) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> out{};
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr);
  return to_hex(out.data(), len);
}

namespace {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string signed_headers_of(const Headers& sorted) {
  std::string out;
  for (const auto& [name, value] : sorted) {
    if (!out.empty()) out.push_back(';');
    out += name;
  }
  return out;
}

std::string canonical_request_of(const SigningRequest& r, const Headers& sorted, const std::string& signed_list) {
  std::string out = r.method + "\n" + r.canonical_uri + "\n" + canonical_query(r.query) + "\n";
  for (const auto& [name, value] : sorted) out += name + ":" + value + "\n";
  out += "\n" + signed_list + "\n" + r.payload_hash;
  return out;
}

}  // namespace

std::string signed_headers(const SigningRequest& r) { return signed_headers_of(sorted_headers(r)); }

std::string canonical_request(const SigningRequest& r) {
  Headers sorted = sorted_headers(r);
  return canonical_request_of(r, sorted, signed_headers_of(sorted));
}

std::string string_to_sign(const std::string& amz_date_value, const std::string& region, const std::string& service,
                           const std::string& canonical_request_text) {
  std::string scope = amz_date_value.substr(0, 8) + "/" + region + "/" + service + "/aws4_request";
  return "AWS4-HMAC-SHA256\n" + amz_date_value + "\n" + scope + "\n" + sha256_hex(canonical_request_text);
}

std::string signature(const std::string& secret, const std::string& yyyymmdd, const std::string& region,
                      const std::string& service, const std::string& string_to_sign_text) {
  // The signing key changes once a day: derive it once per thread and day
  // (four HMACs per request were most of the signing cost).
  struct KeyCache {
    std::string secret, yyyymmdd, region, service, key;
  };
  thread_local KeyCache cache;
  if (cache.key.empty() || cache.secret != secret || cache.yyyymmdd != yyyymmdd || cache.region != region ||
      cache.service != service) {
    std::string k = hmac_sha256("AWS4" + secret, yyyymmdd);
    k = hmac_sha256(k, region);
    k = hmac_sha256(k, service);
    cache = KeyCache{secret, yyyymmdd, region, service, hmac_sha256(k, "aws4_request")};
  }
  std::string sig = hmac_sha256(cache.key, string_to_sign_text);
  return to_hex(reinterpret_cast<const unsigned char*>(sig.data()), sig.size());
}

std::string sign(SigningRequest& r, const Credentials& credentials, const std::string& region,
                 const std::string& service, std::time_t now) {
  std::string date = amz_date(now);
  r.headers.emplace_back("x-amz-date", date);
  r.headers.emplace_back("x-amz-content-sha256", r.payload_hash);
  if (!credentials.session_token.empty()) r.headers.emplace_back("x-amz-security-token", credentials.session_token);
  Headers sorted = sorted_headers(r);  // once: it lowercases, trims and sorts every header
  std::string signed_list = signed_headers_of(sorted);
  std::string sts = string_to_sign(date, region, service, canonical_request_of(r, sorted, signed_list));
  std::string scope = date.substr(0, 8) + "/" + region + "/" + service + "/aws4_request";
  return "AWS4-HMAC-SHA256 Credential=" + credentials.access_key_id + "/" + scope +
         ", SignedHeaders=" + signed_list +
         ", Signature=" + signature(credentials.secret_access_key, date.substr(0, 8), region, service, sts);
}

}  // namespace td::store::s3
