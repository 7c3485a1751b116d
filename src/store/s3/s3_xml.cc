#include "store/s3/s3_xml.h"

#include <charconv>

#include "store/common/http_metadata.h"
#include "store/common/url_encoding.h"
#include "store/common/xml_scan.h"

namespace td::store::s3 {

namespace {

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

}  // namespace

std::optional<int64_t> parse_iso8601_ms(std::string_view s) {
  // YYYY-MM-DDTHH:MM:SS[.fff][Z|+hh:mm|-hh:mm]
  if (s.size() < 19 || s[4] != '-' || s[7] != '-' || (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' ||
      s[16] != ':') {
    return std::nullopt;
  }
  auto num = [&](size_t at, size_t n) { return parse_u64(s.substr(at, n)); };
  auto y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2), sec = num(17, 2);
  if (!y || !mo || !d || !h || !mi || !sec || *mo < 1 || *mo > 12 || *d < 1 || *d > 31 || *h > 23 || *mi > 59 ||
      *sec > 60) {
    return std::nullopt;
  }
  size_t i = 19;
  int64_t ms = 0;
  if (i < s.size() && s[i] == '.') {
    size_t start = ++i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    std::string frac(s.substr(start, std::min<size_t>(i - start, 3)));
    while (frac.size() < 3) frac.push_back('0');
    ms = static_cast<int64_t>(*parse_u64(frac));
  }
  int64_t offset_s = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) {
    if (s.size() < i + 6 || s[i + 3] != ':') return std::nullopt;
    auto oh = num(i + 1, 2), om = num(i + 4, 2);
    if (!oh || !om) return std::nullopt;
    offset_s = static_cast<int64_t>(*oh * 3600 + *om * 60) * (s[i] == '+' ? 1 : -1);
    i += 6;
  } else if (i < s.size() && (s[i] == 'Z' || s[i] == 'z')) {
    ++i;
  }
  if (i != s.size()) return std::nullopt;
  int64_t days = days_from_civil(static_cast<int64_t>(*y), static_cast<unsigned>(*mo), static_cast<unsigned>(*d));
  int64_t seconds = days * 86400 + static_cast<int64_t>(*h * 3600 + *mi * 60 + *sec) - offset_s;
  return seconds * 1000 + ms;
}

Result<ListPage> parse_list_objects_v2(std::string_view xml) {
  if (xml.find("<ListBucketResult") == std::string_view::npos) {
    return Error{ErrorKind::invalid_value, "response is not a ListBucketResult"};
  }
  ListPage page;
  size_t pos = 0;
  bool url_encoded = xml_element_text(xml, "EncodingType", pos).value_or("") == "url";
  pos = 0;
  page.truncated = xml_element_text(xml, "IsTruncated", pos).value_or("false") == "true";
  pos = 0;
  page.next_token = xml_element_text(xml, "NextContinuationToken", pos).value_or("");
  // Walk the raw <Contents> blocks so each field is unescaped exactly once.
  for (size_t at = xml.find("<Contents>"); at != std::string_view::npos; at = xml.find("<Contents>", at)) {
    size_t end = xml.find("</Contents>", at);
    if (end == std::string_view::npos) return Error{ErrorKind::invalid_value, "unterminated <Contents> in listing"};
    std::string_view block = xml.substr(at, end - at);
    at = end;
    size_t p = 0;
    auto key = xml_element_text(block, "Key", p);
    if (!key) return Error{ErrorKind::invalid_value, "a <Contents> entry without <Key> in listing"};
    ObjectInfo info;
    info.key = url_encoded ? percent_decode(*key, true) : *key;
    p = 0;
    if (auto size = xml_element_text(block, "Size", p)) info.size = parse_u64(*size);
    p = 0;
    if (auto lm = xml_element_text(block, "LastModified", p)) info.last_modified_ms = parse_iso8601_ms(*lm);
    p = 0;
    if (auto etag = xml_element_text(block, "ETag", p); etag && !etag->empty()) info.etag = strip_etag_quotes(*etag);
    page.objects.push_back(std::move(info));
  }
  for (size_t at = xml.find("<CommonPrefixes>"); at != std::string_view::npos; at = xml.find("<CommonPrefixes>", at)) {
    size_t end = xml.find("</CommonPrefixes>", at);
    if (end == std::string_view::npos) return Error{ErrorKind::invalid_value, "unterminated <CommonPrefixes> in listing"};
    std::string_view block = xml.substr(at, end - at);
    at = end;
    size_t p = 0;
    if (auto prefix = xml_element_text(block, "Prefix", p)) page.common_prefixes.push_back(url_encoded ? percent_decode(*prefix, true) : *prefix);
  }
  if (page.truncated && page.next_token.empty()) {
    return Error{ErrorKind::invalid_value, "listing is truncated but has no NextContinuationToken"};
  }
  return page;
}

std::optional<ErrorBody> parse_error_body(std::string_view xml) {
  size_t root = xml.find("<Error>");
  if (root == std::string_view::npos) return std::nullopt;
  std::string_view body = xml.substr(root);
  ErrorBody e;
  size_t p = 0;
  e.code = xml_element_text(body, "Code", p).value_or("");
  p = 0;
  e.message = xml_element_text(body, "Message", p).value_or("");
  p = 0;
  e.region = xml_element_text(body, "Region", p).value_or("");
  p = 0;
  e.endpoint = xml_element_text(body, "Endpoint", p).value_or("");
  if (e.code.empty() && e.message.empty()) return std::nullopt;
  return e;
}

}  // namespace td::store::s3
