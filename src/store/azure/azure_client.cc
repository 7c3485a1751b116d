#include "store/azure/azure_client.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>

#include "store/azure/shared_key.h"
#include "store/common/http_metadata.h"
#include "store/common/http_status.h"
#include "store/common/url_encoding.h"

namespace td::store::azure {

namespace {

std::string hint_for(const AzureErrorBody& e, long status, const AzureConfig& c) {
  const std::string& code = e.code;
  if (code == "ContainerNotFound") return "container '" + c.container + "' does not exist in account '" + c.account + "'";
  // Azure says AuthenticationFailed for a bad signature; Azurite says
  // AuthorizationFailure with the same "failed to authenticate" message.
  if (code == "AuthenticationFailed" || e.message.find("failed to authenticate") != std::string::npos) {
    switch (c.auth) {
      case AzureAuth::sas: return "check the SAS token (signature, expiry, permissions r and l)";
      case AzureAuth::shared_key: return "check the account name and key (and this machine's clock)";
      case AzureAuth::bearer: return "check the bearer token (expiry, audience https://storage.azure.com)";
      default: break;
    }
  }
  if (c.auth == AzureAuth::anonymous && (status == 401 || status == 403 || status == 404)) {
    return "no credentials were given, so access was anonymous: the container may not be public "
           "(set account_key or sas_token in store.obstore_config)";
  }
  if (code == "AuthorizationPermissionMismatch" || code == "AuthorizationFailure" ||
      code == "AuthorizationResourceTypeMismatch" || code == "AuthorizationServiceMismatch") {
    return c.auth == AzureAuth::sas ? "the SAS token does not allow this operation (listing needs permission l, reads r)"
                                    : "the credentials lack permission for this operation (or a network rule blocks it)";
  }
  if (code == "InvalidQueryParameterValue" || code == "InvalidHeaderValue") {
    return "the service rejected a parameter (API version " + std::string(kApiVersion) + ")";
  }
  return "";
}

}  // namespace

std::string encode_blob_path(const std::string& name) { return percent_encode(name, "/"); }
std::string encode_query_value(const std::string& value) { return percent_encode(value); }

Error azure_error(const http::Response& response, const std::string& what, const std::string& method,
                  const std::string& url, const AzureConfig& config) {
  AzureErrorBody body = parse_error_body(response.body);
  if (body.code.empty()) body.code = response.header("x-ms-error-code").value_or("");
  ErrorKind kind = http_status_kind(response.status);
  // Credentials the service rejects fail every request alike: a setup error
  // that stops the run, not one error row per object.
  if (body.code == "AuthenticationFailed" || body.message.find("failed to authenticate") != std::string::npos) {
    kind = ErrorKind::config;
  }
  std::string m = what + ": HTTP " + std::to_string(response.status);
  if (!body.code.empty()) m += " " + body.code;
  if (!body.message.empty()) m += ": " + body.message;
  m += " (" + method + " " + http::redact_url(url) + ")";
  if (std::string hint = hint_for(body, response.status, config); !hint.empty()) m += "; " + hint;
  return Error{kind, m};
}

std::string AzureClient::container_url() const { return config_.endpoint + "/" + config_.container; }

std::string AzureClient::blob_url(const std::string& name) const {
  return container_url() + "/" + encode_blob_path(name);
}

http::Request AzureClient::make_request(const std::string& method, std::string url) const {
  http::Request r;
  r.method = method;
  if (config_.auth == AzureAuth::sas) url += (url.find('?') == std::string::npos ? "?" : "&") + config_.sas_token;
  r.url = std::move(url);
  r.headers.emplace_back("x-ms-version", kApiVersion);
  return r;
}

http::PrepareFn AzureClient::authorizer() const {
  switch (config_.auth) {
    case AzureAuth::shared_key:
      return [account = config_.account, key = config_.account_key](http::Request& r) {
        return sign_shared_key(r, account, key, std::time(nullptr));
      };
    case AzureAuth::bearer:
      return [token = config_.bearer_token](http::Request& r) {
        r.headers.emplace_back("Authorization", "Bearer " + token);
        return Status();
      };
    default:
      return {};
  }
}

Result<BlobListPage> AzureClient::list_page(const std::string& prefix, size_t max_results, const std::string& marker) {
  std::string url = container_url() + "?restype=container&comp=list&prefix=" + encode_query_value(prefix) +
                    "&maxresults=" + std::to_string(max_results);
  if (!marker.empty()) url += "&marker=" + encode_query_value(marker);
  http::Request request = make_request("GET", url);
  std::string what = "Azure List Blobs az://" + config_.container + "/" + prefix;
  // A page cut short (a body without framing to tell) would drop its blobs and its
  // NextMarker: fetch it again, and never read it as a complete page.
  auto response = engine_.perform(request, authorizer());
  for (int attempt = 1; attempt < 3 && response.ok() && response->status == 200 &&
                        response->body.find("</EnumerationResults>") == std::string::npos; ++attempt) {
    response = engine_.perform(request, authorizer());
  }
  // Transport failures keep the engine's kind (config: untrusted TLS, unreachable host).
  if (!response.ok()) return Error{response.error().kind, what + ": " + response.error().message};
  if (response->status != 200) return azure_error(*response, what, "GET", request.url, config_);
  if (response->body.find("</EnumerationResults>") == std::string::npos) {
    return Error{ErrorKind::io, what + ": the List Blobs response ends early (" + http::redact_url(request.url) + ")"};
  }
  auto page = parse_blob_list(response->body);
  if (!page.ok()) return Error{ErrorKind::io, page.error().message + " (" + http::redact_url(request.url) + ")"};
  return page;
}

void AzureClient::get_range(const std::string& name, uint64_t offset, uint64_t length, Store::ReadCallback done) {
  if (length == 0) return done(RangeRead{});
  http::Request request = make_request("GET", blob_url(name));
  request.headers.emplace_back("x-ms-range",
                               "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  // Azure applies x-ms-range; were a 200 to come back anyway, its body
  // starts at byte 0: the engine discards up to `offset` and stops once the
  // range is in hand.
  request.range_offset = offset;
  request.range_length = length;
  std::string url = request.url;
  std::string what = "Azure Get Blob az://" + config_.container + "/" + name;
  engine_.submit(
      std::move(request),
      [this, url, what, offset, length, done = std::move(done)](Result<http::Response> result) {
        if (!result.ok()) return done(Error{result.error().kind, what + ": " + result.error().message});
        long status = result->status;
        // 416: nothing at `offset` (an empty blob, or past its end): zero bytes.
        if (status != 200 && status != 206 && status != 416) {
          return done(azure_error(*result, what, "GET", url, config_));
        }
        done(range_read_from_response(std::move(*result), offset, length, http::redact_url(url)));
      },
      authorizer());
}

Result<ObjectInfo> AzureClient::head(const std::string& name) {
  http::Request request = make_request("HEAD", blob_url(name));
  auto response = engine_.perform(request, authorizer());
  std::string what = "Azure Get Blob Properties az://" + config_.container + "/" + name;
  if (!response.ok()) return Error{response.error().kind, what + ": " + response.error().message};
  if (response->status != 200) return azure_error(*response, what, "HEAD", request.url, config_);
  ObjectInfo info = object_info_from_response(*response, /*head_request=*/true);
  info.key = name;
  return info;
}

}  // namespace td::store::azure
