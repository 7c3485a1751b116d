#include "store/common/http_object_store.h"

#include "store/common/http_metadata.h"
#include "store/common/http_status.h"
#include "store/common/paged_listing.h"

namespace td::store {

HttpObjectStore::HttpObjectStore(std::unique_ptr<HttpBackend> backend, const http::EngineOptions& engine_options,
                                 std::string root)
    : root_(std::move(root)), backend_(std::move(backend)), engine_(std::make_unique<http::Engine>(engine_options)) {}

std::string range_header_value(uint64_t offset, uint64_t length) {
  return "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1);
}

Result<RangeRead> ranged_get_result(http::Response&& response, uint64_t offset, uint64_t length,
                                    const std::string& url,
                                    const std::function<Error(const http::Response&)>& on_status_error) {
  long s = response.status;
  if (s != 200 && s != 206 && s != 416) return on_status_error(response);
  return range_read_from_response(std::move(response), offset, length, http::redact_url(url));
}

Status HttpObjectStore::list(const std::string& prefix, size_t page_size,
                             const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) {
  if (!backend_->can_list()) return backend_->list_unsupported();
  std::vector<std::string> unused;
  PerformFn perform = [this](const http::Request& r, const http::PrepareFn& p) { return engine_->perform(r, p); };
  return list_pages(*backend_, perform, root_, prefix, page_size, "", on_page, unused);
}

Status HttpObjectStore::list_level(const std::string& prefix, size_t page_size,
                                   const std::function<bool(std::vector<ObjectInfo>&&)>& on_page,
                                   std::vector<std::string>& children) {
  children.clear();
  if (!backend_->can_list() || !backend_->listing().delimiter) return list(prefix, page_size, on_page);
  PerformFn perform = [this](const http::Request& r, const http::PrepareFn& p) { return engine_->perform(r, p); };
  return list_pages(*backend_, perform, root_, prefix, page_size, "/", on_page, children);
}

void HttpObjectStore::read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) {
  if (length == 0 || (object.size && offset >= *object.size)) {
    RangeRead empty;
    empty.object_size = object.size;
    return done(std::move(empty));
  }
  std::string key = root_ + object.key;
  SignedRequest call = backend_->get_request(key, range_header_value(offset, length));
  apply_redirect_policy(*backend_, call);
  // A server that ignores Range sends the object from byte 0: the engine
  // discards up to `offset` and stops once the range is in hand (error
  // documents are kept up to http::kMaxErrorBodyBytes).
  call.request.range_offset = offset;
  call.request.range_length = length;
  std::string url = call.request.url;
  // The engine is the last member, destroyed first (waiting for its
  // transfers), so `this` outlives every callback.
  engine_->submit(
      std::move(call.request),
      [this, key = std::move(key), url, offset, length, done = std::move(done)](Result<http::Response> r) {
        if (!r.ok()) return done(with_context(r.error(), backend_->what(HttpOp::get, key)));
        done(ranged_get_result(std::move(*r), offset, length, url, [&](const http::Response& failed) {
          return backend_->status_error(failed, HttpOp::get, key, url);
        }));
      },
      std::move(call.prepare));
}

Result<ObjectInfo> HttpObjectStore::stat(const std::string& key) {
  std::string full = root_ + key;
  SignedRequest call = backend_->stat_request(full);
  apply_redirect_policy(*backend_, call);
  auto r = engine_->perform(call.request, call.prepare);
  if (!r.ok()) return with_context(r.error(), backend_->what(HttpOp::stat, full));
  if (r->status != 200) return backend_->status_error(*r, HttpOp::stat, full, call.request.url);
  auto info = backend_->parse_stat(*r);
  if (info.ok()) info->key = key;
  return info;
}

}  // namespace td::store
