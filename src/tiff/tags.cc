#include "tiff/tags.h"

#include <algorithm>
#include <iterator>

namespace td::tiff {
namespace {

struct TagNameEntry {
  uint16_t code;
  const char* name;
};

constexpr TagNameEntry kTagNames[] = {
#include "tiff/tag_names.inc"
};

constexpr bool sorted_by_code() {
  for (size_t i = 1; i < std::size(kTagNames); ++i) {
    if (kTagNames[i - 1].code >= kTagNames[i].code) return false;
  }
  return true;
}
static_assert(sorted_by_code(), "tag_names.inc must be sorted by code, without duplicates");

using K = GeoKeyValueKind;

// GeoTIFF 1.1 (OGC 19-008r4) section 7.1.4, plus the 1.0 keys it kept. `name` keeps the
// reference tool's column names, which follow the GeoTIFF 1.0 key names.
constexpr GeoKeyInfo kGeoKeys[] = {
    {1024, "model_type", "GTModelTypeGeoKey", K::short_},
    {1025, "raster_type", "GTRasterTypeGeoKey", K::short_},
    {1026, "citation", "GTCitationGeoKey", K::ascii},
    {2048, "geographic_type", "GeodeticCRSGeoKey", K::short_},
    {2049, "geog_citation", "GeodeticCitationGeoKey", K::ascii},
    {2050, "geog_geodetic_datum", "GeodeticDatumGeoKey", K::short_},
    {2051, "geog_prime_meridian", "PrimeMeridianGeoKey", K::short_},
    {2052, "geog_linear_units", "GeogLinearUnitsGeoKey", K::short_},
    {2053, "geog_linear_unit_size", "GeogLinearUnitSizeGeoKey", K::double_},
    {2054, "geog_angular_units", "GeogAngularUnitsGeoKey", K::short_},
    {2055, "geog_angular_unit_size", "GeogAngularUnitSizeGeoKey", K::double_},
    {2056, "geog_ellipsoid", "EllipsoidGeoKey", K::short_},
    {2057, "geog_semi_major_axis", "EllipsoidSemiMajorAxisGeoKey", K::double_},
    {2058, "geog_semi_minor_axis", "EllipsoidSemiMinorAxisGeoKey", K::double_},
    {2059, "geog_inv_flattening", "EllipsoidInvFlatteningGeoKey", K::double_},
    {2060, "geog_azimuth_units", "GeogAzimuthUnitsGeoKey", K::short_},
    {2061, "geog_prime_meridian_long", "PrimeMeridianLongitudeGeoKey", K::double_},
    {2062, "geog_towgs84", "GeogTOWGS84GeoKey", K::double_list},
    {3072, "projected_type", "ProjectedCRSGeoKey", K::short_},
    {3073, "proj_citation", "ProjectedCitationGeoKey", K::ascii},
    {3074, "projection", "ProjectionGeoKey", K::short_},
    {3075, "proj_coord_trans", "ProjMethodGeoKey", K::short_},
    {3076, "proj_linear_units", "ProjLinearUnitsGeoKey", K::short_},
    {3077, "proj_linear_unit_size", "ProjLinearUnitSizeGeoKey", K::double_},
    {3078, "proj_std_parallel1", "ProjStdParallel1GeoKey", K::double_},
    {3079, "proj_std_parallel2", "ProjStdParallel2GeoKey", K::double_},
    {3080, "proj_nat_origin_long", "ProjNatOriginLongGeoKey", K::double_},
    {3081, "proj_nat_origin_lat", "ProjNatOriginLatGeoKey", K::double_},
    {3082, "proj_false_easting", "ProjFalseEastingGeoKey", K::double_},
    {3083, "proj_false_northing", "ProjFalseNorthingGeoKey", K::double_},
    {3084, "proj_false_origin_long", "ProjFalseOriginLongGeoKey", K::double_},
    {3085, "proj_false_origin_lat", "ProjFalseOriginLatGeoKey", K::double_},
    {3086, "proj_false_origin_easting", "ProjFalseOriginEastingGeoKey", K::double_},
    {3087, "proj_false_origin_northing", "ProjFalseOriginNorthingGeoKey", K::double_},
    {3088, "proj_center_long", "ProjCenterLongGeoKey", K::double_},
    {3089, "proj_center_lat", "ProjCenterLatGeoKey", K::double_},
    {3090, "proj_center_easting", "ProjCenterEastingGeoKey", K::double_},
    {3091, "proj_center_northing", "ProjCenterNorthingGeoKey", K::double_},
    {3092, "proj_scale_at_nat_origin", "ProjScaleAtNatOriginGeoKey", K::double_},
    {3093, "proj_scale_at_center", "ProjScaleAtCenterGeoKey", K::double_},
    {3094, "proj_azimuth_angle", "ProjAzimuthAngleGeoKey", K::double_},
    {3095, "proj_straight_vert_pole_long", "ProjStraightVertPoleLongGeoKey", K::double_},
    {3096, "proj_rectified_grid_angle", "ProjRectifiedGridAngleGeoKey", K::double_},
    {4096, "vertical", "VerticalGeoKey", K::short_},
    {4097, "vertical_citation", "VerticalCitationGeoKey", K::ascii},
    {4098, "vertical_datum", "VerticalDatumGeoKey", K::short_},
    {4099, "vertical_units", "VerticalUnitsGeoKey", K::short_},
    {5120, "coordinate_epoch", "CoordinateEpochGeoKey", K::double_},
};

constexpr bool geokeys_sorted() {
  for (size_t i = 1; i < std::size(kGeoKeys); ++i) {
    if (kGeoKeys[i - 1].id >= kGeoKeys[i].id) return false;
  }
  return true;
}
static_assert(geokeys_sorted(), "kGeoKeys must be sorted by id");

}  // namespace

const char* tag_name(uint16_t code) {
  auto it = std::lower_bound(std::begin(kTagNames), std::end(kTagNames), code,
                             [](const TagNameEntry& e, uint16_t c) { return e.code < c; });
  return it != std::end(kTagNames) && it->code == code ? it->name : nullptr;
}

bool is_data_array_tag(uint16_t code) {
  return code == tag::strip_offsets || code == tag::strip_byte_counts ||
         code == tag::tile_offsets || code == tag::tile_byte_counts;
}

std::span<const GeoKeyInfo> geokey_table() { return kGeoKeys; }

const GeoKeyInfo* geokey_info(uint16_t id) {
  auto it = std::lower_bound(std::begin(kGeoKeys), std::end(kGeoKeys), id,
                             [](const GeoKeyInfo& k, uint16_t i) { return k.id < i; });
  return it != std::end(kGeoKeys) && it->id == id ? it : nullptr;
}

}  // namespace td::tiff
