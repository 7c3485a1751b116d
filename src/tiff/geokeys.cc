#include "tiff/geokeys.h"

#include <algorithm>
#include <limits>
#include <string>
#include <type_traits>
#include <vector>

#include "tiff/tags.h"

namespace td::tiff {
namespace {

using KeyValue = decltype(GeoKey::value);

// Keys may point anywhere into the params tags, overlapping freely. Legitimate files never
// decode more values than the directory and params tags hold; this budget keeps crafted
// ones (a million keys each taking a million doubles) from multiplying memory and time.
class Slicer {
 public:
  Slicer(uint64_t budget, uint64_t byte_budget) : budget_(budget), byte_budget_(byte_budget) {}

  // [offset, offset + count) of `all`, clamped to it and to the remaining budget.
  template <typename Out, typename Seq>
  Out slice(const Seq& all, uint64_t offset, uint64_t count) {
    const uint64_t start = std::min<uint64_t>(offset, all.size());
    const uint64_t len = std::min({count, all.size() - start, budget_});
    budget_ -= len;
    charge(len * sizeof(typename Out::value_type));
    if (over_) return Out{};  // the directory is dropped anyway: do not allocate
    Out out;
    out.reserve(len);
    for (uint64_t i = start; i < start + len; ++i) out.push_back(convert<Out>(all[i]));
    return out;
  }

  // Counts memory against the byte budget; the caller drops the directory once over_budget().
  void charge(uint64_t bytes) {
    bytes_ += bytes;
    if (bytes_ > byte_budget_) over_ = true;
  }
  bool over_budget() const { return over_; }
  uint64_t bytes() const { return bytes_; }

 private:
  template <typename Out, typename T>
  static typename Out::value_type convert(const T& v) {
    if constexpr (std::is_same_v<T, Rational>) {
      if (v.denominator == 0) return std::numeric_limits<double>::quiet_NaN();
      return static_cast<double>(v.numerator) / static_cast<double>(v.denominator);
    } else {
      return static_cast<typename Out::value_type>(v);
    }
  }
  uint64_t budget_;
  uint64_t byte_budget_;
  uint64_t bytes_ = 0;
  bool over_ = false;
};

// Values of a key stored in a params tag: GeoDoubleParams, GeoAsciiParams or the
// directory itself.
KeyValue values_from_tag(const Tag& t, uint64_t offset, uint64_t count, Slicer& slicer) {
  using U = std::vector<uint64_t>;
  using D = std::vector<double>;
  return std::visit(
      [&](const auto& v) -> KeyValue {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::string>) {
          std::string piece = slicer.slice<std::string>(v, offset, count);
          if (!piece.empty() && piece.back() == '|') piece.pop_back();  // piece separator
          return piece;
        } else if constexpr (std::is_same_v<V, U> || std::is_same_v<V, std::vector<uint8_t>>) {
          return slicer.slice<U>(v, offset, count);
        } else if constexpr (std::is_same_v<V, std::monostate>) {
          return U{};
        } else {  // doubles, rationals, signed integers: as doubles
          return slicer.slice<D>(v, offset, count);
        }
      },
      t.values);
}

uint64_t value_count(const Tag& t) {
  return std::visit(
      [](const auto& v) -> uint64_t {
        if constexpr (std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
          return 0;
        } else {
          return v.size();
        }
      },
      t.values);
}

std::string key_name(uint16_t id) {
  const GeoKeyInfo* info = geokey_info(id);
  return "GeoKey " + std::to_string(id) + (info ? std::string(" (") + info->spec_name + ")" : std::string());
}

void add_warning(GeoKeyDecode& out, const char* kind, std::string message) {
  if (out.warnings.size() < kMaxGeoKeyWarnings) {
    out.warnings.push_back({kind, std::move(message)});
  } else {
    ++out.more_warnings;
  }
}

}  // namespace

std::optional<GeoKeyDirectory> decode_geokeys(const Ifd& ifd) {
  return decode_geokeys(ifd, std::numeric_limits<uint64_t>::max()).dir;
}

