#include "store/azure/azure_xml.h"

#include <curl/curl.h>

#include <cstdlib>

#include "store/common/xml_scan.h"

namespace td::store::azure {

namespace {

std::string strip_quotes(std::string s) {
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') return s.substr(1, s.size() - 2);
  return s;
}

}  // namespace

Result<BlobListPage> parse_blob_list(const std::string& xml) {
  if (xml.find("<EnumerationResults") == std::string::npos) {
    return Error{ErrorKind::io, "the List Blobs response is not an EnumerationResults document"};
  }
  BlobListPage page;
  if (auto blobs_element = find_xml_element(xml, "Blobs")) {
    std::string blobs = xml.substr(blobs_element->inner_begin, blobs_element->inner_end - blobs_element->inner_begin);
    size_t pos = 0;
    while (auto blob_element = find_xml_element(blobs, "Blob", pos)) {
      std::string blob = blobs.substr(blob_element->inner_begin, blob_element->inner_end - blob_element->inner_begin);
      pos = blob_element->end;
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
