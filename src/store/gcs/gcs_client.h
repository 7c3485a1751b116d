// Requests to the GCS JSON API (https://cloud.google.com/storage/docs/json_api):
//   list:  GET {endpoint}/storage/v1/b/BUCKET/o?prefix=&maxResults=&pageToken=
//              &fields=items(name,size,updated,etag),nextPageToken
//   read:  GET {endpoint}/storage/v1/b/BUCKET/o/ENCODED_NAME?alt=media  with Range
//   stat:  GET {endpoint}/storage/v1/b/BUCKET/o/ENCODED_NAME?fields=name,size,updated,etag
// each with "Authorization: Bearer TOKEN" (unless anonymous), through the
// shared HTTP engine. Errors carry Google's reason and message, the HTTP
// status and the redacted URL.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "http/engine.h"
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

class GcsClient {
 public:
  // tokens: null for anonymous access.
  GcsClient(GcsConfig config, http::Engine& engine, std::shared_ptr<TokenProvider> tokens)
      : config_(std::move(config)), engine_(engine), tokens_(std::move(tokens)) {}

  Result<ObjectListPage> list_page(const std::string& prefix, size_t max_results, const std::string& page_token);
  void get_range(const std::string& name, uint64_t offset, uint64_t length, Store::ReadCallback done);
  Result<ObjectInfo> stat(const std::string& name);

  const GcsConfig& config() const { return config_; }

 private:
  std::string object_url(const std::string& name) const;
  http::PrepareFn authorizer() const;

  GcsConfig config_;
  http::Engine& engine_;
  std::shared_ptr<TokenProvider> tokens_;
};

// A clear Error for a failed JSON API response (404 not_found, 401/403
// permission_denied, else io: http_status_kind), with a hint for the common causes.
Error gcs_error(const http::Response& response, const std::string& what, const std::string& url,
                const GcsConfig& config);

}  // namespace td::store::gcs
