// S3 settings resolved from the user's options, the environment and the AWS
// shared files. First match wins, per setting:
//   1. store.obstore_config (StoreOptions.config), obstore key names:
//      aws_access_key_id | access_key_id, aws_secret_access_key | secret_access_key,
//      aws_session_token | session_token | token, aws_region | region |
//      aws_default_region | default_region, aws_endpoint | endpoint |
//      aws_endpoint_url | endpoint_url, aws_virtual_hosted_style_request |
//      virtual_hosted_style_request, aws_skip_signature | skip_signature,
//      allow_http | aws_allow_http, aws_request_payer | request_payer
//      (booleans: true/false/1/0/yes/no/on/off, any case). Transport keys
//      (timeout, ca_bundle, ...) are store/common/transport_options.h's.
//   2. AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_REGION,
//      AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_S3, AWS_ENDPOINT_URL, AWS_ENDPOINT,
//      AWS_ALLOW_HTTP, AWS_SKIP_SIGNATURE, AWS_VIRTUAL_HOSTED_STYLE_REQUEST,
//      AWS_REQUEST_PAYER.
//   3. ~/.aws/credentials then ~/.aws/config, profile $AWS_PROFILE (default
//      "default"); AWS_SHARED_CREDENTIALS_FILE / AWS_CONFIG_FILE move them.
//      Static keys (aws_access_key_id, ...), region and endpoint_url only:
//      SSO, role_arn and credential_process profiles are not supported.
// Credentials are taken as one set (key id, secret, token) from the first
// source holding a key id, never mixed across sources. None found and
// skip_signature unset: requests go unsigned (fine for public buckets), and
// an AccessDenied error then says no credentials were found.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/s3/sigv4.h"
#include "util/status.h"

namespace td::store::s3 {

// Environment access, injectable for tests.
using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;
EnvLookup process_environment();

struct S3Config {
  std::string bucket;
  std::string region = "us-east-1";
  std::string endpoint;             // as configured; "" = AWS
  bool virtual_hosted = false;      // resolved addressing style
  bool allow_http = false;
  bool skip_signature = false;      // unsigned on purpose
  bool request_payer = false;       // x-amz-request-payer: requester
  Credentials credentials;          // empty: requests go unsigned
  std::string credentials_source;   // where they came from (never the values); "" = none found
  std::string profile;              // the profile the shared files were read for
  std::vector<std::string> notes;   // worth telling the user once (ignored options, ...)

  // Addressing, derived by resolve_addressing():
  std::string origin;     // "https://bucket.s3.us-east-1.amazonaws.com", "http://127.0.0.1:9000"
  std::string host;       // the Host header: origin's authority
  std::string base_path;  // path before the key: "" (virtual-hosted) or "/bucket" (path-style)
};

// Resolves everything for `bucket`; config errors name the offending key.
Result<S3Config> resolve_s3_config(const std::string& bucket, const std::map<std::string, std::string>& options,
                                   const EnvLookup& env);

// Fills origin/host/base_path. Default addressing: virtual-hosted on AWS
// (path-style for bucket names with dots, which break the TLS wildcard
// certificate), path-style with a custom endpoint unless `virtual_hosted`
// was requested. A virtual-hosted custom endpoint may already name the bucket
// ("https://bucket.minio.local", as obstore expects); otherwise the bucket is
// prepended to its host. Refuses http:// unless allow_http.
Status resolve_addressing(S3Config& c, std::optional<bool> virtual_hosted_request);

}  // namespace td::store::s3
