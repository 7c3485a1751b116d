// S3 REST requests for the shared HTTP core (store/common/http_object_store.h):
// ListObjectsV2 pages, ranged GETs and HEADs, SigV4-signed, and S3 error
// documents turned into clear messages. Works for any S3-compatible server
// (MinIO, s3rver, GCS's XML API with HMAC keys). S3 API reference:
// https://docs.aws.amazon.com/AmazonS3/latest/API/ (ListObjectsV2, GetObject,
// HeadObject, ErrorResponses).
#pragma once

#include <atomic>
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "http/engine.h"
#include "store/common/http_backend.h"
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

// The S3 pieces of an HttpObjectStore: ListObjectsV2 requests and pages
// (with a '/' delimiter for list_level), ranged GETs and HEADs, each signed
// with SigV4 before every attempt (so retries carry a fresh date), and
// s3_error() for failures. Keys here are full bucket keys.
class S3Backend : public HttpBackend {
 public:
  // scheme: "s3" or "gs" (GCS's XML API), for describe().
  S3Backend(S3Config config, std::string scheme) : config_(std::move(config)), scheme_(std::move(scheme)) {}

  const S3Config& config() const { return config_; }

  std::string describe(const std::string& full_key) const override;
  std::string what(HttpOp op, const std::string& full_key) const override;
  bool can_list() const override { return true; }
  // ListObjectsV2 max-keys: S3 caps it at 1000 itself; we only keep it sane.
  ListingTraits listing() const override { return {"S3", "continuation token", size_t{1} << 30, true}; }
  // AWS itself (no custom endpoint) lists CommonPrefixes completely.
  bool delimiter_listing_trusted() const override { return config_.endpoint.empty(); }
  SignedRequest list_request(const std::string& full_prefix, size_t max_keys, const std::string& token,
                             const std::string& delimiter) const override;
  bool page_is_whole(const std::string& body) const override;  // ends with </ListBucketResult>
  Result<ListingPage> parse_page(const std::string& body) const override;
  SignedRequest get_request(const std::string& full_key, const std::string& range) const override;
  SignedRequest stat_request(const std::string& full_key) const override;  // HEAD
  // s3_error(), with the unsigned-requests hint given once per store.
  Error status_error(const http::Response& response, HttpOp op, const std::string& full_key,
                     const std::string& url) override;

 private:
  SignedRequest build(S3Request r) const;

  S3Config config_;
  std::string scheme_;
  std::atomic<bool> unsigned_hint_given_{false};
};

}  // namespace td::store::s3
