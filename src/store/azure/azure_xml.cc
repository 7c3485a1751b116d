#include "store/azure/azure_xml.h"

#include <curl/curl.h>

#include <cstdlib>

namespace td::store::azure {

namespace {

// Finds the next element `name` at or after `from`: sets [inner_begin,
// inner_end) to its content and returns the position after its end tag.
// A self-closing <name/> has empty content.
std::optional<size_t> find_element(const std::string& xml, const std::string& name, size_t from, size_t& inner_begin,
                                   size_t& inner_end) {
  std::string open = "<" + name;
  size_t pos = from;
  for (;;) {
    pos = xml.find(open, pos);
    if (pos == std::string::npos) return std::nullopt;
    size_t after = pos + open.size();
    if (after >= xml.size()) return std::nullopt;
    char c = xml[after];
    if (c == '>' || c == '/' || c == ' ' || c == '\t' || c == '\r' || c == '\n') break;
    pos = after;  // a longer name with the same start (<Blob vs <Blobs)
  }
  size_t gt = xml.find('>', pos);
  if (gt == std::string::npos) return std::nullopt;
  if (xml[gt - 1] == '/') {
    inner_begin = inner_end = gt + 1;
    return gt + 1;
  }
  std::string close = "</" + name + ">";
  size_t end = xml.find(close, gt + 1);
  if (end == std::string::npos) return std::nullopt;
  inner_begin = gt + 1;
  inner_end = end;
  return end + close.size();
}

void append_utf8(std::string& out, unsigned long cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x110000) {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string strip_quotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

std::string xml_unescape(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out.push_back(text[i]);
      continue;
    }
    size_t semi = text.find(';', i);
    if (semi == std::string::npos || semi - i > 10) {
      out.push_back('&');
      continue;
    }
    std::string ent = text.substr(i + 1, semi - i - 1);
    if (ent == "amp") out.push_back('&');
    else if (ent == "lt") out.push_back('<');
    else if (ent == "gt") out.push_back('>');
    else if (ent == "quot") out.push_back('"');
    else if (ent == "apos") out.push_back('\'');
    else if (ent.size() > 1 && ent[0] == '#') {
      bool hex = ent[1] == 'x' || ent[1] == 'X';
      append_utf8(out, std::strtoul(ent.c_str() + (hex ? 2 : 1), nullptr, hex ? 16 : 10));
    } else {
      out.push_back('&');
      continue;
    }
    i = semi;
  }
  return out;
}

std::optional<std::string> xml_element_text(const std::string& xml, const std::string& name) {
  size_t b = 0, e = 0;
  if (!find_element(xml, name, 0, b, e)) return std::nullopt;
  return xml_unescape(xml.substr(b, e - b));
}

Result<BlobListPage> parse_blob_list(const std::string& xml) {
  if (xml.find("<EnumerationResults") == std::string::npos) {
    return Error{ErrorKind::io, "the List Blobs response is not an EnumerationResults document"};
  }
  BlobListPage page;
  size_t b = 0, e = 0;
  if (auto blobs_end = find_element(xml, "Blobs", 0, b, e)) {
    std::string blobs = xml.substr(b, e - b);
    size_t pos = 0, bb = 0, be = 0;
    while (auto next = find_element(blobs, "Blob", pos, bb, be)) {
      std::string blob = blobs.substr(bb, be - bb);
      pos = *next;
      auto name = xml_element_text(blob, "Name");
      if (!name) return Error{ErrorKind::io, "a <Blob> in the List Blobs response has no <Name>"};
      ObjectInfo info;
      info.key = *name;
      if (auto len = xml_element_text(blob, "Content-Length"); len && !len->empty()) {
        char* end = nullptr;
        unsigned long long v = std::strtoull(len->c_str(), &end, 10);
        if (*end != 0) return Error{ErrorKind::io, "bad <Content-Length> '" + *len + "' for blob " + *name};
        info.size = v;
      }
      if (auto lm = xml_element_text(blob, "Last-Modified"); lm && !lm->empty()) {
        time_t t = curl_getdate(lm->c_str(), nullptr);
        if (t >= 0) info.last_modified_ms = static_cast<int64_t>(t) * 1000;
      }
      if (auto etag = xml_element_text(blob, "Etag"); etag && !etag->empty()) info.etag = strip_quotes(*etag);
      page.blobs.push_back(std::move(info));
    }
  }
  if (auto marker = xml_element_text(xml, "NextMarker")) page.next_marker = *marker;
  return page;
}

AzureErrorBody parse_error_body(const std::string& xml) {
  AzureErrorBody out;
  if (auto code = xml_element_text(xml, "Code")) out.code = *code;
  if (auto message = xml_element_text(xml, "Message")) {
    out.message = message->substr(0, message->find_first_of("\r\n"));
  }
  return out;
}

}  // namespace td::store::azure
