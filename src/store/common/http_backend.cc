#include "store/common/http_backend.h"

#include "store/common/http_metadata.h"

namespace td::store {

// Reached only if a backend says can_list() without overriding these.
SignedRequest HttpBackend::list_request(const std::string&, size_t, const std::string&, const std::string&) const {
  return {};
}

bool HttpBackend::page_is_whole(const std::string&) const { return true; }

Result<ListingPage> HttpBackend::parse_page(const std::string&) const {
  return Error{ErrorKind::internal, "this store has no listing parser"};
}

Result<ObjectInfo> HttpBackend::parse_stat(const http::Response& response) const {
  return object_info_from_response(response, /*head_request=*/true);
}

void apply_redirect_policy(const HttpBackend& backend, SignedRequest& call) {
  call.request.follow_redirects = backend.follows_redirects() && !call.prepare;
}

}  // namespace td::store
