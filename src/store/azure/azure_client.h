// Requests to the Azure Blob service (REST API version 2021-08-06): List
// Blobs pages, ranged Get Blob, Get Blob Properties; each authorized as the
// config says (Shared Key re-signed on every attempt, SAS in the query,
// bearer token, or anonymous) and sent through the shared HTTP engine.
// Errors carry the service's error code and message, the HTTP status and the
// redacted URL, never a credential.
#pragma once

#include <string>

#include "http/engine.h"
#include "store/azure/azure_config.h"
#include "store/azure/azure_xml.h"
#include "store/store.h"

namespace td::store::azure {

inline constexpr const char* kApiVersion = "2021-08-06";

class AzureClient {
 public:
  AzureClient(AzureConfig config, http::Engine& engine) : config_(std::move(config)), engine_(engine) {}

  // One page of blobs whose name starts with `prefix` (a full blob name prefix).
  Result<BlobListPage> list_page(const std::string& prefix, size_t max_results, const std::string& marker);

  // Bytes [offset, offset + length) of blob `name`; `done` runs on the engine's thread.
  void get_range(const std::string& name, uint64_t offset, uint64_t length, Store::ReadCallback done);

  // Get Blob Properties (HEAD): size, Last-Modified, ETag.
  Result<ObjectInfo> head(const std::string& name);

  const AzureConfig& config() const { return config_; }

 private:
  std::string container_url() const;
  std::string blob_url(const std::string& name) const;
  http::Request make_request(const std::string& method, std::string url) const;
  http::PrepareFn authorizer() const;

  AzureConfig config_;
  http::Engine& engine_;
};

// A clear Error for a failed response: kind from the status (http_status_kind;
// config when the service rejects the credentials themselves), with the Azure error code and message
// (from the XML body or the x-ms-error-code header), a hint for common
// codes, the status and the redacted URL.
Error azure_error(const http::Response& response, const std::string& what, const std::string& method,
                  const std::string& url, const AzureConfig& config);

// Percent-encodes a blob name for a URL path ('/' kept).
std::string encode_blob_path(const std::string& name);
// Percent-encodes a query parameter value.
std::string encode_query_value(const std::string& value);

}  // namespace td::store::azure
