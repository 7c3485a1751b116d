#include "util/redact.h"
#include "store/gcs/gcs_credentials.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

#include "store/common/url_encoding.h"

namespace td::store::gcs {

namespace {

struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};

int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

std::string base64url_encode(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  while (!out.empty() && out.back() == '=') out.pop_back();
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  return out;
}

std::optional<std::string> base64url_decode(const std::string& text) {
  std::string in = text;
  for (char& c : in) {
    if (c == '-') c = '+';
    else if (c == '_') c = '/';
    else if (!std::isalnum(static_cast<unsigned char>(c))) return std::nullopt;
  }
  size_t pad = (4 - in.size() % 4) % 4;
  if (pad == 3) return std::nullopt;
  in.append(pad, '=');
  std::string out(in.size() / 4 * 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(in.data()), static_cast<int>(in.size()));
  if (n < 0) return std::nullopt;
  out.resize(static_cast<size_t>(n) - pad);  // EVP_DecodeBlock counts padding as zero bytes
  return out;
}

Result<std::string> rs256_sign(const std::string& pem_private_key, const std::string& data) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new_mem_buf(pem_private_key.data(), static_cast<int>(pem_private_key.size())));
  if (!bio) return Error{ErrorKind::internal, "BIO_new_mem_buf failed"};
  std::unique_ptr<EVP_PKEY, PkeyFree> key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) return Error{ErrorKind::config, "the service account's private_key is not a readable PEM private key"};
  if (EVP_PKEY_base_id(key.get()) != EVP_PKEY_RSA) {
    return Error{ErrorKind::config, "the service account's private_key is not an RSA key (RS256 needs RSA)"};
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  size_t len = 0;
  auto input = reinterpret_cast<const unsigned char*>(data.data());
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, input, data.size()) != 1) {
    return Error{ErrorKind::internal, "RS256 signing failed to start"};
  }
  std::string sig(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(sig.data()), &len, input, data.size()) != 1) {
    return Error{ErrorKind::internal, "RS256 signing failed"};
  }
  sig.resize(len);
  return sig;
}

Result<std::string> make_service_account_jwt(const GoogleCredentials& c, const std::string& scope, int64_t now) {
  nlohmann::ordered_json header = {{"alg", "RS256"}, {"typ", "JWT"}};
  if (!c.private_key_id.empty()) header["kid"] = c.private_key_id;
  nlohmann::ordered_json claims = {{"iss", c.client_email}, {"scope", scope}, {"aud", c.token_uri},
                                   {"iat", now}, {"exp", now + 3600}};
  std::string signing_input = base64url_encode(header.dump()) + "." + base64url_encode(claims.dump());
  auto sig = rs256_sign(c.private_key, signing_input);
  if (!sig.ok()) return sig.error();
  return signing_input + "." + base64url_encode(*sig);
}

Result<std::string> token_request_body(const GoogleCredentials& c, const std::string& scope, int64_t now) {
  if (c.type == GcsAuth::authorized_user) {
    return "grant_type=refresh_token&client_id=" + percent_encode(c.client_id) + "&client_secret=" +
           percent_encode(c.client_secret) + "&refresh_token=" + percent_encode(c.refresh_token);
  }
  auto jwt = make_service_account_jwt(c, scope, now);
  if (!jwt.ok()) return jwt.error();
  register_secret(*jwt);
  return "grant_type=" + percent_encode("urn:ietf:params:oauth:grant-type:jwt-bearer") + "&assertion=" + *jwt;
}

Result<AccessToken> parse_token_response(const http::Response& response, const std::string& token_uri,
                                         const std::string& credentials_source, int64_t now) {
  nlohmann::json j = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  auto str = [&](const char* k) {
    return j.is_object() && j.contains(k) && j[k].is_string() ? j[k].get<std::string>() : std::string();
  };
  std::string where = "Google OAuth token request (POST " + http::redact_url(token_uri) + ")";
  if (response.status != 200) {
    std::string m = where + ": HTTP " + std::to_string(response.status);
    if (!str("error").empty()) m += " " + str("error");
    if (!str("error_description").empty()) m += ": " + str("error_description");
    m += "; check the credentials in " + credentials_source;
    if (str("error") == "invalid_grant") m += " (a deleted or wrong key, or this machine's clock is off)";
    // A rejected key fails every request alike: a setup error that stops the run.
    bool denied = response.status == 400 || response.status == 401 || response.status == 403;
    return Error{denied ? ErrorKind::config : ErrorKind::io, m};
  }
  AccessToken t;
  t.token = str("access_token");
  if (t.token.empty()) return Error{ErrorKind::io, where + ": the answer has no access_token"};
  register_secret(t.token);
  int64_t expires_in = 3600;
  if (j.contains("expires_in") && j["expires_in"].is_number_integer()) expires_in = j["expires_in"].get<int64_t>();
  t.obtained = now;
  t.expires_at = now + std::max<int64_t>(expires_in, 1);
  return t;
}

TokenProvider::TokenProvider(GoogleCredentials credentials, std::string source, const http::EngineOptions& http,
                             Clock clock)
    : credentials_(std::move(credentials)), source_(std::move(source)), clock_(clock ? std::move(clock) : system_now) {
  http::EngineOptions options = http;
  options.max_in_flight = 1;
  engine_ = std::make_unique<http::Engine>(options);
}

TokenProvider::~TokenProvider() { engine_.reset(); }  // waits for a refresh in flight

uint64_t TokenProvider::fetches() const {
  std::lock_guard lock(mu_);
  return fetches_;
}

void TokenProvider::start_refresh_locked() {
  refreshing_ = true;
  http::Request request;
  request.method = "POST";
  request.url = credentials_.token_uri;
  request.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
  engine_->submit(
      std::move(request), [this](Result<http::Response> r) { on_response(std::move(r)); },
      // Signed per attempt: a retried request carries a fresh iat/exp.
      [this](http::Request& r) -> Status {
        auto body = token_request_body(credentials_, kReadOnlyScope, clock_());
        if (!body.ok()) return body.error();
        r.body = std::move(*body);
        return Status();
      });
}

void TokenProvider::on_response(Result<http::Response> response) {
  Result<AccessToken> token = response.ok()
                                  ? parse_token_response(*response, credentials_.token_uri, source_, clock_())
                                  : Result<AccessToken>(Error{response.error().kind, "Google OAuth token request: " +
                                                                                 response.error().message});
  std::lock_guard lock(mu_);
  ++fetches_;
  if (token.ok()) {
    current_ = std::move(*token);
    last_error_.reset();
  } else {
    last_error_ = token.error();
  }
  refreshing_ = false;
  cv_.notify_all();
}

Result<std::string> TokenProvider::token() {
  std::unique_lock lock(mu_);
  auto usable = [&] {
    if (!current_) return false;
    int64_t lifetime = current_->expires_at - current_->obtained;
    return clock_() < current_->expires_at - std::min<int64_t>(30, lifetime / 4);
  };
  if (usable()) {
    int64_t lifetime = current_->expires_at - current_->obtained;
    bool due = clock_() >= current_->expires_at - std::min<int64_t>(300, lifetime / 2);
    if (due && !refreshing_) start_refresh_locked();
    return current_->token;
  }
  if (!refreshing_) {
    last_error_.reset();
    start_refresh_locked();
  }
  cv_.wait(lock, [&] { return !refreshing_; });
  if (usable()) return current_->token;
  if (last_error_) return *last_error_;
  return Error{ErrorKind::io, "Google OAuth token request gave an already expired token"};
}

}  // namespace td::store::gcs
