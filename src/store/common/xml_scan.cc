#include "store/common/xml_scan.h"

#include <charconv>

namespace td::store {

std::optional<XmlElement> find_xml_element(std::string_view xml, std::string_view name, size_t from) {
  std::string open = "<" + std::string(name);
  for (size_t at = xml.find(open, from); at != std::string_view::npos; at = xml.find(open, at + 1)) {
    size_t after = at + open.size();
    if (after >= xml.size()) return std::nullopt;
    char c = xml[after];
    if (c != '>' && c != ' ' && c != '/' && c != '\t' && c != '\n' && c != '\r') continue;  // <KeyCount> is not <Key>
    size_t gt = xml.find('>', after);
    if (gt == std::string_view::npos) return std::nullopt;
    if (xml[gt - 1] == '/') return XmlElement{gt + 1, gt + 1, gt + 1};  // <Name/>
    std::string close = "</" + std::string(name) + ">";
    size_t end = xml.find(close, gt + 1);
    if (end == std::string_view::npos) return std::nullopt;
    return XmlElement{gt + 1, end, end + close.size()};
  }
  return std::nullopt;
}

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name, size_t& from) {
  auto e = find_xml_element(xml, name, from);
  if (!e) return std::nullopt;
  from = e->end;
  return xml_unescape(xml.substr(e->inner_begin, e->inner_end - e->inner_begin));
}

std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name) {
  size_t from = 0;
  return xml_element_text(xml, name, from);
}

}  // namespace td::store
