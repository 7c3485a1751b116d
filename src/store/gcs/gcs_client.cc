#include "store/gcs/gcs_client.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <ctime>

#include "store/common/http_metadata.h"
#include "store/common/http_status.h"
#include "store/common/url_encoding.h"

namespace td::store::gcs {

namespace {

std::optional<int> digits(const std::string& s, size_t pos, size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  auto [end, ec] = std::from_chars(s.data() + pos, s.data() + pos + n, v);
  if (ec != std::errc() || end != s.data() + pos + n) return std::nullopt;
  return v;
}

Result<ObjectInfo> object_from_json(const nlohmann::json& item) {
  if (!item.is_object() || !item.contains("name") || !item["name"].is_string()) {
    return Error{ErrorKind::io, "a GCS object resource without a name"};
  }
  ObjectInfo info;
  info.key = item["name"].get<std::string>();
  if (item.contains("size")) {
    // The JSON API sends uint64 values as strings.
    const auto& s = item["size"];
    if (s.is_string()) {
      uint64_t v = 0;
      const std::string& t = s.get_ref<const std::string&>();
      auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (ec != std::errc() || end != t.data() + t.size()) return Error{ErrorKind::io, "bad size '" + t + "' for " + info.key};
      info.size = v;
    } else if (s.is_number_unsigned()) {
      info.size = s.get<uint64_t>();
    }
  }
  if (item.contains("updated") && item["updated"].is_string()) info.last_modified_ms = parse_rfc3339_ms(item["updated"]);
  if (item.contains("etag") && item["etag"].is_string()) info.etag = strip_etag_quotes(item["etag"]);
  return info;
}

}  // namespace

std::optional<int64_t> parse_rfc3339_ms(const std::string& t) {
  // YYYY-MM-DDTHH:MM:SS[.fff...](Z|+hh:mm|-hh:mm)
  auto Y = digits(t, 0, 4), M = digits(t, 5, 2), D = digits(t, 8, 2), h = digits(t, 11, 2), m = digits(t, 14, 2),
       s = digits(t, 17, 2);
  if (!Y || !M || !D || !h || !m || !s || t[4] != '-' || t[7] != '-' || (t[10] != 'T' && t[10] != 't' && t[10] != ' ') ||
      t[13] != ':' || t[16] != ':') {
    return std::nullopt;
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (pos < t.size() && t[pos] == '.') {
    int scale = 100;
    for (++pos; pos < t.size() && std::isdigit(static_cast<unsigned char>(t[pos])); ++pos) {
      ms += (t[pos] - '0') * scale;
      scale /= 10;
    }
  }
  int64_t offset_s = 0;
  if (pos < t.size() && (t[pos] == '+' || t[pos] == '-')) {
    auto oh = digits(t, pos + 1, 2), om = digits(t, pos + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset_s = (*oh * 3600 + *om * 60) * (t[pos] == '-' ? -1 : 1);
  } else if (pos >= t.size() || (t[pos] != 'Z' && t[pos] != 'z')) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = *Y - 1900;
  tm.tm_mon = *M - 1;
  tm.tm_mday = *D;
  tm.tm_hour = *h;
  tm.tm_min = *m;
  tm.tm_sec = *s;
  int64_t epoch = static_cast<int64_t>(timegm(&tm)) - offset_s;
  return epoch * 1000 + ms;
}

std::string encode_object_name(const std::string& name) { return percent_encode(name); }

Result<ObjectListPage> parse_object_list(const std::string& json) {
  nlohmann::json j = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object()) return Error{ErrorKind::io, "the GCS objects list is not a JSON object"};
  ObjectListPage page;
  if (j.contains("items")) {
    if (!j["items"].is_array()) return Error{ErrorKind::io, "the GCS objects list has a non-array 'items'"};
    for (const auto& item : j["items"]) {
      auto info = object_from_json(item);
      if (!info.ok()) return info.error();
      page.objects.push_back(std::move(*info));
    }
  }
  if (j.contains("nextPageToken") && j["nextPageToken"].is_string()) page.next_page_token = j["nextPageToken"];
  return page;
}

Result<ObjectInfo> parse_object_resource(const std::string& json) {
  return object_from_json(nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false));
}

Error gcs_error(const http::Response& response, const std::string& what, const std::string& url,
                const GcsConfig& config) {
  // {"error": {"code": 403, "message": "...", "errors": [{"reason": "forbidden", ...}]}}
  nlohmann::json j = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  std::string reason, message;
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto& e = j["error"];
    if (e.contains("message") && e["message"].is_string()) message = e["message"];
    if (e.contains("errors") && e["errors"].is_array() && !e["errors"].empty() && e["errors"][0].is_object() &&
        e["errors"][0].contains("reason") && e["errors"][0]["reason"].is_string()) {
      reason = e["errors"][0]["reason"];
    }
  }
  long status = response.status;
  ErrorKind kind = http_status_kind(status);
  std::string m = what + ": HTTP " + std::to_string(status);
  if (!reason.empty()) m += " " + reason;
  if (!message.empty()) m += ": " + message.substr(0, message.find('\n'));
  m += " (GET " + http::redact_url(url) + ")";
  bool anonymous = config.credentials.type == GcsAuth::anonymous;
  if (status == 401 || status == 403) {
    if (anonymous) {
      m += "; no credentials were given, so access was anonymous: the bucket may not be public (set "
           "google_service_account in store.obstore_config or GOOGLE_APPLICATION_CREDENTIALS)";
    } else if (status == 401) {
      m += "; the access token from " + config.credentials_source + " was rejected";
    } else {
      std::string who = config.credentials.client_email.empty() ? "the credentials" : config.credentials.client_email;
      m += "; " + who + " lacks permission (needs storage.objects.list and storage.objects.get on gs://" +
           config.bucket + ")";
    }
  }
  return Error{kind, m};
}

