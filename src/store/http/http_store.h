// Plain HTTP(S) as a store: objects are files under a base URL served by any
// web server that supports Range requests (nginx, S3 website endpoints,
// presigned URLs). HTTP has no listing, so objects come from a key list.
//
// Keys are paths relative to the base URL ("a/b.tif" -> https://host/base/a/b.tif),
// paths from the host root ("/x/b.tif"), or whole http(s) URLs (any host).
// Keys are URL text: "%20" stays an escape and '?' starts a query (presigned
// URLs work); characters a URL cannot hold (spaces, non-ASCII, a '%' not
// starting an escape, '#' in a relative key) are percent-encoded.
// Requests are unsigned and follow redirects.
#pragma once

#include <memory>
#include <string>

#include "http/engine.h"
#include "store/common/http_object_store.h"
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

// The plain-HTTP pieces of an HttpObjectStore: unsigned requests that follow
// redirects (RFC 9110 §15.4; http/https only, see http::Request), no listing,
// http_status_error() for failures.
class PlainHttpBackend : public HttpBackend {
 public:
  // base_url: http(s)://host[:port][/path]; a trailing '/' is implied.
  explicit PlainHttpBackend(std::string base_url);

  // The URL a key names (see the header comment).
  std::string url_for(const std::string& key) const;

  std::string describe(const std::string& key) const override;  // the redacted URL
  std::string what(HttpOp, const std::string&) const override { return ""; }  // the engine names the URL
  Error list_unsupported() const override;  // config: HTTP cannot enumerate objects
  bool follows_redirects() const override { return true; }  // unsigned: presigned URLs, moved files
  SignedRequest get_request(const std::string& key, const std::string& range) const override;
  SignedRequest stat_request(const std::string& key) const override;  // HEAD
  Error status_error(const http::Response& response, HttpOp op, const std::string& key,
                     const std::string& url) override;  // http_status_error()

 private:
  std::string base_;    // ends with '/'
  std::string origin_;  // scheme://authority, no trailing '/'
};

// The plain HTTP(S) store: the shared HttpObjectStore with a PlainHttpBackend.
class HttpStore : public HttpObjectStore {
 public:
  // base_url: http(s)://host[:port][/path]; a trailing '/' is implied.
  HttpStore(std::string base_url, http::EngineOptions options);

  // The URL a key names (see the header comment).
  std::string url_for(const std::string& key) const;
};

// Maps a non-success HTTP status to an error: 404/410 not_found, 401/403
// permission_denied, others io; the message names the method, status and the
// redacted URL.
Error http_status_error(const std::string& method, const std::string& url, long status);

// Opens the store for a parsed http(s) URL (StoreKind::http, u.path = base URL).
// Applies the transport options of options.config (timeout, connect_timeout,
// allow_invalid_certificates, ca_bundle); warns about keys that do not apply.
Result<std::unique_ptr<Store>> open_http_store(const StoreUrl& u, const StoreOptions& options);

}  // namespace td::store
