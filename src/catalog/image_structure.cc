#include "catalog/image_structure.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>

#include "tiff/tags.h"

namespace td::catalog {
namespace {

namespace tag = tiff::tag;
constexpr uint16_t kLercParameters = 50674;  // LONG[2]: LERC version, second compression

// A numeric tag's first value, the default when the tag is absent, nullopt when the
// tag is there but holds no number.
std::optional<uint64_t> uint_or(const tiff::Ifd& ifd, uint16_t code, uint64_t fallback) {
  const tiff::Tag* t = ifd.find(code);
  if (!t) return fallback;
  return t->first_uint();
}

struct CompressionName {
  uint16_t code;
  const char* name;
};
// libtiff's codes (tiff.h) with GDAL's names (gtiffdataset.cpp, asCompressionNames).
constexpr std::array<CompressionName, 25> kCompressionNames{{
    {1, "NONE"},          {2, "CCITTRLE"},       {3, "CCITTFAX3"},    {4, "CCITTFAX4"},
    {5, "LZW"},           {6, "OJPEG"},          {7, "JPEG"},         {8, "DEFLATE"},
    {32766, "NEXT"},      {32771, "CCITTRLEW"},  {32773, "PACKBITS"}, {32809, "THUNDERSCAN"},
    {32908, "PIXARFILM"}, {32909, "PIXARLOG"},   {32946, "DEFLATE"},  {32947, "DCS"},
    {34661, "JBIG"},      {34676, "SGILOG"},     {34677, "SGILOG24"}, {34712, "JP2000"},
    {34887, "LERC"},      {34925, "LZMA"},       {50000, "ZSTD"},     {50001, "WEBP"},
    {50002, "JXL"},
}};

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

std::optional<std::string> compression_name(const tiff::Ifd& ifd) {
  const std::optional<uint64_t> code = uint_or(ifd, tag::compression, 1);
  if (!code) return std::nullopt;
  for (const auto& c : kCompressionNames) {
    if (c.code != *code) continue;
    if (c.code == 34887) {
      // LercParameters[1]: 1 deflate, 2 zstd (libtiff's LERC_ADD_COMPRESSION_*).
      const tiff::Tag* p = ifd.find(kLercParameters);
      const std::vector<int64_t> v = p ? p->as_ints() : std::vector<int64_t>{};
      if (v.size() >= 2 && v[1] == 1) return "LERC_DEFLATE";
      if (v.size() >= 2 && v[1] == 2) return "LERC_ZSTD";
    }
    return c.name;
  }
  return std::to_string(*code);
}

std::optional<std::string_view> data_type_name(uint64_t bits, uint64_t format) {
  constexpr uint64_t kInt = 2, kFloat = 3, kComplexInt = 5, kComplexFloat = 6;
  const bool is_int = format == kInt, is_float = format == kFloat;
  const bool is_complex = format == kComplexInt || format == kComplexFloat;
  const bool plain_int = !is_float && !is_complex;  // unsigned, signed, void, unknown
  if (bits == 0) return std::nullopt;
  if (bits < 8) return plain_int ? std::optional<std::string_view>("Byte") : std::nullopt;
  if (bits == 8) return is_int ? "Int8" : plain_int ? std::optional<std::string_view>("Byte") : std::nullopt;
  if (bits < 16) return plain_int ? std::optional<std::string_view>("UInt16") : std::nullopt;
  if (bits == 16) {
    if (is_float) return "Float32";
    return is_int ? "Int16" : plain_int ? std::optional<std::string_view>("UInt16") : std::nullopt;
  }
  if (bits < 32) {
    if (bits == 24 && is_float) return "Float32";
    return plain_int ? std::optional<std::string_view>("UInt32") : std::nullopt;
  }
  if (bits == 32) {
    if (format == kComplexInt) return "CInt16";
    if (format == kComplexFloat) return std::nullopt;
    return is_float ? "Float32" : is_int ? "Int32" : "UInt32";
  }
  if (bits == 64) {
    if (format == kComplexInt) return "CInt32";
    if (format == kComplexFloat) return "CFloat32";
    return is_float ? "Float64" : is_int ? "Int64" : "UInt64";
  }
  if (bits == 128 && format == kComplexFloat) return "CFloat64";
  return std::nullopt;
}

std::optional<std::string_view> data_type(const tiff::Ifd& ifd) {
  const auto bits = uint_or(ifd, tag::bits_per_sample, 1);
  const auto format = uint_or(ifd, tag::sample_format, 1);
  if (!bits || !format) return std::nullopt;
  return data_type_name(*bits, *format);
}

std::optional<uint64_t> band_count(const tiff::Ifd& ifd) { return uint_or(ifd, tag::samples_per_pixel, 1); }

bool tiled(const tiff::Ifd& ifd) { return ifd.find(tag::tile_width) || ifd.find(tag::tile_length); }

uint64_t subfile_type(const tiff::Ifd& ifd) {
  if (const tiff::Tag* t = ifd.find(tag::new_subfile_type)) return t->first_uint().value_or(0);
  if (const tiff::Tag* t = ifd.find(tag::subfile_type)) {
    const uint64_t old = t->first_uint().value_or(0);
    if (old == 2) return 1;  // OFILETYPE_REDUCEDIMAGE
    if (old == 3) return 2;  // OFILETYPE_PAGE
  }
  return 0;
}

uint64_t dimension(const tiff::Ifd& ifd, uint16_t code) {
  const tiff::Tag* t = ifd.find(code);
  return t ? t->first_uint().value_or(0) : 0;
}

Pyramid pyramid(const tiff::Header& header) {
  Pyramid p;
  if (header.ifds.empty()) return p;
  const tiff::Ifd& main = header.ifds[0];
  const auto main_bands = band_count(main);
  const uint64_t main_width = dimension(main, tag::image_width), main_height = dimension(main, tag::image_length);
  constexpr uint64_t kReduced = 1, kMask = 4;
  constexpr size_t kMaxOverviews = 30;  // GDAL's guard against a header listing thousands
  for (size_t i = 1; i < header.ifds.size(); ++i) {
    const tiff::Ifd& d = header.ifds[i];
    const bool subifd_of_main = d.parent && *d.parent == 0;
    const bool later_in_chain = !d.parent && !d.find(tag::sub_ifds);
    if (!subifd_of_main && !later_in_chain) continue;
    const uint64_t type = subfile_type(d);
    const uint64_t width = dimension(d, tag::image_width), height = dimension(d, tag::image_length);
    auto mask_of = [&](uint64_t w, uint64_t h) {
      const auto bands = band_count(d);
      return bands && (*bands == 1 || bands == main_bands) && width > 0 && width == w && height == h &&
             data_type(d) == std::optional<std::string_view>("Byte");
    };
    if ((type & kReduced) && !(type & kMask)) {
      if (p.overviews.size() < kMaxOverviews && width > 0 && height > 0 && band_count(d) == main_bands) {
        p.overviews.push_back(i);
        p.overview_masks.emplace_back();
      }
    } else if ((type & kMask) && !(type & kReduced)) {
      if (!p.mask && mask_of(main_width, main_height)) p.mask = i;
    } else if ((type & kMask) && (type & kReduced)) {
      // The first overview read so far, of this size, that has no mask yet.
      for (size_t o = 0; o < p.overviews.size(); ++o) {
        const tiff::Ifd& ovr = header.ifds[p.overviews[o]];
        if (!p.overview_masks[o] && mask_of(dimension(ovr, tag::image_width), dimension(ovr, tag::image_length))) {
          p.overview_masks[o] = i;
          break;
        }
      }
    }
  }
  return p;
}

std::optional<double> parse_gdal_double(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  const bool negative = !s.empty() && s.front() == '-';
  std::string_view body = s;
  if (!body.empty() && (body.front() == '-' || body.front() == '+')) body.remove_prefix(1);
  constexpr double inf = std::numeric_limits<double>::infinity();
  if (starts_with_ci(body, "1.#inf") || starts_with_ci(body, "inf")) return negative ? -inf : inf;
  if (starts_with_ci(body, "1.#qnan") || starts_with_ci(body, "1.#ind") || starts_with_ci(body, "nan"))
    return std::numeric_limits<double>::quiet_NaN();
  double v = 0;
  const auto [end, ec] = std::from_chars(body.data(), body.data() + body.size(), v);
  if (end == body.data()) return std::nullopt;  // no number at all
  if (ec == std::errc::result_out_of_range) {
    // strtod's answer (GDAL reads with it): ±HUGE_VAL on overflow, ±0 on underflow.
    const std::string_view number(body.data(), static_cast<size_t>(end - body.data()));
    const size_t e = number.find_first_of("eE");
    v = e != std::string_view::npos && e + 1 < number.size() && number[e + 1] == '-' ? 0.0 : inf;
  }
  return negative ? -v : v;
}

std::optional<double> nodata(const tiff::Ifd& ifd) {
  const tiff::Tag* t = ifd.find(tag::gdal_nodata);
  if (!t) return std::nullopt;
  const auto* text = std::get_if<std::string>(&t->values);
  if (!text) return std::nullopt;
  return parse_gdal_double(*text);
}

}  // namespace td::catalog
