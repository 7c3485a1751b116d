// XML character references and the five predefined entities, decoded: shared by the
// object stores' listing parsers (store/common/xml_scan.h) and GDAL_METADATA
// (catalog/gdal_metadata.h). XML 1.0, sections 4.1 and 4.6.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace td {

// &amp; &lt; &gt; &quot; &apos; &#NN; &#xHH; decoded (numeric references to
// UTF-8); unknown or malformed entities, and references to a surrogate or past
// U+10FFFF, are kept as they are.
std::string xml_unescape(std::string_view s);

// Appends code point `cp` (at most 0x10FFFF) as UTF-8.
void append_utf8(std::string& out, uint32_t cp);

}  // namespace td
