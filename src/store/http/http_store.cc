#include "store/http/http_store.h"

#include <algorithm>
#include <cctype>

#include "store/common/http_status.h"
#include "store/common/transport_options.h"
#include "store/common/url_encoding.h"
#include "util/log.h"
#include "util/redact.h"

namespace td::store {
namespace {

bool is_http_url(const std::string& s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

// Makes URL text of a key line: keys are read as URL text (so a line copied
// from a browser, with %20 or a presigned query, works as is), and whatever
// cannot appear in a URL is percent-encoded: spaces, controls, non-ASCII,
// "<>\^`{|}, a '%' that does not start a %XX escape, and '#' in a key
// (a fragment is never sent, so it can only be part of a file name).
std::string to_url_text(const std::string& text, bool encode_hash) {
  static const std::string unsafe = "\"<>\\^`{|}";
  return percent_encode_if(text, [encode_hash](std::string_view s, size_t i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    return c <= 0x20 || c >= 0x7f || unsafe.find(static_cast<char>(c)) != std::string::npos ||
           (c == '#' && encode_hash) || (c == '%' && !is_percent_escape(s, i));
  });
}

}  // namespace

PlainHttpBackend::PlainHttpBackend(std::string base_url) : base_(std::move(base_url)) {
  base_ = base_.substr(0, base_.find_first_of("?#"));
  if (base_.empty() || base_.back() != '/') base_ += '/';
  size_t host_start = base_.find("://");
  host_start = host_start == std::string::npos ? 0 : host_start + 3;
  origin_ = base_.substr(0, base_.find('/', host_start));
}

std::string PlainHttpBackend::url_for(const std::string& key) const {
  if (is_http_url(key)) return to_url_text(key, false);
  if (!key.empty() && key[0] == '/') return origin_ + to_url_text(key, true);
  return base_ + to_url_text(key, true);
}

std::string PlainHttpBackend::describe(const std::string& key) const { return http::redact_url(url_for(key)); }

Error PlainHttpBackend::list_unsupported() const {
  return Error{ErrorKind::config,
               "an http(s) store cannot be listed; give the objects with --keys FILE (one URL or path per line)"};
}

SignedRequest PlainHttpBackend::get_request(const std::string& key, const std::string& range) const {
  SignedRequest call;
  call.request.url = url_for(key);
  call.request.headers.emplace_back("Range", range);
  return call;
}

SignedRequest PlainHttpBackend::stat_request(const std::string& key) const {
  SignedRequest call;
  call.request.method = "HEAD";
  call.request.url = url_for(key);
  return call;
}

Error PlainHttpBackend::status_error(const http::Response& response, HttpOp op, const std::string&,
                                     const std::string& url) {
  return http_status_error(op == HttpOp::stat ? "HEAD" : "GET", url, response.status);
}

Error http_status_error(const std::string& method, const std::string& url, long status) {
  return Error{http_status_kind(status), method + " " + http::redact_url(url) + ": HTTP " + std::to_string(status)};
}

HttpStore::HttpStore(std::string base_url, http::EngineOptions options)
    : HttpObjectStore(std::make_unique<PlainHttpBackend>(std::move(base_url)), options) {}

std::string HttpStore::url_for(const std::string& key) const {
  return static_cast<const PlainHttpBackend&>(backend()).url_for(key);
}

Result<std::unique_ptr<Store>> open_http_store(const StoreUrl& u, const StoreOptions& options) {
  const std::string& base = u.path;
  size_t host = base.find("://");
  if (!is_http_url(base) || host == std::string::npos || host + 3 >= base.size() || base[host + 3] == '/') {
    return Error{ErrorKind::config, "bad http(s) store URL '" + http::redact_url(base) +
                                        "' (expected http(s)://host[:port]/path/)"};
  }
  // https://user:password@host/: curl sends them as Basic auth; messages never show them.
  if (std::string authority = base.substr(host + 3, base.find('/', host + 3) - host - 3);
      authority.find('@') != std::string::npos) {
    std::string user_info = authority.substr(0, authority.rfind('@'));
    if (auto colon = user_info.find(':'); colon != std::string::npos) register_secret(user_info.substr(colon + 1));
  }
  http::EngineOptions engine = options.http;
  engine.max_in_flight = std::max<size_t>(1, options.concurrency);
  if (Status s = apply_transport_options(options.config, engine); !s.ok()) return s.error();
  for (const auto& [key, value] : options.config) {
    if (key == "allow_http") {  // plain http is always allowed for an http:// store URL
      if (auto b = parse_bool_option(key, value); !b.ok()) return b.error();
      continue;
    }
    if (!is_transport_option(key)) log::warn("store option '" + key + "' does not apply to an http(s) store; ignored");
  }
  std::unique_ptr<Store> store = std::make_unique<HttpStore>(base, std::move(engine));
  return store;
}

}  // namespace td::store
