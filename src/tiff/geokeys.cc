#include "tiff/geokeys.h"

#include <algorithm>
#include <string>
#include <vector>

#include "tiff/tags.h"

namespace td::tiff {
namespace {

// [offset, offset + count) of a sequence of `size` elements, clamped to it.
template <typename Seq>
Seq slice(const Seq& all, uint64_t offset, uint64_t count) {
  uint64_t start = std::min<uint64_t>(offset, all.size());
  uint64_t len = std::min<uint64_t>(count, all.size() - start);
  return Seq(all.begin() + static_cast<ptrdiff_t>(start),
             all.begin() + static_cast<ptrdiff_t>(start + len));
}

// Values of a key stored in another tag (GeoDoubleParams, GeoAsciiParams or, rarely,
// any other tag of the IFD).
decltype(GeoKey::value) values_from_tag(const Tag& t, uint64_t offset, uint64_t count) {
  if (auto* s = std::get_if<std::string>(&t.values)) {
    std::string piece = slice(*s, offset, count);
    if (!piece.empty() && piece.back() == '|') piece.pop_back();  // GeoAsciiParams separator
    return piece;
  }
  if (auto* u = std::get_if<std::vector<uint64_t>>(&t.values)) return slice(*u, offset, count);
  return slice(t.as_doubles(), offset, count);  // doubles, rationals, signed: as doubles
}

}  // namespace

std::optional<GeoKeyDirectory> decode_geokeys(const Ifd& ifd) {
  const Tag* dir_tag = ifd.find(tag::geo_key_directory);
  if (dir_tag == nullptr) return std::nullopt;
  const auto* dir = std::get_if<std::vector<uint64_t>>(&dir_tag->values);
  if (dir == nullptr || dir->size() < 4) return std::nullopt;

  GeoKeyDirectory out;
  out.version = static_cast<uint16_t>((*dir)[0]);
  out.revision_major = static_cast<uint16_t>((*dir)[1]);
  out.revision_minor = static_cast<uint16_t>((*dir)[2]);
  // The declared key count may exceed the entries present; decode those that exist.
  uint64_t n = std::min<uint64_t>((*dir)[3], (dir->size() - 4) / 4);
  out.keys.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t* e = dir->data() + 4 + 4 * i;
    GeoKey key;
    key.id = static_cast<uint16_t>(e[0]);
    const uint64_t location = e[1], count = e[2], value = e[3];
    if (location == 0) {
      key.value = std::vector<uint64_t>{value};  // the value is the offset field itself
    } else if (location == tag::geo_key_directory) {
      key.value = slice(*dir, value, count);
    } else if (const Tag* t = location <= 0xFFFF ? ifd.find(static_cast<uint16_t>(location))
                                                 : nullptr;
               t != nullptr && t->loaded()) {
      key.value = values_from_tag(*t, value, count);
    } else if (location == tag::geo_double_params) {
      key.value = std::vector<double>{};  // the params tag is missing: keep the id
    } else if (location == tag::geo_ascii_params) {
      key.value = std::string{};
    } else {
      key.value = std::vector<uint64_t>{};
    }
    out.keys.push_back(std::move(key));
  }
  return out;
}

}  // namespace td::tiff
