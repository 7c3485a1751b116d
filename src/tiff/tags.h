// Names of TIFF tags and GeoTIFF keys: one table each (tags.cc), so decoding,
// `info` and the Parquet schema all agree on spelling.
#pragma once

#include <cstdint>
#include <span>

namespace td::tiff {

namespace tag {
inline constexpr uint16_t new_subfile_type = 254;
inline constexpr uint16_t subfile_type = 255;
inline constexpr uint16_t image_width = 256;
inline constexpr uint16_t image_length = 257;
inline constexpr uint16_t bits_per_sample = 258;
inline constexpr uint16_t compression = 259;
inline constexpr uint16_t photometric_interpretation = 262;
inline constexpr uint16_t document_name = 269;
inline constexpr uint16_t image_description = 270;
inline constexpr uint16_t strip_offsets = 273;
inline constexpr uint16_t orientation = 274;
inline constexpr uint16_t samples_per_pixel = 277;
inline constexpr uint16_t rows_per_strip = 278;
inline constexpr uint16_t strip_byte_counts = 279;
inline constexpr uint16_t min_sample_value = 280;
inline constexpr uint16_t max_sample_value = 281;
inline constexpr uint16_t x_resolution = 282;
inline constexpr uint16_t y_resolution = 283;
inline constexpr uint16_t planar_configuration = 284;
inline constexpr uint16_t resolution_unit = 296;
inline constexpr uint16_t software = 305;
inline constexpr uint16_t date_time = 306;
inline constexpr uint16_t artist = 315;
inline constexpr uint16_t host_computer = 316;
inline constexpr uint16_t predictor = 317;
inline constexpr uint16_t color_map = 320;
inline constexpr uint16_t tile_width = 322;
inline constexpr uint16_t tile_length = 323;
inline constexpr uint16_t tile_offsets = 324;
inline constexpr uint16_t tile_byte_counts = 325;
inline constexpr uint16_t sub_ifds = 330;
inline constexpr uint16_t extra_samples = 338;
inline constexpr uint16_t sample_format = 339;
inline constexpr uint16_t jpeg_tables = 347;
inline constexpr uint16_t copyright = 33432;
inline constexpr uint16_t model_pixel_scale = 33550;
inline constexpr uint16_t model_tiepoint = 33922;
inline constexpr uint16_t model_transformation = 34264;
inline constexpr uint16_t geo_key_directory = 34735;
inline constexpr uint16_t geo_double_params = 34736;
inline constexpr uint16_t geo_ascii_params = 34737;
inline constexpr uint16_t gdal_metadata = 42112;
inline constexpr uint16_t gdal_nodata = 42113;
}  // namespace tag

// TIFF tag name as tifffile spells it ("ImageWidth"), or nullptr if unknown.
const char* tag_name(uint16_t code);

// True for StripOffsets, StripByteCounts, TileOffsets, TileByteCounts: counted, never fetched.
bool is_data_array_tag(uint16_t code);

// What a GeoKey's value is, per GeoTIFF 1.1.
enum class GeoKeyValueKind { short_, double_, ascii, double_list };

struct GeoKeyInfo {
  uint16_t id;
  const char* name;       // snake_case, as the reference tool's `geokeys` columns ("model_type")
  const char* spec_name;  // GeoTIFF 1.1 name ("GTModelTypeGeoKey")
  GeoKeyValueKind kind;
};

// Every GeoTIFF 1.1 key, in id order.
std::span<const GeoKeyInfo> geokey_table();
// Entry for an id, or nullptr if the id is not a known GeoKey.
const GeoKeyInfo* geokey_info(uint16_t id);

}  // namespace td::tiff
