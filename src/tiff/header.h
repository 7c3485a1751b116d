// The decoded header of one TIFF / BigTIFF file: every IFD of the main chain and
// their SubIFDs with every tag, plus the decoded GeoTIFF keys. Pure data; produced by
// HeaderReader (header_reader.h), consumed by the row builder and `info`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace td::tiff {

enum class ByteOrder { little, big };  // "II" / "MM"

// TIFF 6.0 + BigTIFF field types. 14 and 15 are unassigned; any other value
// is kept as-is in Tag::type_code with no decoded values.
enum class FieldType : uint16_t {
  byte = 1, ascii = 2, short_ = 3, long_ = 4, rational = 5, sbyte = 6,
  undefined = 7, sshort = 8, slong = 9, srational = 10, float_ = 11,
  double_ = 12, ifd = 13, long8 = 16, slong8 = 17, ifd8 = 18,
};

// Size in bytes of one value of a field type, or 0 for an unknown type.
uint32_t field_type_size(uint16_t type_code);
// Name of a field type as TIFF 6.0 section 2 and BigTIFF spell it ("BYTE", "LONG8"), or
// nullptr for an unknown type.
const char* field_type_name(uint16_t type_code);

struct Rational { int64_t numerator; int64_t denominator; };

// Decoded values of one tag. Which alternative holds depends on the type:
//   unsigned ints (BYTE, SHORT, LONG, IFD, LONG8, IFD8) -> std::vector<uint64_t>
//   signed ints (SBYTE, SSHORT, SLONG, SLONG8)          -> std::vector<int64_t>
//   FLOAT, DOUBLE                                        -> std::vector<double>
//   RATIONAL, SRATIONAL                                  -> std::vector<Rational>
//   ASCII                                                -> std::string (all NULs
//       kept except one trailing terminator; multiple strings stay NUL-separated)
//   UNDEFINED                                            -> std::vector<uint8_t>
//   not loaded (strip/tile offset and byte-count arrays: decoded into Ifd::block_offsets and
//   block_byte_counts instead; values past the end or over a budget (see Header::warnings),
//   unknown type)
//                                                        -> std::monostate
using TagValues = std::variant<std::monostate, std::vector<uint64_t>, std::vector<int64_t>,
                               std::vector<double>, std::vector<Rational>, std::string,
                               std::vector<uint8_t>>;

struct Tag {
  uint16_t code = 0;
  uint16_t type_code = 0;  // raw field type as stored in the file
  uint64_t count = 0;      // true count from the directory entry
  TagValues values;        // monostate when not loaded (see above)

  bool loaded() const { return values.index() != 0; }
  // First value as an unsigned/signed/double number, if the tag is numeric.
  std::optional<uint64_t> first_uint() const;
  std::optional<double> first_double() const;  // rationals divided out
  // All numeric values converted (rationals divided out); empty if not numeric.
  std::vector<double> as_doubles() const;
  std::vector<int64_t> as_ints() const;
};

// One IFD of the main chain or a SubIFD (tag 330, Adobe TIFF Technical Note 1: a list of
// child IFD offsets of type LONG or IFD, or LONG8/IFD8 in BigTIFF; OME-TIFF, DNG and COG-like
// pyramids keep reduced resolutions there). Where it came from:
//   chain_index   index in the main chain of this IFD, or of the top-level IFD it hangs from
//   parent        nullopt for a main-chain IFD; for a SubIFD, the index in Header::ifds of
//                 the IFD whose SubIFDs tag lists it
//   subifd_index  for a SubIFD, its position in that parent's SubIFDs list (0-based)
struct Ifd {
  uint64_t offset = 0;          // file offset of this IFD
  uint32_t chain_index = 0;
  std::optional<uint32_t> parent;
  std::optional<uint32_t> subifd_index;
  std::vector<Tag> tags;        // in file order
  // The IFD's image data as byte ranges, one per strip or tile (TIFF 6.0 sections 3 and
  // 15): TileOffsets/TileByteCounts when the IFD is tiled (TileWidth or TileLength present,
  // libtiff's TIFF_ISTILED), else StripOffsets/StripByteCounts, widened to 64 bits; element
  // i of one pairs with element i of the other, both cut to the shorter. Offset 0 or byte
  // count 0 is an empty (sparse) block. Empty when the IFD has no such arrays or they could
  // not be read or kept (Header::warnings says why). The tags themselves stay not loaded.
  std::vector<uint64_t> block_offsets, block_byte_counts;
  const Tag* find(uint16_t code) const;  // first tag with this code, or nullptr
};

// SubIFDs of SubIFDs are followed this deep (1: only a main-chain IFD's own SubIFDs).
inline constexpr uint32_t kMaxSubIfdDepth = 4;

// One decoded GeoKey. Value is a SHORT list (usually one), a DOUBLE list, an ASCII string
// (GeoAsciiParams pieces have the trailing '|' removed), or monostate (null) when the key
// points at a GeoDoubleParams / GeoAsciiParams tag the IFD does not have (or could not load).
struct GeoKey {
  uint16_t id = 0;
  std::variant<std::vector<uint64_t>, std::vector<double>, std::string, std::monostate> value;
};

