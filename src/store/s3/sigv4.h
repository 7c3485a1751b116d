// AWS Signature Version 4 for S3 requests, signed in headers.
//
// Pure functions (the time is passed in) so that every step - canonical
// request, string to sign, signature - can be checked against AWS's documented
// examples and an independent signer (tests/stores/s3).
//
//   SigningRequest r{"GET", "/bucket/a%20b.tif", {}, {{"host", "h"}, {"range", "bytes=0-9"}}};
//   std::string authorization = sign(r, credentials, "us-east-1", "s3", std::time(nullptr));
//   // r.headers now also holds x-amz-date, x-amz-content-sha256 (and
//   // x-amz-security-token with a session token); send them with Authorization.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace td::store::s3 {

// Hex SHA-256 of the empty string: the payload hash of a bodiless request.
inline constexpr char kEmptyPayloadHash[] = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";

struct Credentials {
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;  // temporary credentials only
  bool empty() const { return access_key_id.empty(); }
};

struct SigningRequest {
  std::string method;
  // The path exactly as sent, already URI-encoded (encode_object_path).
  std::string canonical_uri;
  // Query parameters, NOT encoded: canonical_query() encodes and sorts them.
  std::vector<std::pair<std::string, std::string>> query;
  // Headers to sign (any case); must include host. sign() appends its own.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash = kEmptyPayloadHash;
};

// AWS URI encoding: every byte except A-Za-z0-9 - . _ ~ becomes %XX (upper
// hex); '/' is kept when keep_slash (object paths) and encoded otherwise
// (query names and values). store/common/url_encoding.h's percent_encode.
std::string uri_encode(std::string_view s, bool keep_slash);

// "/" + the key with each '/'-separated segment URI-encoded: S3 keys are
// encoded once (unlike other services, which encode twice).
std::string encode_object_path(std::string_view key);

// "name=value&..." with names and values URI-encoded, sorted by name then
// value. Also the query string to send, so the wire and the signature agree.
std::string canonical_query(const std::vector<std::pair<std::string, std::string>>& query);

// "20130524T000000Z" for a Unix time.
std::string amz_date(std::time_t t);

std::string sha256_hex(std::string_view data);

// Lowercased header names, sorted, ';'-joined ("host;range;x-amz-date").
std::string signed_headers(const SigningRequest& r);

// Method, URI, query, "name:value" lines (lowercased names, trimmed values
// with inner runs of spaces collapsed), signed header list, payload hash.
std::string canonical_request(const SigningRequest& r);

// "AWS4-HMAC-SHA256\n<amz_date>\n<yyyymmdd>/<region>/<service>/aws4_request\n<hex sha256 of the canonical request>".
std::string string_to_sign(const std::string& amz_date_value, const std::string& region, const std::string& service,
                           const std::string& canonical_request_text);

// Hex HMAC chain: kDate = HMAC("AWS4"+secret, yyyymmdd), kRegion, kService,
// kSigning = HMAC(kService, "aws4_request"); signature = HMAC(kSigning, sts).
std::string signature(const std::string& secret, const std::string& yyyymmdd, const std::string& region,
                      const std::string& service, const std::string& string_to_sign_text);

// Adds x-amz-date, x-amz-content-sha256 (= r.payload_hash) and, with a
// session token, x-amz-security-token to r.headers; returns the
// Authorization header value. Never log its inputs or output.
std::string sign(SigningRequest& r, const Credentials& credentials, const std::string& region,
                 const std::string& service, std::time_t now);

}  // namespace td::store::s3
