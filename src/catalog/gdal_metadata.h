// Per-band facts GDAL keeps in the GDAL_METADATA TIFF tag (42112): an XML block
//   <GDALMetadata>
//     <Item name="SCALE" sample="0" role="scale">0.01</Item>
//     <Item name="STATISTICS_MEAN" sample="0">117.3</Item>
//     <Item name="AREA_OR_POINT">Area</Item>          (dataset level: ignored here)
//   </GDALMetadata>
// read as GDAL's GTiffDataset::LoadMetadata does (gtiffdataset_read.cpp): an item
// with a `sample` attribute (0-based band index) belongs to that band; its `role`
// makes it the band's scale, offset, unit type or description; items named
// STATISTICS_* in the default domain are the band's statistics.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace td::catalog {

// One band's entries; each field is nullopt when the block does not give it.
struct BandMetadata {
  std::optional<std::string> description;  // role="description"
  std::optional<std::string> unit;         // role="unittype" (GDAL's GetUnitType)
  std::optional<double> scale, offset;     // role="scale" / role="offset"
  // STATISTICS_MINIMUM, _MAXIMUM, _MEAN, _STDDEV, _VALID_PERCENT
  std::optional<double> minimum, maximum, mean, stddev, valid_percent;
  bool empty() const {
    return !description && !unit && !scale && !offset && !minimum && !maximum && !mean && !stddev && !valid_percent;
  }
};

// The bands the block describes, index i = band i + 1, up to the highest sample
// it names that is below `band_count` (GDAL ignores items of bands the image
// does not have). Empty when the text is not a GDALMetadata document or names no
// band item. Numbers are read as GDAL does (parse_gdal_double); one that is not a
// number leaves its field nullopt. Never throws. Values are unescaped twice, as GDAL
// writes them escaped twice ("a & b" is stored as `a &amp;amp; b`); text
// is returned as bytes (callers apply the output's text rule).
std::vector<BandMetadata> band_metadata(std::string_view xml, uint64_t band_count);

}  // namespace td::catalog