std::string GcsBackend::object_url(const std::string& name) const {
  return config_.endpoint + "/storage/v1/b/" + encode_object_name(config_.bucket) + "/o/" + encode_object_name(name);
}

std::string GcsBackend::describe(const std::string& full_key) const { return "gs://" + config_.bucket + "/" + full_key; }

std::string GcsBackend::what(HttpOp op, const std::string& full_key) const {
  const char* call = op == HttpOp::list ? "list" : op == HttpOp::get ? "read" : "stat";
  return std::string("GCS ") + call + " " + describe(full_key);
}

SignedRequest GcsBackend::authorized(std::string url) const {
  SignedRequest call;
  call.request.url = std::move(url);
  if (!tokens_) return call;
  call.prepare = [tokens = tokens_](http::Request& r) -> Status {
    auto token = tokens->token();
    if (!token.ok()) return token.error();
    r.headers.erase(std::remove_if(r.headers.begin(), r.headers.end(),
                                   [](const auto& h) { return h.first == "Authorization"; }),
                    r.headers.end());
    r.headers.emplace_back("Authorization", "Bearer " + *token);
    return Status();
  };
  return call;
}

SignedRequest GcsBackend::list_request(const std::string& full_prefix, size_t max_results,
                                       const std::string& page_token, const std::string&) const {
  std::string url = config_.endpoint + "/storage/v1/b/" + encode_object_name(config_.bucket) +
                    "/o?prefix=" + percent_encode(full_prefix) + "&maxResults=" + std::to_string(max_results) +
                    "&fields=" + percent_encode("items(name,size,updated,etag),nextPageToken");
  if (!page_token.empty()) url += "&pageToken=" + percent_encode(page_token);
  return authorized(std::move(url));
}

bool GcsBackend::page_is_whole(const std::string& body) const { return nlohmann::json::accept(body); }

Result<ListingPage> GcsBackend::parse_page(const std::string& body) const {
  auto parsed = parse_object_list(body);
  if (!parsed.ok()) return parsed.error();
  bool more = !parsed->next_page_token.empty();  // no nextPageToken ends the listing
  return ListingPage{std::move(parsed->objects), {}, more, std::move(parsed->next_page_token)};
}

SignedRequest GcsBackend::get_request(const std::string& full_key, const std::string& range) const {
  SignedRequest call = authorized(object_url(full_key) + "?alt=media");
  call.request.headers.emplace_back("Range", range);
  return call;
}

SignedRequest GcsBackend::stat_request(const std::string& full_key) const {
  return authorized(object_url(full_key) + "?fields=" + percent_encode("name,size,updated,etag"));
}

Result<ObjectInfo> GcsBackend::parse_stat(const http::Response& response) const {
  return parse_object_resource(response.body);
}

Error GcsBackend::status_error(const http::Response& response, HttpOp op, const std::string& full_key,
                               const std::string& url) {
  Error e = gcs_error(response, what(op, full_key), url, config_);
  if (op == HttpOp::list && response.status == 404) e.message += "; bucket '" + config_.bucket + "' does not exist";
  return e;
}

}  // namespace td::store::gcs
