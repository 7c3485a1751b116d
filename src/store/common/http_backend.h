// What one HTTP-based object store (S3, Azure Blob, GCS, plain HTTP) supplies
// to the shared core (http_object_store.h): how to build and sign each
// request, how to parse a listing page, and how to explain a failed answer.
// Everything else - the engine, the page loop and root stripping, the retry
// of a page cut short, ranged GET and HEAD with 200/206/416 handling and
// bounded bodies, the status -> error_kind map (http_status.h) - is the
// core's, as object_store (arrow-rs) keeps src/client/{list,get,retry}.rs
// apart from its aws/, azure/, gcp/ backends and GDAL's VSICurlHandle drives
// an IVSIS3LikeHandleHelper.
//
// Keys a backend sees are full keys (the store's root included); the core
// adds and strips the root.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "http/engine.h"
#include "store/store.h"
#include "util/status.h"

namespace td::store {

// One request as a backend builds it: the unsigned request, and the signer
// the engine runs before every attempt (so a retry is signed afresh); an
// empty `prepare` sends the request unsigned.
struct SignedRequest {
  http::Request request;
  http::PrepareFn prepare;
};

// One parsed listing page. Keys and prefixes are full (root included).
struct ListingPage {
  std::vector<ObjectInfo> objects;
  std::vector<std::string> common_prefixes;  // delimiter listings only (S3 CommonPrefixes)
  bool more = false;                         // the server says another page follows
  std::string next_token;                    // continuation token, marker or page token
};

// What a request is for, so the backend can word its messages.
enum class HttpOp { list, get, stat };

// Listing facts of a store, for the page loop.
struct ListingTraits {
  const char* store_name = "";   // "S3": messages say "S3 listing of s3://b/p"
  const char* token_name = "";   // "continuation token", "marker", "page token"
  size_t max_page_size = 1000;   // page sizes are clamped to [1, max_page_size]
  bool delimiter = false;        // list_level() may split on '/' (S3 delimiter listings)
};

class HttpBackend {
 public:
  virtual ~HttpBackend() = default;

  // A human-readable location of a full key: "s3://bucket/a/b.tif".
  virtual std::string describe(const std::string& full_key) const = 0;

  // What a request is about, to prefix transport errors ("GCS read gs://b/k: "
  // + the engine's message); "" leaves the engine's message as it is.
  virtual std::string what(HttpOp op, const std::string& full_key) const = 0;

  // --- listing (stores that cannot list keep the defaults; the core then
  // refuses with list_unsupported()) ---
  virtual bool can_list() const { return false; }
  virtual Error list_unsupported() const { return Error{ErrorKind::config, "this store cannot be listed"}; }
  virtual ListingTraits listing() const { return {}; }
  // Whether list_level's split covers everything (see Store::delimiter_listing_trusted).
  virtual bool delimiter_listing_trusted() const { return false; }
  // One page of keys starting with `full_prefix`, at most max_keys (already
  // clamped), after `token` ("" for the first page); delimiter "" or "/".
  virtual SignedRequest list_request(const std::string& full_prefix, size_t max_keys, const std::string& token,
                                     const std::string& delimiter) const;
  // Whether a 200 body is a whole page (S3's closing </ListBucketResult>,
  // well-formed JSON for GCS): a page cut short is fetched again, never parsed.
  virtual bool page_is_whole(const std::string& body) const;
  // Parses a whole page; an error for a body that is not a listing.
  virtual Result<ListingPage> parse_page(const std::string& body) const;

  // --- objects ---
  // A ranged GET of a full key; `range` is the Range value ("bytes=0-99",
  // RFC 9110 §14.2), which the backend sends under its header name (Range,
  // x-ms-range) and signs where it signs headers.
  virtual SignedRequest get_request(const std::string& full_key, const std::string& range) const = 0;
  // The request whose 200 answer describes a key (a HEAD, or GCS's JSON objects.get).
  virtual SignedRequest stat_request(const std::string& full_key) const = 0;
  // The metadata of a 200 answer to stat_request. Default: the HEAD's
  // Content-Length, ETag and Last-Modified (object_info_from_response).
  virtual Result<ObjectInfo> parse_stat(const http::Response& response) const;

  // Redirect policy: whether requests follow 3xx redirects (RFC 9110 §15.4;
  // at most 5, http/https only: http::Request::follow_redirects). The core
  // applies it to every request it sends, and never to one with a signer:
  // credential headers would follow the redirect to another host. Signed
  // stores keep the default and report a 3xx as an error (S3's 301 names the
  // bucket's region).
  virtual bool follows_redirects() const { return false; }

  // --- errors ---
  // The Error for a response the core does not accept (a listing or stat
  // that is not 200, a GET that is not 200/206/416). Its kind must come from
  // http_status_kind(), raised to `config` only where the body proves the
  // credentials themselves are rejected; the message adds the backend's
  // hints (service error code, region, which credential to check) and the
  // redacted `url`. Not const: a backend may give a hint once per run.
  virtual Error status_error(const http::Response& response, HttpOp op, const std::string& full_key,
                             const std::string& url) = 0;
};

// Applies the backend's redirect policy to `call` (HttpBackend::follows_redirects):
// follow only when the backend says so and the request carries no signer.
void apply_redirect_policy(const HttpBackend& backend, SignedRequest& call);

}  // namespace td::store
