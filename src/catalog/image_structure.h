// What a reader of the image sees, in GDAL's vocabulary, from the header alone:
// compression and data type names, band count, tiling, overviews and the internal
// mask, nodata. Each function follows the GDAL GTiff driver (frmts/gtiff) so that
// the catalog's answers equal `gdalinfo -json`'s for the same file; where GDAL
// and TIFF 6.0 differ the difference is stated. Tags absent from an IFD take
// their TIFF 6.0 default (section 8 and the tag's own section): Compression 1,
// SamplesPerPixel 1, BitsPerSample 1, SampleFormat 1 (section 19),
// NewSubfileType 0. A tag present with a value that is not a number (wrong type,
// not loaded) gives nullopt, not the default: the file says something we cannot read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tiff/header.h"

namespace td::catalog {

// GDAL's name for the IFD's compression (gtiffdataset.cpp asCompressionNames:
// NONE, CCITTRLE, CCITTFAX3, CCITTFAX4, LZW, OJPEG, JPEG, DEFLATE (codes 8 and
// 32946), PACKBITS, LZMA, ZSTD, LERC, WEBP, JXL, NEXT, CCITTRLEW, THUNDERSCAN,
// PIXARFILM, PIXARLOG, DCS, JBIG, SGILOG, SGILOG24, JP2000). LERC is
// LERC_DEFLATE or LERC_ZSTD when LercParameters (tag 50674) names that second
// compression, as GDAL reports it. A code GDAL does not name gives the number as
// text ("34892"). JPEG stays "JPEG" for YCbCr images (GDAL says "YCbCr JPEG":
// the colour space is photometric_interpretation's). nullopt when Compression
// is present but not a number.
std::optional<std::string> compression_name(const tiff::Ifd& ifd);

// GDAL's data type name for a sample of `bits` bits in TIFF SampleFormat `format`
// (1 unsigned, 2 signed, 3 IEEE float, 5 complex signed, 6 complex float; 4 void
// and unknown formats read as unsigned), as the GTiff driver maps them
// (gtiffrasterband.cpp, gtiffoddbitsband.cpp): 1-7 bits Byte; 8 Byte / Int8;
// 9-15 UInt16; 16 UInt16 / Int16 / Float32 (half floats are read as Float32);
// 17-31 UInt32, 24-bit float Float32; 32 UInt32 / Int32 / Float32 / CInt16;
// 64 UInt64 / Int64 / Float64 / CInt32 / CFloat32; 128 CFloat64. nullopt for
// anything GDAL cannot open (0 bits, 12-bit float, 48 bits, …).
// GDAL before 3.7 reports signed 8-bit as Byte with PIXELTYPE=SIGNEDBYTE.
std::optional<std::string_view> data_type_name(uint64_t bits, uint64_t format);
// data_type_name of the IFD's first BitsPerSample and SampleFormat values.
std::optional<std::string_view> data_type(const tiff::Ifd& ifd);

// SamplesPerPixel (default 1): GDAL's band count except for the images GDAL
// opens through libtiff's RGBA interface (old-style JPEG, subsampled YCbCr
// without JPEG), which it shows as 4 bands.
std::optional<uint64_t> band_count(const tiff::Ifd& ifd);

// Whether the IFD is tiled: TileWidth or TileLength present (libtiff's
// TIFF_ISTILED rule, tif_dirread.c), else it is stored in strips.
bool tiled(const tiff::Ifd& ifd);

// NewSubfileType (254), or the old SubfileType (255) mapped as libtiff does
// (2 reduced image -> 1, 3 page -> 2) when 254 is absent; default 0.
// Bit 1: reduced-resolution image; bit 4: transparency mask (TIFF 6.0 p. 36).
uint64_t subfile_type(const tiff::Ifd& ifd);

// The main image's overviews and internal mask, found as GDAL's
// GTiffDataset::ScanDirectories does. The main image is IFD 0. Candidates are
// the SubIFDs of IFD 0 plus the later main-chain IFDs that have no SubIFDs tag.
//   overview: subfile_type has bit 1 and not bit 4, the same band count as the
//             main image, width and height set (GDAL stops at 30);
//   mask:     the first candidate with bit 4 and not bit 1, 1 band or as many as
//             the main image, the main image's width and height, and data type Byte.
//   overview mask: bits 1 and 4, the mask rule with the size of the first overview
//             read before it that has no mask yet.
struct Pyramid {
  std::vector<size_t> overviews;  // indices in Header::ifds, in file order
  std::optional<size_t> mask;     // index in Header::ifds of the main image's mask
  std::vector<std::optional<size_t>> overview_masks;  // parallel to overviews
};
Pyramid pyramid(const tiff::Header& header);

// ImageWidth (256) or ImageLength (257): its first value, 0 when absent or not a number
// (GDAL cannot open such an IFD).
uint64_t dimension(const tiff::Ifd& ifd, uint16_t code);

// GDAL_NODATA (tag 42113) of the IFD as a double, read as GDAL's CPLAtofM does:
// leading blanks skipped, "nan", "inf", "-inf", "+inf" and the MSVC spellings
// "1.#INF", "-1.#INF", "1.#QNAN", "-1.#IND" understood (case-insensitive), the
// longest leading number taken and the rest ignored. nullopt when the tag is
// absent, not ASCII, or does not start with a number (GDAL would say 0).
std::optional<double> nodata(const tiff::Ifd& ifd);
// The same reading of one text.
std::optional<double> parse_gdal_double(std::string_view text);

}  // namespace td::catalog
