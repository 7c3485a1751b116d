// Test-side TIFF writer: builds classic or BigTIFF files of either byte order from IFDs
// of arbitrary entries (any type code, any count, raw or encoded values), so tests can
// craft exactly the bytes they need, including malformed ones.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "tiff/header.h"

namespace td::tiff::testing {

class TiffBuilder {
 public:
  explicit TiffBuilder(ByteOrder order = ByteOrder::little, bool bigtiff = false)
      : order_(order), bigtiff_(bigtiff) {}

  // Starts a new IFD at the end of the chain; returns its index. `at`: fixed file offset
  // (0 = right after what precedes it).
  size_t add_ifd(uint64_t at = 0);
  // Places the out-of-line values of IFD `ifd` from this offset on (default: after the IFD).
  void set_values_at(size_t ifd, uint64_t offset) { ifds_.at(ifd).values_at = offset; }
  void set_next_ifd(size_t ifd, uint64_t offset) { ifds_.at(ifd).next_override = offset; }
  void set_first_ifd(uint64_t offset) { first_ifd_override_ = offset; }
  // Writes a GDAL structural-metadata block ("GDAL_STRUCTURAL_METADATA_SIZE=...") after the header.
  void set_gdal_metadata(const std::string& body) { gdal_body_ = body; }
  // Pads the file with zero bytes to at least `size` bytes.
  void pad_to(uint64_t size) { min_size_ = size; }

  // Entries of the last added IFD. Values are encoded in the builder's byte order.
  TiffBuilder& uints(uint16_t code, uint16_t type, const std::vector<uint64_t>& v);
  TiffBuilder& sints(uint16_t code, uint16_t type, const std::vector<int64_t>& v);
  TiffBuilder& floats(uint16_t code, uint16_t type, const std::vector<double>& v);
  TiffBuilder& rationals(uint16_t code, uint16_t type,
                         const std::vector<std::pair<int64_t, int64_t>>& v);
  TiffBuilder& ascii(uint16_t code, const std::string& s, bool terminate = true);
  TiffBuilder& raw(uint16_t code, uint16_t type, uint64_t count, std::vector<uint8_t> bytes);
  // An entry whose value/offset field is given verbatim (no payload is written).
  TiffBuilder& field(uint16_t code, uint16_t type, uint64_t count, uint64_t value_field);

  std::vector<uint8_t> build() const;

  // Encoded size of the file header, an IFD with n entries, the inline-value capacity.
  uint64_t header_size() const { return bigtiff_ ? 16 : 8; }
  uint64_t ifd_size(uint64_t n) const { return bigtiff_ ? 16 + 20 * n : 6 + 12 * n; }

 private:
  struct Entry {
    uint16_t code, type;
    uint64_t count;
    std::vector<uint8_t> payload;
    std::optional<uint64_t> value_field;
  };
  struct IfdSpec {
    uint64_t at = 0;
    std::optional<uint64_t> values_at, next_override;
    std::vector<Entry> entries;
  };
  void put(std::vector<uint8_t>& out, uint64_t offset, uint64_t v, unsigned size) const;
  std::vector<uint8_t> encode(uint64_t v, unsigned size) const;

  ByteOrder order_;
  bool bigtiff_;
  std::vector<IfdSpec> ifds_;
  std::optional<uint64_t> first_ifd_override_;
  std::optional<std::string> gdal_body_;
  uint64_t min_size_ = 0;
};

}  // namespace td::tiff::testing
