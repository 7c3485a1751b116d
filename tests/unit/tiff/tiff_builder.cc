#include "tiff_builder.h"

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace td::tiff::testing {

size_t TiffBuilder::add_ifd(uint64_t at) {
  ifds_.push_back(IfdSpec{at, std::nullopt, std::nullopt, {}});
  return ifds_.size() - 1;
}

std::vector<uint8_t> TiffBuilder::encode(uint64_t v, unsigned size) const {
  std::vector<uint8_t> b(size);
  for (unsigned i = 0; i < size; ++i) {
    unsigned shift = 8 * (order_ == ByteOrder::little ? i : size - 1 - i);
    b[i] = static_cast<uint8_t>(v >> shift);
  }
  return b;
}

void TiffBuilder::put(std::vector<uint8_t>& out, uint64_t offset, uint64_t v,
                      unsigned size) const {
  auto b = encode(v, size);
  if (out.size() < offset + size) out.resize(offset + size);
  std::memcpy(out.data() + offset, b.data(), size);
}

TiffBuilder& TiffBuilder::uints(uint16_t code, uint16_t type, const std::vector<uint64_t>& v) {
  unsigned size = field_type_size(type);
  std::vector<uint8_t> bytes;
  for (auto x : v) {
    auto b = encode(x, size);
    bytes.insert(bytes.end(), b.begin(), b.end());
  }
  return raw(code, type, v.size(), std::move(bytes));
}

TiffBuilder& TiffBuilder::sints(uint16_t code, uint16_t type, const std::vector<int64_t>& v) {
  std::vector<uint64_t> u(v.begin(), v.end());
  return uints(code, type, u);
}

TiffBuilder& TiffBuilder::floats(uint16_t code, uint16_t type, const std::vector<double>& v) {
  std::vector<uint64_t> u;
  for (double d : v) {
    u.push_back(type == 11 ? std::bit_cast<uint32_t>(static_cast<float>(d))
                           : std::bit_cast<uint64_t>(d));
  }
  return uints(code, type, u);
}

TiffBuilder& TiffBuilder::rationals(uint16_t code, uint16_t type,
                                    const std::vector<std::pair<int64_t, int64_t>>& v) {
  std::vector<uint8_t> bytes;
  for (auto [n, d] : v) {
    for (auto x : {n, d}) {
      auto b = encode(static_cast<uint64_t>(x), 4);
      bytes.insert(bytes.end(), b.begin(), b.end());
    }
  }
  return raw(code, type, v.size(), std::move(bytes));
}

TiffBuilder& TiffBuilder::ascii(uint16_t code, const std::string& s, bool terminate) {
  std::vector<uint8_t> bytes(s.begin(), s.end());
  if (terminate) bytes.push_back(0);
  uint64_t count = bytes.size();
  return raw(code, 2, count, std::move(bytes));
}

TiffBuilder& TiffBuilder::raw(uint16_t code, uint16_t type, uint64_t count,
                              std::vector<uint8_t> bytes) {
  if (ifds_.empty()) throw std::logic_error("add_ifd() first");
  ifds_.back().entries.push_back(Entry{code, type, count, std::move(bytes), std::nullopt});
  return *this;
}

TiffBuilder& TiffBuilder::field(uint16_t code, uint16_t type, uint64_t count,
                                uint64_t value_field) {
  if (ifds_.empty()) throw std::logic_error("add_ifd() first");
  ifds_.back().entries.push_back(Entry{code, type, count, {}, value_field});
  return *this;
}

std::vector<uint8_t> TiffBuilder::build() const {
  const unsigned off_size = bigtiff_ ? 8 : 4, count_size = bigtiff_ ? 8 : 2;
  const unsigned entry_size = bigtiff_ ? 20 : 12;
  std::vector<uint8_t> out(header_size());
  out[0] = out[1] = order_ == ByteOrder::little ? 'I' : 'M';
  put(out, 2, bigtiff_ ? 43 : 42, 2);
  if (bigtiff_) {
    put(out, 4, 8, 2);
    put(out, 6, 0, 2);
  }
  if (gdal_body_) {
    char line[64];
    std::snprintf(line, sizeof line, "GDAL_STRUCTURAL_METADATA_SIZE=%06zu bytes\n",
                  gdal_body_->size());
    std::string block = std::string(line) + *gdal_body_;
    out.insert(out.end(), block.begin(), block.end());
  }

  // Layout: every IFD, then (unless placed elsewhere) its out-of-line values.
  std::vector<uint64_t> ifd_offsets;
  std::vector<std::vector<uint64_t>> value_offsets(ifds_.size());
  uint64_t pos = out.size();
  for (size_t i = 0; i < ifds_.size(); ++i) {
    const IfdSpec& ifd = ifds_[i];
    uint64_t at = ifd.at ? ifd.at : (pos + 1) / 2 * 2;
    ifd_offsets.push_back(at);
    uint64_t end = at + ifd_size(ifd.entries.size());
    uint64_t vpos = ifd.values_at.value_or(end);
    for (const Entry& e : ifd.entries) {
      if (!e.value_field && e.payload.size() > off_size) {
        vpos = (vpos + 1) / 2 * 2;
        value_offsets[i].push_back(vpos);
        vpos += e.payload.size();
      } else {
        value_offsets[i].push_back(0);
      }
    }
    pos = std::max({pos, end, vpos});
  }
  for (size_t i = 0; i < ifds_.size(); ++i) {
    const IfdSpec& ifd = ifds_[i];
    uint64_t p = ifd_offsets[i];
    put(out, p, ifd.entries.size(), count_size);
    p += count_size;
    for (size_t k = 0; k < ifd.entries.size(); ++k, p += entry_size) {
      const Entry& e = ifd.entries[k];
      put(out, p, e.code, 2);
      put(out, p + 2, e.type, 2);
      put(out, p + 4, e.count, bigtiff_ ? 8 : 4);
      const uint64_t field_at = p + (bigtiff_ ? 12 : 8);
      if (e.value_field) {
        put(out, field_at, *e.value_field, off_size);
      } else if (e.payload.size() > off_size) {
        put(out, field_at, value_offsets[i][k], off_size);
        if (out.size() < value_offsets[i][k] + e.payload.size()) {
          out.resize(value_offsets[i][k] + e.payload.size());
        }
        std::memcpy(out.data() + value_offsets[i][k], e.payload.data(), e.payload.size());
      } else {
        put(out, field_at, 0, off_size);
        if (!e.payload.empty()) {
          std::memcpy(out.data() + field_at, e.payload.data(), e.payload.size());
        }
      }
    }
    uint64_t next = i + 1 < ifds_.size() ? ifd_offsets[i + 1] : 0;
    put(out, p, ifd.next_override.value_or(next), off_size);
  }
  uint64_t first = ifds_.empty() ? 0 : ifd_offsets[0];
  put(out, bigtiff_ ? 8 : 4, first_ifd_override_.value_or(first), off_size);
  if (out.size() < min_size_) out.resize(min_size_);
  return out;
}

}  // namespace td::tiff::testing
