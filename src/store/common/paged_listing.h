// The page loop every listing HTTP store runs (object_store's
// src/client/list.rs): fetch a page, fetch it again while it comes back cut
// short, check that the listing advances (list_progress.h), strip the
// store's root from each key, hand the page on, follow the token.
// Free functions over a PerformFn, so tests drive them with canned responses.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "store/common/http_backend.h"

namespace td::store {

// Sends one request, blocking (http::Engine::perform in the store).
using PerformFn = std::function<Result<http::Response>(const http::Request&, const http::PrepareFn&)>;

// Attempts for one listing page whose 200 body is not whole (no closing tag,
// unterminated JSON: a body without framing, cut short). 5xx, 429 and
// transport errors are retried by the engine, not here.
inline constexpr int kListPageAttempts = 3;

// One listing page. Errors: the engine's transport Error (its kind kept, the
// backend's what() prefixed); backend.status_error() for a status other than
// 200; `io` for a page still cut short after kListPageAttempts attempts, or a
// whole body the backend cannot parse (with the start of the body).
Result<ListingPage> fetch_list_page(HttpBackend& backend, const PerformFn& perform, const std::string& full_prefix,
                                    size_t max_keys, const std::string& token, const std::string& delimiter);

// Lists every key under root + prefix, page by page (page_size clamped to
// [1, listing().max_page_size]), until the listing ends or on_page returns
// false. Keys handed on have `root` stripped; a key not under the root (a
// server bug) is dropped. Pages with no keys are not handed on. With
// delimiter "/", the common prefixes under the root go to `children`, root
// stripped. Errors: fetch_list_page's, and ListProgress's `io` when the
// listing does not advance.
Status list_pages(HttpBackend& backend, const PerformFn& perform, const std::string& root, const std::string& prefix,
                  size_t page_size, const std::string& delimiter,
                  const std::function<bool(std::vector<ObjectInfo>&&)>& on_page, std::vector<std::string>& children);

// Removes `root` from the front of `key`; false (key untouched) when the key
// does not start with it.
bool strip_root(const std::string& root, std::string& key);

}  // namespace td::store
