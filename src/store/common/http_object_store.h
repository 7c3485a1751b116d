// The one Store for every HTTP-based object store: it owns the engine and
// the backend (http_backend.h) and does what every such store does -
//   list / list_level: the page loop with root stripping and the retry of a
//                      page cut short (paged_listing.h);
//   read_range:        a ranged GET (Range: bytes=a-b, RFC 9110 §14.2) kept
//                      in flight on the engine, its body bounded to the range
//                      (http::Request::range_offset/range_length), answered
//                      by ranged_get_result();
//   stat:              the backend's stat request (a HEAD), 200 required.
// Redirects follow the backend's policy (HttpBackend::follows_redirects:
// plain HTTP follows them; a signed request never does).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "http/engine.h"
#include "store/common/http_backend.h"
#include "store/store.h"

namespace td::store {

class HttpObjectStore : public Store {
 public:
  // root: key prefix of the store ("" or ending in '/'), added to every key
  // sent and stripped from every key listed.
  HttpObjectStore(std::unique_ptr<HttpBackend> backend, const http::EngineOptions& engine_options,
                  std::string root = "");

  bool delimiter_listing_trusted() const override { return backend_->delimiter_listing_trusted(); }
  Status list_level(const std::string& prefix, size_t page_size,
                    const std::function<bool(std::vector<ObjectInfo>&&)>& on_page,
                    std::vector<std::string>& children) override;
  Status list(const std::string& prefix, size_t page_size,
              const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) override;
  // A read of length 0, or at or past a known end (object.size), answers
  // zero bytes without a request (the server would say 416).
  void read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) override;
  Result<ObjectInfo> stat(const std::string& key) override;
  std::string describe(const std::string& key) const override { return backend_->describe(root_ + key); }

  const std::string& root() const { return root_; }
  http::EngineStats engine_stats() const { return engine_->stats(); }

 protected:
  const HttpBackend& backend() const { return *backend_; }

 private:
  std::string root_;
  std::unique_ptr<HttpBackend> backend_;
  std::unique_ptr<http::Engine> engine_;  // last: destroyed first, finishing in-flight callbacks
};

// "bytes=OFFSET-LAST" for [offset, offset + length), length > 0 (RFC 9110 §14.1.2).
std::string range_header_value(uint64_t offset, uint64_t length);

// The outcome of a ranged GET of [offset, offset + length):
//   206 Partial Content: the body, checked to start at `offset` (Content-Range);
//   200 OK (Range ignored): the body's slice at `offset`;
//   416 Range Not Satisfiable (an empty object, or `offset` at or past its
//       end): zero bytes, the size from Content-Range "bytes */total";
// (range_read_from_response), with the object's size, ETag and
// Last-Modified; any other status: on_status_error(response).
Result<RangeRead> ranged_get_result(http::Response&& response, uint64_t offset, uint64_t length,
                                    const std::string& url,
                                    const std::function<Error(const http::Response&)>& on_status_error);

}  // namespace td::store
