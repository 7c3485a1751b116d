#include "store/common/paged_listing.h"

#include <algorithm>

#include "store/common/http_status.h"
#include "store/common/list_progress.h"
#include "util/log.h"

namespace td::store {
namespace {

std::string one_line(std::string text) {
  for (char& c : text) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return text;
}

}  // namespace

bool strip_root(const std::string& root, std::string& key) {
  if (key.compare(0, root.size(), root) != 0) return false;
  key.erase(0, root.size());
  return true;
}

Result<ListingPage> fetch_list_page(HttpBackend& backend, const PerformFn& perform, const std::string& full_prefix,
                                    size_t max_keys, const std::string& token, const std::string& delimiter) {
  SignedRequest call = backend.list_request(full_prefix, max_keys, token, delimiter);
  apply_redirect_policy(backend, call);
  std::string what = backend.what(HttpOp::list, full_prefix);
  if (what.empty()) what = "listing " + backend.describe(full_prefix);
  for (int attempt = 1;; ++attempt) {
    Result<http::Response> response = perform(call.request, call.prepare);
    if (!response.ok()) return with_context(response.error(), what);
    if (response->status != 200) return backend.status_error(*response, HttpOp::list, full_prefix, call.request.url);
    if (!backend.page_is_whole(response->body)) {
      if (attempt < kListPageAttempts) {  // cut short: never read as a complete page
        log::debug("retry " + std::to_string(attempt) + "/" + std::to_string(kListPageAttempts - 1) + " of " + what +
                   ": the listing page ends early (" + http::redact_url(call.request.url) + ")");
        continue;
      }
      return Error{ErrorKind::io, what + ": the listing page ends early in each of " +
                                      std::to_string(kListPageAttempts) + " attempts (" +
                                      http::redact_url(call.request.url) + ")"};
    }
    auto page = backend.parse_page(response->body);
    if (!page.ok()) {
      return Error{ErrorKind::io, what + ": " + page.error().message + " (" + http::redact_url(call.request.url) +
                                      "; body starts: " + one_line(response->body.substr(0, 200)) + ")"};
    }
    return page;
  }
}

Status list_pages(HttpBackend& backend, const PerformFn& perform, const std::string& root, const std::string& prefix,
                  size_t page_size, const std::string& delimiter,
                  const std::function<bool(std::vector<ObjectInfo>&&)>& on_page, std::vector<std::string>& children) {
  ListingTraits traits = backend.listing();
  size_t max_keys = std::clamp<size_t>(page_size, 1, std::max<size_t>(1, traits.max_page_size));
  ListProgress progress(std::string(traits.store_name) + " listing of " + backend.describe(root + prefix),
                        traits.token_name);
  std::string token;
  do {
    auto page = fetch_list_page(backend, perform, root + prefix, max_keys, token, delimiter);
    if (!page.ok()) return page.error();
    // Before any key is passed on: a page that repeats or loops is never handed out.
    if (Status s = progress.check_page(page->objects, page->objects.size() + page->common_prefixes.size(),
                                       page->more, page->next_token);
        !s.ok()) {
      return s;
    }
    std::vector<ObjectInfo> objects;
    objects.reserve(page->objects.size());
    for (auto& o : page->objects) {
      if (strip_root(root, o.key)) objects.push_back(std::move(o));
    }
    for (auto& child : page->common_prefixes) {
      if (strip_root(root, child)) children.push_back(std::move(child));
    }
    if (!objects.empty() && !on_page(std::move(objects))) return Status();
    token = page->more ? page->next_token : "";
  } while (!token.empty());
  return Status();
}

}  // namespace td::store
