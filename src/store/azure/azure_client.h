// Requests to the Azure Blob service (REST API version 2021-08-06,
// https://learn.microsoft.com/rest/api/storageservices/blob-service-rest-api):
// List Blobs pages, ranged Get Blob, Get Blob Properties; each authorized as
// the config says (Shared Key re-signed on every attempt, SAS in the query,
// bearer token, or anonymous), for the shared HTTP core (http_object_store.h).
// Errors carry the service's error code and message, the HTTP status and the
// redacted URL, never a credential.
#pragma once

#include <string>

#include "http/engine.h"
#include "store/common/http_backend.h"
#include "store/azure/azure_config.h"
#include "store/azure/azure_xml.h"
#include "store/store.h"

namespace td::store::azure {

inline constexpr const char* kApiVersion = "2021-08-06";

// The Azure Blob pieces of an HttpObjectStore. Keys here are full blob names
// (the config's root included).
class AzureBackend : public HttpBackend {
 public:
  explicit AzureBackend(AzureConfig config) : config_(std::move(config)) {}

  const AzureConfig& config() const { return config_; }

  std::string describe(const std::string& full_key) const override;  // az://container/name
  std::string what(HttpOp op, const std::string& full_key) const override;
  bool can_list() const override { return true; }
  // List Blobs returns at most 5000 blobs a page.
  ListingTraits listing() const override { return {"Azure", "marker", 5000, false}; }
  SignedRequest list_request(const std::string& full_prefix, size_t max_results, const std::string& marker,
                             const std::string& delimiter) const override;
  bool page_is_whole(const std::string& body) const override;  // ends with </EnumerationResults>
  Result<ListingPage> parse_page(const std::string& body) const override;
  SignedRequest get_request(const std::string& full_key, const std::string& range) const override;  // x-ms-range
  SignedRequest stat_request(const std::string& full_key) const override;  // Get Blob Properties (HEAD)
  Error status_error(const http::Response& response, HttpOp op, const std::string& full_key,
                     const std::string& url) override;  // azure_error()

 private:
  std::string container_url() const;
  SignedRequest make_request(const std::string& method, std::string url) const;

  AzureConfig config_;
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
