// Requests to the GCS JSON API (https://cloud.google.com/storage/docs/json_api):
//   list:  GET {endpoint}/storage/v1/b/BUCKET/o?prefix=&maxResults=&pageToken=
//              &fields=items(name,size,updated,etag),nextPageToken
//   read:  GET {endpoint}/storage/v1/b/BUCKET/o/ENCODED_NAME?alt=media  with Range
//   stat:  GET {endpoint}/storage/v1/b/BUCKET/o/ENCODED_NAME?fields=name,size,updated,etag
// each with "Authorization: Bearer TOKEN" (unless anonymous), for the shared
// HTTP core (http_object_store.h). Errors carry Google's reason and message, the HTTP
// status and the redacted URL.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/engine.h"
#include "store/common/http_backend.h"
#include "store/gcs/gcs_config.h"
#include "store/gcs/gcs_credentials.h"
#include "store/store.h"

namespace td::store::gcs {

struct ObjectListPage {
  std::vector<ObjectInfo> objects;  // keys are full object names
  std::string next_page_token;      // empty: the listing is complete
};

// Parses a JSON API objects list, or one object resource (objects.get).
Result<ObjectListPage> parse_object_list(const std::string& json);
Result<ObjectInfo> parse_object_resource(const std::string& json);

// RFC 3339 ("2024-01-02T03:04:05.678Z", "...+01:00") as epoch milliseconds.
std::optional<int64_t> parse_rfc3339_ms(const std::string& text);

// Percent-encodes an object name as one path segment ('/' becomes %2F).
std::string encode_object_name(const std::string& name);

// The GCS JSON API pieces of an HttpObjectStore. Keys here are full object
// names (the config's root included).
class GcsBackend : public HttpBackend {
 public:
  // tokens: null for anonymous access.
  GcsBackend(GcsConfig config, std::shared_ptr<TokenProvider> tokens)
      : config_(std::move(config)), tokens_(std::move(tokens)) {}

  const GcsConfig& config() const { return config_; }

  std::string describe(const std::string& full_key) const override;  // gs://bucket/name
  std::string what(HttpOp op, const std::string& full_key) const override;
  bool can_list() const override { return true; }
  ListingTraits listing() const override { return {"GCS", "page token", 1000, false}; }  // maxResults limit
  SignedRequest list_request(const std::string& full_prefix, size_t max_results, const std::string& page_token,
                             const std::string& delimiter) const override;
  bool page_is_whole(const std::string& body) const override;  // well-formed JSON
  Result<ListingPage> parse_page(const std::string& body) const override;
  SignedRequest get_request(const std::string& full_key, const std::string& range) const override;  // ?alt=media
  SignedRequest stat_request(const std::string& full_key) const override;  // objects.get, JSON
  Result<ObjectInfo> parse_stat(const http::Response& response) const override;
  Error status_error(const http::Response& response, HttpOp op, const std::string& full_key,
                     const std::string& url) override;  // gcs_error(), + the bucket on a listing's 404

 private:
  std::string object_url(const std::string& name) const;
  SignedRequest authorized(std::string url) const;

  GcsConfig config_;
  std::shared_ptr<TokenProvider> tokens_;
};

// A clear Error for a failed JSON API response (404 not_found, 401/403
// permission_denied, else io: http_status_kind), with a hint for the common causes.
Error gcs_error(const http::Response& response, const std::string& what, const std::string& url,
                const GcsConfig& config);

}  // namespace td::store::gcs
