// Is the file a Cloud Optimized GeoTIFF, and is its image data where the header says?
// Both answers come from the parsed header alone (the IFDs, their strip/tile byte ranges
// in tiff::Ifd::block_offsets / block_byte_counts, the GDAL structural metadata block),
// with no read of image data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "catalog/image_structure.h"
#include "tiff/header.h"

namespace td::catalog {

// One finding of the COG check: a stable code and a one-line text with the figures.
struct CogFinding {
  std::string code;
  std::string message;
  bool operator==(const CogFinding&) const = default;
};

// The verdict of GDAL's validate_cloud_optimized_geotiff.py (GDAL 3.6,
// osgeo_utils/samples; its full check, which it runs on local files), from the header.
// The main image is IFD 0, its overviews and masks those of `pyramid` (GDAL's rules).
// Error codes, in the order the script checks:
//   not_tiled                 the image is wider or taller than 512 pixels, and its blocks
//                             are as wide as the image and wider than 1024 (strips)
//   known_incompatible_edition  the GDAL structural metadata says
//                             KNOWN_INCOMPATIBLE_EDITION=YES (the file was edited after
//                             being written as a COG)
//   main_ifd_not_first        IFD 0 is not right after the file header (and the GDAL
//                             structural metadata block, when there is one)
//   overview_larger           an overview larger than the image or the overview before it
//   overview_not_tiled        an overview whose blocks are as wide as it and wider than 1024
//   ifd_order                 an overview's IFD before the previous level's IFD
//   data_before_ifd           the smallest overview's (or the image's) first block before
//                             its IFD
//   overview_data_order       an overview's first block before the next smaller one's
//   main_data_order           the image's first block before the last overview's
//   block_order               BLOCK_ORDER=ROW_MAJOR declared, and a block's offset below
//                             the previous block's (row-major order, band 1, masks included)
//   mask_block_size           MASK_INTERLEAVED_WITH_IMAGERY=YES declared, and the mask's
//                             blocks differ in size from the image's
//   mask_not_interleaved      MASK_INTERLEAVED_WITH_IMAGERY=YES declared, and a mask block
//                             does not follow its image block (leader and trailer counted)
// The script reports block_order and the mask errors once per block; here each code comes
// once per image (main, mask, overview i) with the first block and the count.
// Warning code: no_overviews (wider or taller than 512 pixels, no overview).
// Not checked, as they need image data: the block leader (BLOCK_LEADER=SIZE_AS_UINT4) and
// trailer (BLOCK_TRAILER=LAST_4_BYTES_REPEATED) bytes; their codes block_leader and
// block_trailer are listed in `not_checked` when the file declares them. Nor is a sibling
// .ovr file looked for (the script's external-overviews error).
struct CogVerdict {
  bool valid = true;  // no errors
  std::vector<CogFinding> errors, warnings;
  std::vector<std::string> not_checked;
};
// Requires a header with at least one IFD.
CogVerdict cog_verdict(const tiff::Header& header, const Pyramid& pyramid);

// Whether the image data the header points at can be where it says (checks no COG
// validator makes), over the block ranges of every IFD read (overviews and masks
// included). An exact repeat of a range is counted as shared, not overlapping: writers
// may store identical blocks once.
struct BlockIntegrity {
  uint64_t count = 0;        // blocks listed
  uint64_t sparse = 0;       // empty: offset 0 or byte count 0 (GDAL's SPARSE_OK tiles)
  std::optional<uint64_t> past_object_end;  // ranges ending past the object's size
                                            // (a truncated upload); nullopt: size unknown
  uint64_t overlapping = 0;  // ranges starting inside an earlier one (by offset), not equal
  uint64_t shared = 0;       // ranges equal to an earlier one
};
// object_size: bytes in the object, from the listing, when known.
BlockIntegrity block_integrity(const tiff::Header& header, std::optional<uint64_t> object_size);

}  // namespace td::catalog
