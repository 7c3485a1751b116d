#include "store/s3/s3_xml.h"

#include <charconv>

#include "store/common/http_metadata.h"

namespace td::store::s3 {

namespace {

std::optional<uint64_t> parse_u64(std::string_view s) {
  uint64_t v = 0;
  if (s.empty()) return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
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

std::string xml_unescape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '&') {
      out.push_back(s[i]);
      continue;
    }
    size_t semi = s.find(';', i);
    if (semi == std::string_view::npos || semi - i > 12) {
      out.push_back('&');
      continue;
    }
    std::string_view name = s.substr(i + 1, semi - i - 1);
    if (name == "amp") out.push_back('&');
    else if (name == "lt") out.push_back('<');
    else if (name == "gt") out.push_back('>');
    else if (name == "quot") out.push_back('"');
    else if (name == "apos") out.push_back('\'');
    else if (name.size() > 1 && name[0] == '#') {
      uint32_t cp = 0;
      bool hex = name[1] == 'x' || name[1] == 'X';
      std::string_view digits = name.substr(hex ? 2 : 1);
      auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), cp, hex ? 16 : 10);
      if (ec != std::errc() || p != digits.data() + digits.size() || digits.empty() || cp > 0x10FFFF) {
        out.append(s.substr(i, semi - i + 1));
      } else {
        append_utf8(out, cp);
      }
    } else {
      out.append(s.substr(i, semi - i + 1));  // unknown entity: keep as is
    }
    i = semi;
  }
  return out;
}

std::optional<std::string> xml_element(std::string_view xml, std::string_view name, size_t& from) {
  std::string open = "<" + std::string(name);
  for (size_t at = xml.find(open, from); at != std::string_view::npos; at = xml.find(open, at + 1)) {
    size_t after = at + open.size();
    if (after >= xml.size()) return std::nullopt;
    char c = xml[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\n' && c != '\r') continue;  // <KeyCount> is not <Key>
    size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos) return std::nullopt;
    if (xml[gt - 1] == '/') {  // <Name/>
      from = gt + 1;
      return std::string();
    }
    std::string close = "</" + std::string(name) + ">";
    size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) return std::nullopt;
    from = end + close.size();
    return xml_unescape(xml.substr(gt + 1, end - gt - 1));
  }
  return std::nullopt;
}

std::string url_decode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

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
  bool url_encoded = xml_element(xml, "EncodingType", pos).value_or("") == "url";
  pos = 0;
  page.truncated = xml_element(xml, "IsTruncated", pos).value_or("false") == "true";
  pos = 0;
  page.next_token = xml_element(xml, "NextContinuationToken", pos).value_or("");
  // Walk the raw <Contents> blocks so each field is unescaped exactly once.
  for (size_t at = xml.find("<Contents>"); at != std::string_view::npos; at = xml.find("<Contents>", at)) {
    size_t end = xml.find("</Contents>", at);
    if (end == std::string_view::npos) return Error{ErrorKind::invalid_value, "unterminated <Contents> in listing"};
    std::string_view block = xml.substr(at, end - at);
    at = end;
    size_t p = 0;
    auto key = xml_element(block, "Key", p);
    if (!key) return Error{ErrorKind::invalid_value, "a <Contents> entry without <Key> in listing"};
    ObjectInfo info;
    info.key = url_encoded ? url_decode(*key) : *key;
    p = 0;
    if (auto size = xml_element(block, "Size", p)) info.size = parse_u64(*size);
    p = 0;
    if (auto lm = xml_element(block, "LastModified", p)) info.last_modified_ms = parse_iso8601_ms(*lm);
    p = 0;
    if (auto etag = xml_element(block, "ETag", p); etag && !etag->empty()) info.etag = strip_etag_quotes(*etag);
    page.objects.push_back(std::move(info));
  }
  for (size_t at = xml.find("<CommonPrefixes>"); at != std::string_view::npos; at = xml.find("<CommonPrefixes>", at)) {
    size_t end = xml.find("</CommonPrefixes>", at);
    if (end == std::string_view::npos) return Error{ErrorKind::invalid_value, "unterminated <CommonPrefixes> in listing"};
    std::string_view block = xml.substr(at, end - at);
    at = end;
    size_t p = 0;
    if (auto prefix = xml_element(block, "Prefix", p)) page.common_prefixes.push_back(url_encoded ? url_decode(*prefix) : *prefix);
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
  e.code = xml_element(body, "Code", p).value_or("");
  p = 0;
  e.message = xml_element(body, "Message", p).value_or("");
  p = 0;
  e.region = xml_element(body, "Region", p).value_or("");
  p = 0;
  e.endpoint = xml_element(body, "Endpoint", p).value_or("");
  if (e.code.empty() && e.message.empty()) return std::nullopt;
  return e;
}

}  // namespace td::store::s3
