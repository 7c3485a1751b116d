// A small element scanner for the flat, regular XML bodies object stores
// answer with (S3 ListBucketResult / Error, Azure EnumerationResults /
// Error): not a general XML parser. Shared by the S3 and Azure backends.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "util/xml_text.h"

namespace td::store {

struct XmlElement {
  size_t inner_begin = 0;  // [inner_begin, inner_end): the raw content
  size_t inner_end = 0;
  size_t end = 0;          // just past the end tag (or past <name/>)
};

// The next element `name` at or after `from`. Attributes are allowed
// (<Name a="b">), a longer name with the same start is skipped (<KeyCount> is
// not <Key>), and a self-closing <name/> has empty content.
std::optional<XmlElement> find_xml_element(std::string_view xml, std::string_view name, size_t from = 0);

// The text of the first <name>...</name> at or after `from`, entity-decoded;
// nullopt when absent. `from` moves past the element.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name, size_t& from);
// The same from the start of `xml`.
std::optional<std::string> xml_element_text(std::string_view xml, std::string_view name);

// Entity decoding: td::xml_unescape (util/xml_text.h).
using td::xml_unescape;

}  // namespace td::store
