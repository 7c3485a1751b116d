#include "store/common/http_metadata.h"

#include <curl/curl.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace td::store {
namespace {

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
  return v;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<ContentRange> parse_content_range(const std::string& value) {
  std::string_view v = trim(value);
  if (v.substr(0, 6) != "bytes ") return std::nullopt;
  v.remove_prefix(6);
  auto slash = v.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view range = trim(v.substr(0, slash)), total = trim(v.substr(slash + 1));
  ContentRange out;
  if (total != "*") {
    out.total = parse_u64(total);
    if (!out.total) return std::nullopt;
  }
  if (range != "*") {
    auto dash = range.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    out.first = parse_u64(range.substr(0, dash));
    out.last = parse_u64(range.substr(dash + 1));
    if (!out.first || !out.last || *out.last < *out.first) return std::nullopt;
  } else if (!out.total) {
    return std::nullopt;  // "bytes */*"
  }
  return out;
}

std::string strip_etag_quotes(const std::string& etag) {
  std::string prefix, body = etag;
  if (body.rfind("W/", 0) == 0) {
    prefix = "W/";
    body = body.substr(2);
  }
  if (body.size() >= 2 && body.front() == '"' && body.back() == '"') body = body.substr(1, body.size() - 2);
  return prefix + body;
}

namespace {

// "Sun, 06 Nov 1994 08:49:37 GMT" (IMF-fixdate, what every current server
// sends), without the general parser: that was a few % of the CPU per object.
std::optional<int64_t> parse_imf_fixdate_ms(std::string_view v) {
  if (v.size() != 29 || v[3] != ',' || v[4] != ' ' || v[7] != ' ' || v[11] != ' ' || v[16] != ' ' ||
      v[19] != ':' || v[22] != ':' || v.substr(25) != " GMT") {
    return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) -> int {
    int x = 0;
    for (size_t i = at; i < at + n; ++i) {
      if (v[i] < '0' || v[i] > '9') return -1;
      x = x * 10 + (v[i] - '0');
    }
    return x;
  };
  static constexpr std::string_view months = "JanFebMarAprMayJunJulAugSepOctNovDec";
  size_t m = months.find(v.substr(8, 3));
  int day = num(5, 2), year = num(12, 4), hh = num(17, 2), mm = num(20, 2), ss = num(23, 2);
  if (m == std::string_view::npos || m % 3 != 0 || day < 1 || day > 31 || year < 0 || hh < 0 || hh > 23 || mm < 0 ||
      mm > 59 || ss < 0 || ss > 60) {
    return std::nullopt;
  }
  // Days since 1970-01-01 (Howard Hinnant's days_from_civil).
  int y = year, mon = static_cast<int>(m / 3) + 1;
  y -= mon <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (mon + (mon > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  const int64_t days = static_cast<int64_t>(era) * 146097 + doe - 719468;
  return ((days * 24 + hh) * 60 + mm) * 60000 + int64_t{ss} * 1000;
}

}  // namespace

std::optional<int64_t> parse_http_date_ms(const std::string& value) {
  if (value.empty()) return std::nullopt;
  if (auto fast = parse_imf_fixdate_ms(value)) return fast;
  time_t t = curl_getdate(value.c_str(), nullptr);  // the obsolete formats RFC 9110 still allows
  if (t == -1) return std::nullopt;
  return static_cast<int64_t>(t) * 1000;
}

ObjectInfo object_info_from_response(const http::Response& response, bool head_request) {
  ObjectInfo info;
  if (response.status == 206 || response.status == 416) {
    if (auto cr = response.header("content-range")) {
      if (auto parsed = parse_content_range(*cr)) info.size = parsed->total;
    }
  } else if (response.status == 200 || head_request) {
    // On a 200 GET the body may have been capped, but Content-Length still
    // names the whole object (unless compressed, which we never ask for).
    if (auto cl = response.header("content-length")) info.size = parse_u64(trim(*cl));
  }
  if (auto etag = response.header("etag"); etag && !etag->empty()) info.etag = strip_etag_quotes(*etag);
  if (auto lm = response.header("last-modified")) info.last_modified_ms = parse_http_date_ms(*lm);
  return info;
}

Result<RangeRead> range_read_from_response(http::Response&& response, uint64_t offset, uint64_t length,
                                           const std::string& redacted_url) {
  ObjectInfo info = object_info_from_response(response);
  RangeRead read;
  read.object_size = info.size;
  read.etag = std::move(info.etag);
  read.last_modified_ms = info.last_modified_ms;
  read.wire_bytes = response.wire_bytes;
  if (response.status == 416) return read;  // nothing at or after offset
  std::string& body = response.body;
  uint64_t skip = 0;
  if (response.status == 206) {
    auto cr = response.header("content-range");
    auto parsed = cr ? parse_content_range(*cr) : std::nullopt;
    if (!parsed || !parsed->first) {
      return Error{ErrorKind::io, "GET " + redacted_url + ": 206 response without a valid Content-Range" +
                                      (cr ? " ('" + *cr + "')" : "")};
    }
    if (*parsed->first != offset) {
      return Error{ErrorKind::io, "GET " + redacted_url + ": asked for bytes from " + std::to_string(offset) +
                                      ", got Content-Range '" + *cr + "'"};
    }
  } else if (response.status == 200) {
    // Range ignored: the body is the object from byte body_offset (0, or
    // `offset` when the engine discarded the bytes before it).
    skip = std::min<uint64_t>(offset - std::min(offset, response.body_offset), body.size());
  } else {
    return Error{ErrorKind::internal, "range_read_from_response: unexpected HTTP " + std::to_string(response.status)};
  }
  uint64_t n = std::min<uint64_t>(length, body.size() - skip);
  // memcpy, not assign(char iterators): the char -> uint8_t element copy ran
  // byte by byte, 3.5 % of the CPU of an S3 run.
  read.bytes.resize(n);
  if (n > 0) std::memcpy(read.bytes.data(), body.data() + skip, n);
  return read;
}

}  // namespace td::store