struct GeoKeyDirectory {
  uint16_t version = 0, revision_major = 0, revision_minor = 0;
  std::vector<GeoKey> keys;  // in directory order, repeated ids included
  // The key with this id; when the directory repeats it, the last one, as libgeotiff
  // (geo_new.c: gt_keyindex[id] is overwritten in directory order) and tifffile
  // (TiffPage.geotiff_tags: result[key] = value in order) resolve it.
  const GeoKey* find(uint16_t id) const;
};

// Something the reader skipped while keeping the rest of the header: a tag value it could
// not load, or the reason the IFD chain ended early. Salvage rule (README, "What is kept
// when a file is damaged"): damage to the file header or IFD 0's entry table is an Error;
// damage past it is a Warning and the row keeps everything else, as libtiff, tifffile and
// GDAL keep the IFDs read before a bad link. A SubIFD that cannot be read (past the end, a
// loop, empty, truncated, over a budget, nested too deep) gets the same kinds, on its parent
// with tag 330; it and its own SubIFDs are skipped, the rest is kept.
//   kind:    tag_value_out_of_bounds  a value past the end of the object or whose count
//                                     overflows; the tag is kept, not loaded
//            ifd_link_out_of_bounds   a next-IFD offset past the end; the chain ends
//            ifd_truncated            a later IFD cut short by the end of the object
//            ifd_empty                a later IFD with no entries
//            ifd_loop                 a next-IFD (or SubIFD) offset revisits an IFD already read
//            ifd_budget_reached       Limits::max_ifds IFDs read (SubIFDs count); the chain
//                                     ends; or SubIFDs nested deeper than kMaxSubIfdDepth
//            metadata_budget_reached  Limits::max_bytes or the decoded-memory budget is
//                                     spent; what needs more is not loaded
//            more_warnings            more than 8 tags of one IFD have warnings: the
//                                     first 8 are listed, this one counts the rest
//            crs_not_built            (row level) the GeoKeys define no CRS PROJ can build:
//                                     `crs_projjson` and `crs_epsg` are null
//            footprint_not_computed   (row level) PROJ cannot place the image on Earth (no
//                                     transformation to WGS 84, points that fail)
//            transform_from_gcps      (row level) tiepoints but no ModelPixelScale or
//                                     ModelTransformation: `transform` is null
//            value_not_loaded         (row level) values left out of `other_tags` to
//                                     keep the row within its memory budget
//   ifd:     index in Header::ifds of the IFD concerned (for a chain that ends: the last
//            main-chain IFD kept; for a SubIFD skipped: its parent)
//   tag:     tag code, when one tag is concerned
//   message: human-readable detail (offsets, counts, sizes)
struct Warning {
  std::string kind;
  uint32_t ifd = 0;
  std::optional<uint16_t> tag;
  std::string message;
  bool operator==(const Warning&) const = default;
};

// The GDAL structural metadata block's first line: "GDAL_STRUCTURAL_METADATA_SIZE=" and
// 6 characters giving the size of what follows, then " bytes\n" (43 bytes in all).
inline constexpr std::string_view kGdalMetadataPrefix = "GDAL_STRUCTURAL_METADATA_SIZE=";
inline constexpr size_t kGdalMetadataLineLength = 43;
// The size that line declares, when `text` starts with it: the 6 characters read as
// Python's int() reads them, as GDAL's validate_cloud_optimized_geotiff.py does (blanks
// around, a leading '+', '_' between digits). nullopt when `text` is shorter than the
// line, lacks the prefix, or the 6 characters are not a number >= 0.
std::optional<uint64_t> gdal_metadata_declared_size(std::string_view text);

struct Header {
  ByteOrder byte_order = ByteOrder::little;
  bool bigtiff = false;
  // Every IFD read: the main chain in order, each IFD followed by its SubIFDs (depth
  // first, in SubIFDs-tag order) before the next main-chain IFD. ifds[0] is IFD 0.
  std::vector<Ifd> ifds;
  // GeoKeys of the first IFD that carries a GeoKeyDirectoryTag (34735).
  std::optional<GeoKeyDirectory> geokeys;
  // Text of the GDAL structural metadata block right after the file header
  // ("GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\nLAYOUT=IFDS_BEFORE_DATA\n...").
  std::optional<std::string> gdal_structural_metadata;
  // Where image data starts: the smallest non-zero StripOffsets/TileOffsets element whose
  // StripByteCounts/TileByteCounts element is non-zero, over every element of every IFD
  // (TIFF 6.0 section 3 and 15; empty tiles of a sparse COG, offset 0 and count 0, are
  // skipped). nullopt if no IFD has data or its arrays could not be read (a warning).
  std::optional<uint64_t> first_data_offset;
  // One past the last metadata byte: the file header, the GDAL block, every IFD's entry
  // table and every out-of-line tag value read, strip/tile offset and byte-count arrays
  // in full. Values past the end of the object (warnings) are not counted. This is the
  // `header_bytes` column: reading [0, metadata_end) reads all metadata when it precedes
  // the data (a COG); a file whose metadata follows the data gets metadata_end past
  // first_data_offset.
  uint64_t metadata_end = 0;
  // Bytes the metadata occupies (file header, IFDs, out-of-line values, each byte once);
  // memory budgets are multiples of it. 0 when unknown (a Header built by hand).
  uint64_t span_bytes = 0;
  // What was skipped, in the order met (see Warning); empty for an undamaged file.
  std::vector<Warning> warnings;
};

}  // namespace td::tiff
