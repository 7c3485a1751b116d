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
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

class HttpStore : public Store {
 public:
  // base_url: http(s)://host[:port][/path]; a trailing '/' is implied.
  HttpStore(std::string base_url, http::EngineOptions options);

  // Always a config error: HTTP cannot enumerate objects.
  Status list(const std::string& prefix, size_t page_size,
              const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) override;
  // GET with Range; a server ignoring Range sends the object from byte 0 and
  // we stop after offset+length bytes of it.
  void read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) override;
  Result<ObjectInfo> stat(const std::string& key) override;  // HEAD
  std::string describe(const std::string& key) const override;  // the full URL

  // The URL a key names (see the header comment).
  std::string url_for(const std::string& key) const;
  http::EngineStats engine_stats() const { return engine_.stats(); }

 private:
  std::string base_;    // ends with '/'
  std::string origin_;  // scheme://authority, no trailing '/'
  http::Engine engine_;
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
