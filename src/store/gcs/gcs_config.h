// Google Cloud Storage configuration for the JSON API: bucket, endpoint and
// credentials, from store.obstore_config (obstore key names) and then the
// environment:
//
//   anonymous     google_skip_signature | skip_signature: true
//   key JSON text google_service_account_key | service_account_key > env GOOGLE_SERVICE_ACCOUNT_KEY
//   key file      google_service_account | service_account | google_service_account_path |
//                 service_account_path | google_application_credentials
//                 > env GOOGLE_SERVICE_ACCOUNT, GOOGLE_SERVICE_ACCOUNT_PATH, GOOGLE_APPLICATION_CREDENTIALS
//                 > gcloud's application_default_credentials.json (if present)
//   none of these: anonymous (public buckets)
//
// A key (file or text) is a service-account key ("type": "service_account":
// RS256-signed JWT exchanged at its token_uri) or gcloud user credentials
// ("type": "authorized_user": refresh token exchanged at the token URI).
//
//   endpoint      endpoint (obstore_config) > env STORAGE_EMULATOR_HOST (as the
//                 Google SDKs read it: "host:port" or a URL; plain http allowed)
//                 > https://storage.googleapis.com
//   allow_http    allow_http: permit plain-http endpoint / token URI (a loopback
//                 token URI is always allowed, for local test servers)
//
// HMAC keys (aws_access_key_id / aws_secret_access_key) select the XML API
// instead: see open_gcs_store.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>

#include "store/store_url.h"
#include "util/status.h"

namespace td::store::gcs {

enum class GcsAuth { service_account, authorized_user, anonymous };

// The secret parts of a credentials JSON file. Never put these in messages.
struct GoogleCredentials {
  GcsAuth type = GcsAuth::anonymous;
  std::string client_email;    // service_account
  std::string private_key;     // service_account: PEM
  std::string private_key_id;  // service_account: JWT "kid"
  std::string client_id;       // authorized_user
  std::string client_secret;   // authorized_user
  std::string refresh_token;   // authorized_user
  std::string token_uri = "https://oauth2.googleapis.com/token";
};

struct GcsConfig {
  std::string bucket;
  std::string root;       // key prefix the store is rooted at ("" or ending in '/')
  std::string endpoint = "https://storage.googleapis.com";  // no trailing '/'
  GoogleCredentials credentials;
  std::string credentials_source;  // where the key came from, for messages ("" = anonymous)
  bool allow_http = false;
};

inline constexpr const char* kDefaultTokenUri = "https://oauth2.googleapis.com/token";
inline constexpr const char* kReadOnlyScope = "https://www.googleapis.com/auth/devstorage.read_only";

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
std::optional<std::string> process_env(const std::string& name);

// Parses a credentials JSON document; `source` names it in errors (which never quote it).
Result<GoogleCredentials> parse_credentials_json(const std::string& text, const std::string& source);

Result<GcsConfig> resolve_gcs_config(const StoreUrl& url, const std::map<std::string, std::string>& options,
                                     const EnvLookup& env = process_env);

// Whether `key` is a GCS option this store interprets.
bool is_gcs_option(const std::string& key);

// Whether the URL's host is 127.0.0.1, localhost or [::1].
bool is_loopback_url(const std::string& url);

}  // namespace td::store::gcs
