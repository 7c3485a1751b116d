// Azure Storage Shared Key authorization, as pure functions:
// https://learn.microsoft.com/rest/api/storageservices/authorize-with-shared-key
//
//   StringToSign = VERB \n Content-Encoding \n Content-Language \n
//                  Content-Length (empty when 0) \n Content-MD5 \n Content-Type \n
//                  Date \n If-Modified-Since \n If-Match \n If-None-Match \n
//                  If-Unmodified-Since \n Range \n
//                  CanonicalizedHeaders CanonicalizedResource
//   Authorization: SharedKey ACCOUNT:base64(HMAC-SHA256(base64decode(key), StringToSign))
//
// CanonicalizedHeaders: every x-ms-* header, name lowercased, sorted, "name:value\n".
// CanonicalizedResource: "/" ACCOUNT + the encoded URI path as sent, then for
// each query parameter (names lowercased and sorted, values decoded):
// "\nname:value".
#pragma once

#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "http/engine.h"
#include "util/status.h"

namespace td::store::azure {

using Headers = std::vector<std::pair<std::string, std::string>>;

std::string canonicalized_headers(const Headers& headers);
std::string canonicalized_resource(const std::string& account, const std::string& url);
std::string string_to_sign(const std::string& method, const Headers& headers, const std::string& account,
                           const std::string& url);

// base64(HMAC-SHA256(base64decode(key), text)); an error when the key is not base64.
Result<std::string> shared_key_signature(const std::string& base64_key, const std::string& text);

// Sets x-ms-date (now) and Authorization on `request` (x-ms-version is the
// caller's). Called before every attempt, so retries carry a fresh date.
Status sign_shared_key(http::Request& request, const std::string& account, const std::string& base64_key,
                       std::time_t now);

// "Sun, 06 Nov 1994 08:49:37 GMT" (locale-independent).
std::string rfc1123_date(std::time_t t);

std::string base64_encode(const std::string& bytes);
std::optional<std::string> base64_decode(const std::string& text);

}  // namespace td::store::azure
