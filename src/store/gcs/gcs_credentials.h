// OAuth 2.0 access tokens for the GCS JSON API.
//
// Service accounts (RFC 7523 JWT bearer grant, as Google documents it):
//   JWT = base64url({"alg":"RS256","typ":"JWT","kid":private_key_id}) "."
//         base64url({"iss":client_email,"scope":SCOPE,"aud":token_uri,"iat":now,"exp":now+3600}) "."
//         base64url(RSASSA-PKCS1-v1_5-SHA256(private key, first two parts))
//   POST token_uri  grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer&assertion=JWT
// gcloud user credentials: POST token_uri grant_type=refresh_token&client_id=..&client_secret=..&refresh_token=..
// Answer: {"access_token": "...", "expires_in": 3599, "token_type": "Bearer"}.
//
// TokenProvider caches the token and refreshes it ahead of expiry in the
// background, on its own small HTTP engine (so a request signer running on
// the store's engine thread can wait for a token without deadlock).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "http/engine.h"
#include "store/gcs/gcs_config.h"
#include "util/status.h"

namespace td::store::gcs {

std::string base64url_encode(const std::string& bytes);  // no padding
std::optional<std::string> base64url_decode(const std::string& text);

// RSASSA-PKCS1-v1_5 with SHA-256 over `data`, with a PEM (PKCS#8 or PKCS#1) RSA private key.
Result<std::string> rs256_sign(const std::string& pem_private_key, const std::string& data);

// The signed JWT assertion for a service account at time `now` (epoch seconds).
Result<std::string> make_service_account_jwt(const GoogleCredentials& credentials, const std::string& scope,
                                             int64_t now);

// The form body of the token request (the JWT is signed at `now`).
Result<std::string> token_request_body(const GoogleCredentials& credentials, const std::string& scope, int64_t now);

struct AccessToken {
  std::string token;
  int64_t obtained = 0;    // epoch seconds
  int64_t expires_at = 0;  // epoch seconds
};

// Parses the token endpoint's answer; errors name the endpoint, the status and
// Google's error / error_description, never a secret.
Result<AccessToken> parse_token_response(const http::Response& response, const std::string& token_uri,
                                         const std::string& credentials_source, int64_t now);

class TokenProvider {
 public:
  using Clock = std::function<int64_t()>;  // epoch seconds
  TokenProvider(GoogleCredentials credentials, std::string source, const http::EngineOptions& http,
                Clock clock = {});
  ~TokenProvider();
  TokenProvider(const TokenProvider&) = delete;
  TokenProvider& operator=(const TokenProvider&) = delete;

  // A valid access token: the cached one; a background refresh starts once
  // it is within min(300 s, lifetime / 2) of expiry; blocks only when no
  // usable token is cached (first call, or refreshes failed).
  Result<std::string> token();

  uint64_t fetches() const;  // token requests completed (for tests and logs)

 private:
  void start_refresh_locked();
  void on_response(Result<http::Response> response);

  GoogleCredentials credentials_;
  std::string source_;
  Clock clock_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::optional<AccessToken> current_;  // guarded by mu_
  std::optional<Error> last_error_;     // guarded by mu_
  bool refreshing_ = false;             // guarded by mu_
  uint64_t fetches_ = 0;                // guarded by mu_
  std::unique_ptr<http::Engine> engine_;
};

}  // namespace td::store::gcs