GeoKeyDecode decode_geokeys(const Ifd& ifd, uint64_t byte_budget) {
  const Tag* dir_tag = ifd.find(tag::geo_key_directory);
  if (dir_tag == nullptr) return {};
  const auto* dir = std::get_if<std::vector<uint64_t>>(&dir_tag->values);
  if (dir == nullptr || dir->size() < 4) return {};

  // First tag of each code, sorted by code: keys may name any tag. Sorting
  // costs fewer allocations than a hash map's nodes and stays O(n log n) for
  // a hostile IFD of hundreds of thousands of tags.
  std::vector<const Tag*> first_of_code;
  first_of_code.reserve(ifd.tags.size());
  for (const Tag& t : ifd.tags) first_of_code.push_back(&t);
  const auto by_code = [](const Tag* a, const Tag* b) { return a->code < b->code; };
  std::stable_sort(first_of_code.begin(), first_of_code.end(), by_code);  // stable: the first of a code leads
  first_of_code.erase(std::unique(first_of_code.begin(), first_of_code.end(),
                                  [](const Tag* a, const Tag* b) { return a->code == b->code; }),
                      first_of_code.end());
  auto tag_with = [&first_of_code](uint64_t code) -> const Tag* {
    auto it = std::lower_bound(first_of_code.begin(), first_of_code.end(), code,
                               [](const Tag* t, uint64_t c) { return t->code < c; });
    return it != first_of_code.end() && (*it)->code == code ? *it : nullptr;
  };
  uint64_t budget = 0;  // what the IFD holds, the directory included
  for (const Tag* t : first_of_code) budget += value_count(*t);
  Slicer slicer(budget, byte_budget);

  GeoKeyDecode result;
  GeoKeyDirectory out;
  out.version = static_cast<uint16_t>((*dir)[0]);
  out.revision_major = static_cast<uint16_t>((*dir)[1]);
  out.revision_minor = static_cast<uint16_t>((*dir)[2]);
  // The declared key count may exceed the entries present; decode those that exist.
  const uint64_t n = std::min<uint64_t>((*dir)[3], (dir->size() - 4) / 4);
  slicer.charge(n * sizeof(GeoKey) + first_of_code.capacity() * sizeof(const Tag*));
  if (slicer.over_budget()) return {std::nullopt, slicer.bytes(), true, {}, 0};
  out.keys.reserve(n);
  std::vector<bool> seen(0x10000);
  for (uint64_t i = 0; i < n; ++i) {
    const uint64_t* e = dir->data() + 4 + 4 * i;
    GeoKey key;
    key.id = static_cast<uint16_t>(e[0]);
    const uint64_t location = e[1], count = e[2], value = e[3];
    const Tag* found = location != 0 && location <= 0xFFFF ? tag_with(location) : nullptr;
    if (location == 0 && count != 1) {  // libgeotiff: "only 1 is legal"
      add_warning(result, "geokey_invalid",
                  key_name(key.id) + " has TIFFTagLocation 0 and count " + std::to_string(count) +
                      ", whereas only 1 is legal; the key is ignored");
      continue;
    }
    const bool params_tag = location == tag::geo_key_directory || location == tag::geo_double_params ||
                            location == tag::geo_ascii_params;
    if (location != 0 && !params_tag) {  // libgeotiff: any other location fails the key
      add_warning(result, "geokey_invalid",
                  key_name(key.id) + " has TIFFTagLocation " + std::to_string(location) +
                      ", which is none of 0, 34735, 34736, 34737; the key is ignored");
      continue;
    }
    if (location != 0 && count == 0) {  // libgeotiff keeps it, with no value
      add_warning(result, "geokey_invalid",
                  key_name(key.id) + " points at tag " + std::to_string(location) +
                      " with count 0; the key is kept with no value");
    }
    if (location == 0) {
      key.value = std::vector<uint64_t>{value};  // the value is the offset field itself
      slicer.charge(sizeof(uint64_t));
    } else if (found && found->loaded()) {
      // Where the values lie in the params tag (the directory itself for 34735: some
      // writers keep SHORT lists there), as libgeotiff bounds them.
      const uint64_t size = value_count(*found);
      // Past the end: libgeotiff rejects numbers (the key is left out here) and cuts text
      // to what GeoAsciiParams holds, silently when one character short (the writers'
      // missing '|'), with a warning otherwise.
      const bool ascii = location == tag::geo_ascii_params;
      const bool starts_past = value >= size && !(ascii && value == size && count == 1);
      const bool runs_past = !starts_past && count > size - std::min(value, size);
      if (starts_past || (runs_past && !ascii)) {
        add_warning(result, "geokey_invalid",
                    key_name(key.id) + " asks for " + std::to_string(count) + " values from value " +
                        std::to_string(value) + " of tag " + std::to_string(location) + ", which holds " +
                        std::to_string(size) + "; the key is ignored");
        continue;
      }
      if (runs_past && count - (size - value) > 1) {
        add_warning(result, "geokey_invalid",
                    key_name(key.id) + " asks for " + std::to_string(count) + " characters from " +
                        std::to_string(value) + " of GeoAsciiParams, which holds " + std::to_string(size) +
                        "; the value is cut to the " + std::to_string(size - value) + " there");
      }
      key.value = values_from_tag(*found, value, count, slicer);
    } else if (location == tag::geo_double_params || location == tag::geo_ascii_params) {
      key.value = std::monostate{};  // null, not "" or []: the value is unknown
      const char* params = location == tag::geo_double_params ? "GeoDoubleParams" : "GeoAsciiParams";
      add_warning(result, "geokey_param_missing",
                  key_name(key.id) + " points at " + params + " (" + std::to_string(location) + "), which " +
                      (found ? "could not be loaded" : "the IFD does not have") + "; its value is null");
    } else {
      key.value = std::vector<uint64_t>{};  // 34735 not loaded: cannot happen (dir is loaded)
    }
    if (seen[key.id]) {
      add_warning(result, "geokey_duplicate",
                  key_name(key.id) + " is given more than once; the last one is used, as libgeotiff and tifffile do");
    }
    seen[key.id] = true;
    out.keys.push_back(std::move(key));
    if (slicer.over_budget()) return {std::nullopt, slicer.bytes(), true, {}, 0};
  }
  result.dir = std::move(out);
  result.bytes = slicer.bytes();
  return result;
}

}  // namespace td::tiff
