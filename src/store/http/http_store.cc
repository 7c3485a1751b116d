#include "store/http/http_store.h"

#include <algorithm>
#include <cctype>

#include "store/common/http_metadata.h"
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

HttpStore::HttpStore(std::string base_url, http::EngineOptions options)
    : base_(std::move(base_url)), engine_(std::move(options)) {
  base_ = base_.substr(0, base_.find_first_of("?#"));
  if (base_.empty() || base_.back() != '/') base_ += '/';
  size_t host_start = base_.find("://");
  host_start = host_start == std::string::npos ? 0 : host_start + 3;
  origin_ = base_.substr(0, base_.find('/', host_start));
}

std::string HttpStore::url_for(const std::string& key) const {
  if (is_http_url(key)) return to_url_text(key, false);
  if (!key.empty() && key[0] == '/') return origin_ + to_url_text(key, true);
  return base_ + to_url_text(key, true);
}

std::string HttpStore::describe(const std::string& key) const { return http::redact_url(url_for(key)); }

Status HttpStore::list(const std::string&, size_t, const std::function<bool(std::vector<ObjectInfo>&&)>&) {
  return Error{ErrorKind::config,
               "an http(s) store cannot be listed; give the objects with --keys FILE (one URL or path per line)"};
}

Error http_status_error(const std::string& method, const std::string& url, long status) {
  return Error{http_status_kind(status), method + " " + http::redact_url(url) + ": HTTP " + std::to_string(status)};
}

void HttpStore::read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) {
  if (length == 0) {
    done(RangeRead{});
    return;
  }
  http::Request request;
  request.url = url_for(object.key);
  request.headers.emplace_back("Range", "bytes=" + std::to_string(offset) + "-" + std::to_string(offset + length - 1));
  // A server that ignores Range sends the whole object from byte 0: the
  // engine discards up to `offset` and stops once the range is in hand.
  request.range_offset = offset;
  request.range_length = length;
  request.follow_redirects = true;
  std::string url = request.url;
  engine_.submit(std::move(request), [done = std::move(done), url, offset, length](Result<http::Response> r) {
    if (!r.ok()) return done(r.error());
    long status = r->status;
    if (status != 200 && status != 206 && status != 416) return done(http_status_error("GET", url, status));
    done(range_read_from_response(std::move(*r), offset, length, http::redact_url(url)));
  });
}

Result<ObjectInfo> HttpStore::stat(const std::string& key) {
  http::Request request;
  request.method = "HEAD";
  request.url = url_for(key);
  request.follow_redirects = true;
  auto r = engine_.perform(request);
  if (!r.ok()) return r.error();
  if (r->status != 200) return http_status_error("HEAD", request.url, r->status);
  ObjectInfo info = object_info_from_response(*r, /*head_request=*/true);
  info.key = key;
  return info;
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
