// S3 REST calls over the shared HTTP engine: ListObjectsV2 pages, ranged GETs
// and HEADs, each signed with SigV4 before every attempt (so retries carry a
// fresh date), and S3 error documents turned into clear messages. Works for
// any S3-compatible server (MinIO, s3rver, GCS's XML API with HMAC keys).
//
// Keys here are full bucket keys; S3Store maps them to and from store keys.
#pragma once

#include <atomic>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "http/engine.h"
#include "store/s3/s3_config.h"
#include "store/s3/s3_xml.h"
#include "store/store.h"

namespace td::store::s3 {

// One S3 call before signing. `path` is URI-encoded (object_path / bucket_path).
struct S3Request {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;    // not encoded
  std::vector<std::pair<std::string, std::string>> headers;  // besides host
};

// Paths under the config's addressing: "/bucket/a%20b.tif" (path-style) or
// "/a%20b.tif" (virtual-hosted); the bucket's own path for listings.
std::string object_path(const S3Config& c, const std::string& key);
std::string bucket_path(const S3Config& c);

// The unsigned HTTP request: URL origin + path + canonical query (the wire
// query is the signed one), Host, and x-amz-request-payer when configured.
http::Request to_http_request(const S3Config& c, const S3Request& r);

// Signs `out` (made by to_http_request from `r`) for time `now` with the
// config's credentials: appends x-amz-date, x-amz-content-sha256,
// x-amz-security-token (with a token) and Authorization.
void sign_http_request(http::Request& out, const S3Config& c, const S3Request& r, std::time_t now);

// The error for a non-success S3 response: "<what> <url>: HTTP <status>
// <reason>: <Code>: <Message>", plus a hint - the bucket's region (from
// x-amz-bucket-region or <Region>) on PermanentRedirect /
// AuthorizationHeaderMalformed, which key to check on SignatureDoesNotMatch /
// InvalidAccessKeyId, and, with mention_unsigned, that no credentials were
// found. Kinds: http_status_kind (401/403 permission_denied, 404/410
// not_found, others io); config for credentials the service rejects.
Error s3_error(const http::Response& response, const std::string& what, const std::string& url,
               const S3Config& config, bool mention_unsigned);

class S3Client {
 public:
  S3Client(S3Config config, const http::EngineOptions& engine_options);

  const S3Config& config() const { return config_; }

  // One ListObjectsV2 page (blocking): keys starting with `prefix`, at most
  // `max_keys`, continuing after `token` (empty for the first page).
  // With a delimiter, keys below the next delimiter come back as common prefixes.
  Result<ListPage> list_page(const std::string& prefix, size_t max_keys, const std::string& token,
                             const std::string& delimiter = "");

  // Bytes [offset, offset + length) of `key`; `done` runs on the engine's
  // loop thread. length must be > 0.
  void get_range(const std::string& key, uint64_t offset, uint64_t length, std::function<void(Result<RangeRead>)> done);

  // Size, Last-Modified and ETag of `key` (HEAD).
  Result<ObjectInfo> head(const std::string& key);

  // The request URL of a key (for messages: carries no secrets).
  std::string object_url(const std::string& key) const;

 private:
  struct Call {
    http::Request request;
    http::PrepareFn prepare;  // signs afresh per attempt; empty for unsigned requests
  };
  Call build(S3Request r) const;
  // s3_error(), with the unsigned-requests hint given once.
  Error error_from(const http::Response& response, const std::string& what, const std::string& url);

  S3Config config_;
  std::atomic<bool> unsigned_hint_given_{false};
  std::unique_ptr<http::Engine> engine_;  // last: destroyed first, finishing in-flight callbacks
};

}  // namespace td::store::s3
