#include "catalog/gdal_metadata.h"

#include <tinyxml2.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>

#include "catalog/image_structure.h"
#include "util/xml_text.h"

namespace td::catalog {
namespace {

bool equal_ci(const char* a, const char* b) { return strcasecmp(a, b) == 0; }

// A non-negative decimal attribute, as GDAL's atoi reads `sample` (nullopt when
// absent or negative: GDAL treats those as dataset-level items).
std::optional<uint64_t> sample_index(const tinyxml2::XMLElement& item) {
  const char* s = item.Attribute("sample");
  if (!s) return std::nullopt;
  char* end = nullptr;
  const long long v = std::strtoll(s, &end, 10);
  if (end == s || v < 0) return std::nullopt;
  return static_cast<uint64_t>(v);
}

}  // namespace

std::vector<BandMetadata> band_metadata(std::string_view xml, uint64_t band_count) {
  std::vector<BandMetadata> bands;
  tinyxml2::XMLDocument doc;
  if (doc.Parse(xml.data(), xml.size()) != tinyxml2::XML_SUCCESS) return bands;
  const tinyxml2::XMLElement* root = doc.FirstChildElement("GDALMetadata");
  if (!root) return bands;
  for (const tinyxml2::XMLElement* item = root->FirstChildElement("Item"); item;
       item = item->NextSiblingElement("Item")) {
    const char* name = item->Attribute("name");
    const auto sample = sample_index(*item);
    if (!name || !sample || *sample >= band_count) continue;
    const char* value_text = item->GetText();
    // GDAL writes each value XML-escaped before its XML writer escapes it again
    // ("a & b" is stored as "a &amp;amp; b") and reads it back with a second
    // CPLUnescapeString(CPLES_XML): tinyxml2 undid the first.
    const std::string value = xml_unescape(value_text ? value_text : "");
    const char* role = item->Attribute("role");
    const char* domain = item->Attribute("domain");
    auto number = [&value] { return parse_gdal_double(value); };
    // Grow only for an item that lands in a field: unknown items add no empty bands.
    auto band = [&bands, &sample]() -> BandMetadata& {
      if (bands.size() <= *sample) bands.resize(*sample + 1);
      return bands[*sample];
    };
    if (role) {
      if (equal_ci(role, "scale")) band().scale = number();
      else if (equal_ci(role, "offset")) band().offset = number();
      else if (equal_ci(role, "unittype")) band().unit = value;
      else if (equal_ci(role, "description")) band().description = value;
      continue;
    }
    if (domain && *domain) continue;  // statistics live in the default domain
    if (equal_ci(name, "STATISTICS_MINIMUM")) band().minimum = number();
    else if (equal_ci(name, "STATISTICS_MAXIMUM")) band().maximum = number();
    else if (equal_ci(name, "STATISTICS_MEAN")) band().mean = number();
    else if (equal_ci(name, "STATISTICS_STDDEV")) band().stddev = number();
    else if (equal_ci(name, "STATISTICS_VALID_PERCENT")) band().valid_percent = number();
  }
  while (!bands.empty() && bands.back().empty()) bands.pop_back();
  return bands;
}

}  // namespace td::catalog
