#include "store/azure/azure_client.h"

#include <ctime>

#include "store/azure/shared_key.h"
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

std::string AzureBackend::container_url() const { return config_.endpoint + "/" + config_.container; }

std::string AzureBackend::describe(const std::string& full_key) const {
  return "az://" + config_.container + "/" + full_key;
}

std::string AzureBackend::what(HttpOp op, const std::string& full_key) const {
  const char* call = op == HttpOp::list ? "List Blobs" : op == HttpOp::get ? "Get Blob" : "Get Blob Properties";
  return std::string("Azure ") + call + " " + describe(full_key);
}

SignedRequest AzureBackend::make_request(const std::string& method, std::string url) const {
  SignedRequest call;
  call.request.method = method;
  if (config_.auth == AzureAuth::sas) url += (url.find('?') == std::string::npos ? "?" : "&") + config_.sas_token;
  call.request.url = std::move(url);
  call.request.headers.emplace_back("x-ms-version", kApiVersion);
  switch (config_.auth) {
    case AzureAuth::shared_key:  // re-signed on every attempt: x-ms-date moves on
      call.prepare = [account = config_.account, key = config_.account_key](http::Request& r) {
        return sign_shared_key(r, account, key, std::time(nullptr));
      };
      break;
    case AzureAuth::bearer:
      call.prepare = [token = config_.bearer_token](http::Request& r) {
        r.headers.emplace_back("Authorization", "Bearer " + token);
        return Status();
      };
      break;
    default:
      break;
  }
  return call;
}

SignedRequest AzureBackend::list_request(const std::string& full_prefix, size_t max_results,
                                         const std::string& marker, const std::string&) const {
  std::string url = container_url() + "?restype=container&comp=list&prefix=" + encode_query_value(full_prefix) +
                    "&maxresults=" + std::to_string(max_results);
  if (!marker.empty()) url += "&marker=" + encode_query_value(marker);
  return make_request("GET", url);
}

bool AzureBackend::page_is_whole(const std::string& body) const {
  return body.find("</EnumerationResults>") != std::string::npos;
}

Result<ListingPage> AzureBackend::parse_page(const std::string& body) const {
  auto parsed = parse_blob_list(body);
  if (!parsed.ok()) return parsed.error();
  bool more = !parsed->next_marker.empty();  // an empty NextMarker ends the listing
  return ListingPage{std::move(parsed->blobs), {}, more, std::move(parsed->next_marker)};
}

SignedRequest AzureBackend::get_request(const std::string& full_key, const std::string& range) const {
  SignedRequest call = make_request("GET", container_url() + "/" + encode_blob_path(full_key));
  call.request.headers.emplace_back("x-ms-range", range);
  return call;
}

SignedRequest AzureBackend::stat_request(const std::string& full_key) const {
  return make_request("HEAD", container_url() + "/" + encode_blob_path(full_key));
}

Error AzureBackend::status_error(const http::Response& response, HttpOp op, const std::string& full_key,
                                 const std::string& url) {
  return azure_error(response, what(op, full_key), op == HttpOp::stat ? "HEAD" : "GET", url, config_);
}

}  // namespace td::store::azure
