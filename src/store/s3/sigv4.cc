#include "store/s3/sigv4.h"

#include <openssl/evp.h>
#include <openssl/core_names.h>
#include <openssl/params.h>

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

// OpenSSL 3 looks an algorithm up in its provider table (under a lock) on
// every EVP_sha256() / HMAC() call: fetch SHA-256 and HMAC once instead.
// That lookup was most of the 7-8 us a signature took.
const EVP_MD* sha256_md() {
  static EVP_MD* const md = EVP_MD_fetch(nullptr, "SHA256", nullptr);
  return md;
}

EVP_MAC* hmac_algorithm() {
  static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  return mac;
}

// HMAC-SHA256 with a key set once and reused (the signing key changes once a day).
class KeyedHmac {
 public:
  KeyedHmac() : ctx_(EVP_MAC_CTX_new(hmac_algorithm())) {}
  ~KeyedHmac() { EVP_MAC_CTX_free(ctx_); }
  KeyedHmac(const KeyedHmac&) = delete;
  KeyedHmac& operator=(const KeyedHmac&) = delete;

  void set_key(std::string_view key) {
    char digest[] = "SHA256";
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    keyed_ = EVP_MAC_init(ctx_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params) == 1;
  }

  // Raw MAC bytes; empty if OpenSSL failed (the request then fails to authenticate, visibly).
  std::string mac(std::string_view data) {
    unsigned char out[EVP_MAX_MD_SIZE];
    size_t len = 0;
    // A null key re-initialises the context with the key already set.
    if (!keyed_ || EVP_MAC_init(ctx_, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(data.data()), data.size()) != 1 ||
        EVP_MAC_final(ctx_, out, &len, sizeof out) != 1) {
      return {};
    }
    return std::string(reinterpret_cast<const char*>(out), len);
  }

 private:
  EVP_MAC_CTX* ctx_;
  bool keyed_ = false;
};

std::string hmac_sha256(std::string_view key, std::string_view data) {
  KeyedHmac h;
  h.set_key(key);
  return h.mac(data);
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
  EVP_Digest(data.data(), data.size(), out.data(), &len, sha256_md(), nullptr);
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
    KeyedHmac hmac;
  };
  thread_local KeyCache cache;
  if (cache.key.empty() || cache.secret != secret || cache.yyyymmdd != yyyymmdd || cache.region != region ||
      cache.service != service) {
    std::string k = hmac_sha256("AWS4" + secret, yyyymmdd);
    k = hmac_sha256(k, region);
    k = hmac_sha256(k, service);
    cache.secret = secret;
    cache.yyyymmdd = yyyymmdd;
    cache.region = region;
    cache.service = service;
    cache.key = hmac_sha256(k, "aws4_request");
    cache.hmac.set_key(cache.key);
  }
  std::string sig = cache.hmac.mac(string_to_sign_text);
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
