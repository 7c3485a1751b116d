#include "tiff/parse_pass.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>
#include <unordered_map>
#include <utility>

#include "tiff/field_decoder.h"
#include "tiff/geokeys.h"
#include "tiff/tags.h"

namespace td::tiff {
namespace {

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();

std::string tag_label(uint16_t code) {
  std::string s = "tag " + std::to_string(code);
  if (const char* name = tag_name(code)) s += std::string(" (") + name + ")";
  return s;
}

std::string past_end_message(const std::string& what, uint64_t offset, uint64_t len,
                             uint64_t eof, bool exact) {
  std::string at = what + " at offset " + std::to_string(offset);
  std::string end = exact ? "(size " + std::to_string(eof) + ")"
                          : "(it ends at or before " + std::to_string(eof) + ")";
  if (offset >= eof) return at + " lies past the end of the object " + end;
  return at + " (" + std::to_string(len) + " bytes) extends past the end of the object " + end;
}

bool is_unsigned_int_type(uint16_t type_code) {
  switch (static_cast<FieldType>(type_code)) {
    case FieldType::byte: case FieldType::short_: case FieldType::long_:
    case FieldType::ifd: case FieldType::long8: case FieldType::ifd8:
      return true;
    default:
      return false;
  }
}

}  // namespace

ParsePass::ParsePass(const HeaderReader& reader, std::optional<uint64_t> eof, bool eof_exact,
                     IfdCache& cache, bool no_more_reads)
    : reader_(reader),
      limits_(reader.limits_),
      eof_(eof),
      eof_exact_(eof_exact),
      no_more_reads_(no_more_reads),
      cache_(cache) {}

void ParsePass::fail(ErrorKind kind, std::string message) {
  if (!error) error = Error{kind, std::move(message)};
}

void ParsePass::warn(const char* kind, uint32_t ifd, std::optional<uint16_t> tag,
                     std::string message) {
  if (tag && ++ifd_tag_warnings_ > kMaxTagWarningsPerIfd) return;  // counted, summed up later
  // Warnings take memory too: charged like decoded values, so a header of many bad tags
  // ends its chain on the budget instead of growing a list without bound. A fixed charge
  // (messages are a few hundred bytes at most): a message names the object's end as far
  // as it is known, which depends on how the bytes arrived; the budget's verdict must not.
  charge(sizeof(Warning) + kWarningMessageCharge);
  header.warnings.push_back(Warning{kind, ifd, tag, std::move(message)});
}

void ParsePass::end_chain(const char* kind, std::string message) {
  warn(kind, prev_top_, std::nullopt,
       std::move(message) + "; the IFD chain ends after IFD " + std::to_string(prev_top_));
}

void ParsePass::lose(const char* kind, std::string message) {
  if (!sub_) return end_chain(kind, std::move(message));
  const uint32_t tag_warnings = ifd_tag_warnings_;  // not one of an IFD's tag warnings
  ifd_tag_warnings_ = 0;
  warn(kind, sub_->parent, tag::sub_ifds,
       std::move(message) + "; SubIFD " + std::to_string(sub_->position) + " of IFD " +
           std::to_string(sub_->parent) + " is skipped");
  ifd_tag_warnings_ = tag_warnings;
}

void ParsePass::note_read(uint64_t offset, uint64_t len) {
  const uint64_t end = offset + len;  // callers checked that it does not overflow
  header.metadata_end = std::max(header.metadata_end, end);
  ifd_read_end_ = std::max(ifd_read_end_, end);
}

void ParsePass::add_data_offset(std::optional<uint64_t> offset) {
  if (offset && (!header.first_data_offset || *offset < *header.first_data_offset)) {
    header.first_data_offset = offset;
  }
}

// Checks [offset, offset + len) against the object end, then whether it is fed. A missing
// range is recorded (with `want` bytes of read-ahead, clamped to the object end). It never
// fails the pass: an unreadable range is the caller's to turn into an error or a warning.
template <typename Describe>
ParsePass::Avail ParsePass::require(uint64_t offset, uint64_t len, uint64_t want,
                                    Describe describe) {
  const bool overflows = len > kMaxU64 - offset;
  if (eof_ && (overflows || offset + len > *eof_)) {
    problem_ = {ErrorKind::truncated, past_end_message(describe(), offset, len, *eof_, eof_exact_)};
    return Avail::unreadable;
  }
  if (overflows) {
    problem_ = {ErrorKind::invalid_value, describe() + " at offset " + std::to_string(offset) +
                                              " (" + std::to_string(len) +
                                              " bytes) overflows 64-bit offsets"};
    return Avail::unreadable;
  }
  if (reader_.has(offset, len)) {
    add_span(offset, len);  // only bytes fed count toward the budget
    return Avail::have;
  }
  if (no_more_reads_) {
    problem_ = {ErrorKind::limit_exceeded,
                describe() + " at offset " + std::to_string(offset) + " (" + std::to_string(len) +
                    " bytes) was not read: reading it would pass max_bytes (" +
                    std::to_string(limits_.max_bytes) + ")",
                true};
    return Avail::unreadable;
  }
  want = std::min(std::max(want, len), kMaxU64 - offset);
  if (eof_) want = std::min(want, *eof_ - offset);
  needs.push_back({offset, len, want});
  return Avail::missing;
}

void ParsePass::run() {
  uint64_t first_ifd = 0;
  if (!parse_file_header(first_ifd)) return;
  parse_gdal_metadata();
  walk_chain(first_ifd);
  if (error || !needs.empty()) return;
  header.span_bytes = span_bytes_;
  // Done: hand the IFDs over instead of copying them (the cache has served its purpose).
  header.ifds.reserve(chain_.size());
  std::unordered_map<const Ifd*, size_t> moved;  // an IFD both a SubIFD and in the main chain
  for (size_t i = 0; i < chain_.size(); ++i) {
    if (auto [it, fresh] = moved.emplace(chain_[i], i); !fresh) {
      header.ifds.push_back(header.ifds[it->second]);
    } else {
      header.ifds.push_back(std::move(*chain_[i]));
    }
    header.ifds.back().chain_index = origins_[i].chain_index;
    header.ifds.back().parent = origins_[i].parent;
    header.ifds.back().subifd_index = origins_[i].subifd_index;
  }
  cache_.clear();
  ifd_tag_warnings_ = 0;  // the per-IFD cap is not for the GeoKeys warning
  for (uint32_t i = 0; i < header.ifds.size(); ++i) {
    const Ifd& ifd = header.ifds[i];
    if (ifd.find(tag::geo_key_directory) == nullptr) continue;
    GeoKeyDecode keys = decode_geokeys(ifd, budget() - std::min(budget(), decoded_bytes_));
    if (keys.over_budget) {
      warn("metadata_budget_reached", i, tag::geo_key_directory,
           budget_message("the GeoKeys") + "; the GeoKeys are not decoded");
      return;
    }
    decoded_bytes_ += keys.bytes;
    if (!keys.dir) continue;
    for (GeoKeyWarning& w : keys.warnings) warn(w.kind, i, tag::geo_key_directory, std::move(w.message));
    if (keys.more_warnings > 0) {
      warn("more_warnings", i, std::nullopt,
           std::to_string(keys.more_warnings) + " more GeoKeys of IFD " + std::to_string(i) + " have warnings, not listed");
    }
    header.geokeys = std::move(keys.dir);
    break;
  }
}

bool ParsePass::parse_file_header(uint64_t& first_ifd) {
  auto what = [] { return std::string("TIFF header"); };
  if (eof_ && *eof_ < 4) {
    fail(ErrorKind::not_tiff, "object is " + std::to_string(*eof_) +
                                  " bytes long, too short for a TIFF header");
    return false;
  }
  auto have = [&](uint64_t len) {
    const Avail a = require(0, len, kReadAhead, what);
    if (a == Avail::unreadable) fail(problem_.kind, problem_.message);
    return a == Avail::have;
  };
  if (!have(4)) return false;
  const uint8_t* p = reader_.at(0);
  if (p[0] == 'I' && p[1] == 'I') {
    header.byte_order = ByteOrder::little;
  } else if (p[0] == 'M' && p[1] == 'M') {
    header.byte_order = ByteOrder::big;
  } else {
    fail(ErrorKind::not_tiff, "no TIFF byte-order mark (II or MM) at offset 0");
    return false;
  }
  cursor_ = ByteCursor(header.byte_order);
  const uint16_t version = cursor_.u16(p + 2);
  if (version != 42 && version != 43) {
    fail(ErrorKind::not_tiff, "TIFF version " + std::to_string(version) + " is neither 42 nor 43");
    return false;
  }
  header.bigtiff = version == 43;
  header_size_ = header.bigtiff ? 16 : 8;
  if (!have(header_size_)) return false;
  p = reader_.at(0);
  if (header.bigtiff) {
    const uint16_t offset_size = cursor_.u16(p + 4), reserved = cursor_.u16(p + 6);
    if (offset_size != 8 || reserved != 0) {
      fail(ErrorKind::invalid_value, "BigTIFF header has offset size " +
                                         std::to_string(offset_size) + " and reserved field " +
                                         std::to_string(reserved) + " (expected 8 and 0)");
      return false;
    }
    first_ifd = cursor_.u64(p + 8);
  } else {
    first_ifd = cursor_.u32(p + 4);
  }
  note_read(0, header_size_);
  if (first_ifd == 0) {
    fail(ErrorKind::invalid_value, "first IFD offset is 0");
    return false;
  }
  return true;
}

// GDAL writes "GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\n" plus that many bytes right
// after the file header. Decoded only from bytes that are fed anyway: it is a hint.
void ParsePass::parse_gdal_metadata() {
  constexpr uint64_t kLineLen = kGdalMetadataLineLength;
  const uint64_t start = header_size_;
  if (!reader_.has(start, kLineLen)) return;
  const char* p = reinterpret_cast<const char*>(reader_.at(start));
  const std::optional<uint64_t> declared = gdal_metadata_declared_size(std::string_view(p, kLineLen));
  if (!declared) return;
  const uint64_t size = *declared;
  uint64_t end = std::min(start + kLineLen + size, reader_.fed_until(start));
  if (eof_) end = std::min(end, *eof_);
  if (end < start + kLineLen) return;  // only if bytes were fed past a known end
  // Not charged: its size depends on what was fed (the budget must not), and it is at
  // most the bytes fed, up to 1 MB.
  header.gdal_structural_metadata = std::string(p, end - start);
  note_read(start, end - start);
}

void ParsePass::walk_chain(uint64_t first_ifd) {
  const uint32_t max_ifds = std::max<uint32_t>(limits_.max_ifds, 1);  // IFD 0 is always read
  uint64_t offset = first_ifd;
  for (uint32_t chain_index = 0; offset != 0; ++chain_index) {
    const auto index = static_cast<uint32_t>(chain_.size());
    if (index >= max_ifds) {
      end_chain("ifd_budget_reached", "the IFD chain has more than max_ifds (" +
                                          std::to_string(max_ifds) + ") IFDs");
      return;
    }
    // A loop is a main-chain IFD met again. An IFD read before as a SubIFD is read again
    // as the main-chain IFD it also is (listed twice), so the chain goes on.
    if (auto [it, fresh] = main_seen_.emplace(offset, index); !fresh) {
      end_chain("ifd_loop", "the next-IFD offset " + std::to_string(offset) + " of IFD " +
                                std::to_string(prev_top_) + " revisits IFD " +
                                std::to_string(it->second));
      return;
    }
    seen_.emplace(offset, index);
    auto next = parse_ifd(index, offset);
    if (!next) return;
    origins_.push_back({chain_index, std::nullopt, std::nullopt});
    prev_top_ = index;
    follow_subifds(index, chain_index, 1);
    offset = *next;
  }
}

void ParsePass::follow_subifds(uint32_t parent, uint32_t chain_index, uint32_t depth) {
  const Tag* t = chain_[parent]->find(tag::sub_ifds);
  // Not loaded: missing in this pass (asked for), or unreadable (already a warning).
  const auto* offsets = t ? std::get_if<std::vector<uint64_t>>(&t->values) : nullptr;
  if (offsets == nullptr || offsets->empty()) return;
  const uint32_t max_ifds = std::max<uint32_t>(limits_.max_ifds, 1);
  uint32_t lost = 0;
  for (uint32_t k = 0; k < offsets->size(); ++k) {
    if (lost == kMaxTagWarningsPerIfd) {
      sub_.reset();
      const uint32_t tag_warnings = ifd_tag_warnings_;  // not one of an IFD's tag warnings
      ifd_tag_warnings_ = 0;
      warn("more_warnings", parent, tag::sub_ifds,
           std::to_string(offsets->size() - k) + " more SubIFDs of IFD " + std::to_string(parent) +
               " are not followed after " + std::to_string(lost) + " that could not be read");
      ifd_tag_warnings_ = tag_warnings;
      return;
    }
    sub_ = SubIfd{parent, k};
    const uint64_t offset = (*offsets)[k];
    const auto index = static_cast<uint32_t>(chain_.size());
    const size_t needs_before = needs.size();
    std::optional<uint64_t> kept;
    if (depth > kMaxSubIfdDepth) {
      lose("ifd_budget_reached", "SubIFDs are nested deeper than " + std::to_string(kMaxSubIfdDepth));
    } else if (index >= max_ifds) {
      lose("ifd_budget_reached", "the file has more than max_ifds (" + std::to_string(max_ifds) +
                                     ") IFDs, SubIFDs included");
    } else if (offset < header_size_) {
      lose("ifd_link_out_of_bounds", "SubIFD offset " + std::to_string(offset) + " points into the file header");
    } else if (auto [it, fresh] = seen_.emplace(offset, index); !fresh) {
      lose("ifd_loop", "SubIFD offset " + std::to_string(offset) + " revisits an IFD already read");
    } else {
      kept = parse_ifd(index, offset);
      // Not read: forgotten, so the same offset listed again gets the same warning
      // (past the end, truncated...) rather than a loop.
      if (!kept) seen_.erase(offset);
    }
    sub_.reset();
    if (!kept) {
      if (needs.size() == needs_before && !error) ++lost;
      continue;
    }
    origins_.push_back({chain_index, parent, k});
    follow_subifds(index, chain_index, depth + 1);
  }
}

std::optional<uint64_t> ParsePass::parse_ifd(uint32_t index, uint64_t offset) {
  const bool big = header.bigtiff;
  const uint64_t count_size = big ? 8 : 2, entry_size = big ? 20 : 12, next_size = big ? 8 : 4;
  const std::optional<SubIfd> sub = sub_;
  auto what = [index, sub] {
    if (!sub) return "IFD " + std::to_string(index);
    return "SubIFD " + std::to_string(sub->position) + " of IFD " + std::to_string(sub->parent);
  };

  // Memory for `bytes` more, or the chain ends here: once every byte read so far is in
  // (needs empty), the verdict is the same however the bytes arrived.
  auto fits_or_end = [&](uint64_t bytes) {
    if (fits(bytes)) return true;
    if (!needs.empty()) return false;  // bytes still missing may raise the budget
    if (index == 0) {
      fail(ErrorKind::limit_exceeded, budget_message(what()));
    } else {
      lose("metadata_budget_reached", budget_message(what()));
    }
    return false;
  };
  // A cached IFD is replayed only when all it decoded fits this pass's budget; otherwise
  // it is decoded afresh, so the verdict is the one a pass without the cache reaches
  // (values that do not fit skipped with warnings; an error only if its entries do not).
  if (auto it = cache_.find(offset); it != cache_.end() && [&] {
        for (const ByteRange& r : it->second.spans) add_span(r.offset, r.length);
        return fits(it->second.decoded_bytes);
      }()) {
    HeaderReader::CachedIfd& cached = it->second;
    charge(cached.decoded_bytes);
    // Its warnings are its own; its index may differ from the pass that cached it.
    for (Warning w : cached.warnings) {
      w.ifd = index;
      header.warnings.push_back(std::move(w));
    }
    chain_.push_back(&cached.ifd);
    add_data_offset(cached.first_data);
    header.metadata_end = std::max(header.metadata_end, cached.read_end);
    return cached.next;
  }
  const size_t needs_before = needs.size();
  const size_t warnings_before = header.warnings.size();
  ifd_tag_warnings_ = 0;
  ifd_budget_skips_ = 0;
  ifd_read_end_ = 0;
  std::vector<ByteRange> spans;  // this IFD's ranges, kept with it in the cache
  ifd_spans_ = &spans;
  struct Reset {
    std::vector<ByteRange>*& p;
    ~Reset() { p = nullptr; }
  } reset{ifd_spans_};

  // An IFD that cannot be read: an error for IFD 0, the end of the chain after.
  auto unreadable = [&](const char* kind) -> std::optional<uint64_t> {
    if (index == 0) {
      fail(problem_.kind, problem_.message);
    } else {
      lose(problem_.budget ? "metadata_budget_reached" : kind, problem_.message);
    }
    return std::nullopt;
  };
  switch (require(offset, count_size, kReadAhead, what)) {
    case Avail::have: break;
    case Avail::unreadable:
      return unreadable(eof_ && offset < *eof_ ? "ifd_truncated" : "ifd_link_out_of_bounds");
    case Avail::missing:
      // GDAL's structural metadata sits between the header and IFD 0: read it along.
      if (index == 0 && offset > header_size_ && offset - header_size_ <= kReadAhead &&
          !no_more_reads_) {
        needs.push_back({header_size_, 0, offset - header_size_});
      }
      return std::nullopt;
  }
  const uint64_t n = cursor_.uint(reader_.at(offset), static_cast<unsigned>(count_size));
  if (n == 0) {
    const std::string message = what() + " at offset " + std::to_string(offset) + " has no entries";
    if (index == 0) {
      fail(ErrorKind::invalid_value, message);
    } else {
      lose("ifd_empty", message);
    }
    return std::nullopt;
  }
  // Bound the entry count before anything depends on it: BigTIFF counts are 64-bit.
  const uint64_t fixed = header_size_ + count_size + next_size;
  if (limits_.max_bytes < fixed || n > (limits_.max_bytes - fixed) / entry_size) {
    problem_ = {ErrorKind::limit_exceeded,
                what() + " at offset " + std::to_string(offset) + " has " + std::to_string(n) +
                    " entries, more than max_bytes (" + std::to_string(limits_.max_bytes) +
                    ") can hold",
                true};
    return unreadable("metadata_budget_reached");
  }
  const uint64_t table = count_size + n * entry_size;
  const uint64_t total = table + next_size;
  // Whether the next-IFD offset is cut off by the end of the object while the entries are
  // whole: the IFD is kept (as tifffile keeps it) and the chain ends after it.
  bool next_cut = false;
  switch (require(offset, total, kReadAhead, what)) {
    case Avail::have: break;
    case Avail::missing: return std::nullopt;
    case Avail::unreadable: {
      if (problem_.budget || !eof_ || offset + table > *eof_) return unreadable("ifd_truncated");
      switch (require(offset, table, kReadAhead, what)) {
        case Avail::have: break;
        case Avail::missing: return std::nullopt;
        case Avail::unreadable: return unreadable("ifd_truncated");
      }
      next_cut = true;
      break;
    }
  }
  note_read(offset, next_cut ? table : total);

  const uint8_t* entries = reader_.at(offset) + count_size;
  // Every value range first: the budget while decoding then counts all of this IFD's
  // ranges, as when a later pass reuses it from the cache, and a pass that runs over
  // the budget knows whether bytes it has not seen yet could still raise it (needs).
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t* e = entries + i * entry_size;
    auto r = entry_span(e);
    if (!r) continue;
    auto span_what = [&] {
      return "value of " + tag_label(cursor_.u16(e)) + " in IFD " + std::to_string(index);
    };
    // Unreadable: parse_entry meets it again and keeps the tag unloaded, with a warning.
    (void)require(r->offset, r->length, r->length, span_what);
  }
  const uint64_t decoded_before = decoded_bytes_;
  // The entries' own memory, before reserving it: a Tag is ~4x a classic 12-byte entry.
  if (!fits_or_end(sizeof(Ifd) + n * sizeof(Tag))) return std::nullopt;
  charge(sizeof(Ifd) + n * sizeof(Tag));
  Ifd ifd;
  ifd.offset = offset;
  ifd.tags.reserve(n);
  DataStart start;
  for (uint64_t i = 0; i < n; ++i) {
    if (!parse_entry(index, entries + i * entry_size, ifd, start)) return std::nullopt;
  }
  const uint64_t next =
      next_cut ? 0 : cursor_.uint(entries + n * entry_size, static_cast<unsigned>(next_size));
  if (next_cut && !sub_) {  // a SubIFD's next-IFD offset is not followed anyway
    warn("ifd_truncated", index, std::nullopt,
         "the next-IFD offset of " + what() + " at offset " + std::to_string(offset + table) +
             " is cut off by the end of the object; the IFD chain ends after IFD " +
             std::to_string(index));
  }
  if (ifd_tag_warnings_ > kMaxTagWarningsPerIfd) {
    const uint64_t more = ifd_tag_warnings_ - kMaxTagWarningsPerIfd;
    ifd_tag_warnings_ = 0;  // the summary itself is not counted
    warn("more_warnings", index, std::nullopt,
         std::to_string(more) + " more tags of " + what() + " have warnings, not listed");
  }

  // Image data starts at the first strip or tile that has bytes (empty tiles skipped).
  std::optional<uint64_t> first_data = this->first_data(start.strip_offsets, start.strip_bytes);
  if (auto tiles = this->first_data(start.tile_offsets, start.tile_bytes)) {
    if (!first_data || *tiles < *first_data) first_data = tiles;
  }
  add_data_offset(first_data);
  keep_blocks(index, ifd, start);

  // Complete, and nothing skipped for the memory budget: later passes reuse it. An IFD that
  // reached the budget is decoded afresh each pass, against that pass's budget.
  bool budget_reached = ifd_budget_skips_ > 0;
  for (size_t w = warnings_before; w < header.warnings.size(); ++w) {
    budget_reached |= header.warnings[w].kind == "metadata_budget_reached";
  }
  if (needs.size() == needs_before && !budget_reached) {
    std::sort(spans.begin(), spans.end(),
              [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
    std::vector<ByteRange> merged;
    for (const ByteRange& r : spans) {
      if (!merged.empty() && r.offset <= merged.back().end()) {
        merged.back().length = std::max(merged.back().end(), r.end()) - merged.back().offset;
      } else {
        merged.push_back(r);
      }
    }
    auto& cached = cache_[offset];
    cached = {std::move(ifd), next, first_data, ifd_read_end_, decoded_bytes_ - decoded_before,
              std::move(merged),
              std::vector<Warning>(header.warnings.begin() + static_cast<ptrdiff_t>(warnings_before),
                                   header.warnings.end())};
    chain_.push_back(&cached.ifd);
  } else {
    partial_.push_back(std::move(ifd));
    chain_.push_back(&partial_.back());
  }
  return next;
}

bool ParsePass::parse_entry(uint32_t index, const uint8_t* e, Ifd& ifd, DataStart& start) {
  const bool big = header.bigtiff;
  const unsigned field_size = big ? 8 : 4;  // the value-or-offset field
  const uint8_t* field = e + (big ? 12 : 8);
  Tag t;
  t.code = cursor_.u16(e);
  t.type_code = cursor_.u16(e + 2);
  t.count = big ? cursor_.u64(e + 4) : cursor_.u32(e + 4);

  const uint32_t size = field_type_size(t.type_code);
  if (size == 0) {  // unknown type: keep the entry, values unknown
    ifd.tags.push_back(std::move(t));
    return true;
  }
  if (t.count > kMaxU64 / size) {  // no object is that long: the value lies past its end
    warn("tag_value_out_of_bounds", index, t.code,
         tag_label(t.code) + " in IFD " + std::to_string(index) + ": count " +
             std::to_string(t.count) + " of type " + std::to_string(t.type_code) +
             " overflows 64-bit sizes; the tag is kept, its value not loaded");
    ifd.tags.push_back(std::move(t));
    return true;
  }
  const uint64_t bytes = t.count * size;

  if (is_data_array_tag(t.code)) {  // read in full for first_data_offset, not kept
    const DataArray a = data_array(index, t, field);
    switch (t.code) {
      case tag::strip_offsets: start.strip_offsets = a; break;
      case tag::strip_byte_counts: start.strip_bytes = a; break;
      case tag::tile_offsets: start.tile_offsets = a; break;
      case tag::tile_byte_counts: start.tile_bytes = a; break;
    }
    ifd.tags.push_back(std::move(t));
    return true;
  }

  // Every other value is loaded, within the budgets (max_bytes, the decoded-memory budget).
  const auto where = [&] { return tag_label(t.code) + " in IFD " + std::to_string(index); };
  // Memory for the decoded value, or the tag stays unloaded once every byte is in.
  auto fits_or_skip = [&] {
    const uint64_t need = decoded_size(t.type_code, t.count);
    if (fits(need)) {
      charge(need);
      return true;
    }
    if (needs.empty()) {
      ++ifd_budget_skips_;  // counted even when the warning is only summed up
      warn("metadata_budget_reached", index, t.code,
           budget_message(where()) + "; the tag is kept, its value not loaded");
    }
    return false;
  };
  if (bytes <= field_size) {
    if (fits_or_skip()) {
      t.values = decode_values(t.type_code, t.count, field, cursor_);
    } else if (!needs.empty()) {
      return false;  // decode nothing more until the missing bytes are in
    }
  } else {
    const uint64_t value_offset = cursor_.uint(field, field_size);
    auto what = [&] { return "value of " + where(); };
    switch (require(value_offset, bytes, bytes, what)) {
      case Avail::have:
        if (fits_or_skip()) {
          t.values = decode_values(t.type_code, t.count, reader_.at(value_offset), cursor_);
          note_read(value_offset, bytes);
        } else if (!needs.empty()) {
          return false;
        }
        break;
      case Avail::missing: break;  // requested; this pass goes on without it
      case Avail::unreadable:
        warn(problem_.budget ? "metadata_budget_reached" : "tag_value_out_of_bounds", index,
             t.code, problem_.message + "; the tag is kept, its value not loaded");
        break;
    }
  }
  ifd.tags.push_back(std::move(t));
  return true;
}

void ParsePass::add_span(uint64_t offset, uint64_t len) {
  if (len == 0 || len > kMaxU64 - offset) return;
  if (ifd_spans_) ifd_spans_->push_back({offset, len});
  uint64_t start = offset, end = offset + len;
  // Merge with every span it touches; what they covered is not counted twice.
  auto it = spans_.upper_bound(start);
  if (it != spans_.begin() && std::prev(it)->second >= start) --it;
  while (it != spans_.end() && it->first <= end) {
    if (it->first <= start && it->second >= end) return;  // already covered
    start = std::min(start, it->first);
    end = std::max(end, it->second);
    span_bytes_ -= it->second - it->first;
    it = spans_.erase(it);
  }
  spans_.emplace(start, end);
  span_bytes_ += end - start;
}

std::optional<ByteRange> ParsePass::entry_span(const uint8_t* e) const {
  const bool big = header.bigtiff;
  const unsigned field_size = big ? 8 : 4;
  const uint16_t code = cursor_.u16(e), type_code = cursor_.u16(e + 2);
  const uint64_t count = big ? cursor_.u64(e + 4) : cursor_.u32(e + 4);
  const uint32_t size = field_type_size(type_code);
  if (size == 0 || count == 0 || count > kMaxU64 / size || count * size <= field_size) return std::nullopt;
  const uint64_t offset = cursor_.uint(e + (big ? 12 : 8), field_size);
  if (is_data_array_tag(code) && !is_unsigned_int_type(type_code)) return std::nullopt;
  return ByteRange{offset, count * size};
}

bool ParsePass::fits(uint64_t bytes) const {
  return bytes <= budget() && decoded_bytes_ <= budget() - bytes;
}

void ParsePass::charge(uint64_t bytes) {
  decoded_bytes_ = bytes > kMaxU64 - decoded_bytes_ ? kMaxU64 : decoded_bytes_ + bytes;
}

std::string ParsePass::budget_message(const std::string& where) const {
  return "decoding " + where + " takes the header's decoded metadata past its memory budget of " +
           std::to_string(budget()) + " bytes (" + std::to_string(limits_.decoded_per_byte) +
           " x the " + std::to_string(span_bytes_) + " bytes the header occupies + " +
           std::to_string(limits_.decoded_base_bytes) +
           "): tags sharing one value, IFDs repeating it, or many small values widened?";
}

// A strip/tile offsets or byte-counts array: read from the entry when inline, otherwise
// required in full like any out-of-line value (COGs keep them in the header, so they
// mostly lie within bytes read anyway), but never decoded into the Tag.
ParsePass::DataArray ParsePass::data_array(uint32_t index, const Tag& t, const uint8_t* field) {
  if (t.count == 0 || !is_unsigned_int_type(t.type_code)) return {};
  const unsigned size = field_type_size(t.type_code);
  const unsigned field_size = header.bigtiff ? 8 : 4;
  const uint64_t bytes = t.count * size;  // the caller checked that it does not overflow
  if (bytes <= field_size) return {field, t.count, size};
  const uint64_t offset = cursor_.uint(field, field_size);
  auto what = [&] { return "value of " + tag_label(t.code) + " in IFD " + std::to_string(index); };
  switch (require(offset, bytes, bytes, what)) {
    case Avail::have: break;
    case Avail::missing: return {};
    case Avail::unreadable:
      warn(problem_.budget ? "metadata_budget_reached" : "tag_value_out_of_bounds", index, t.code,
           problem_.message + "; the tag is kept, its value not read");
      return {};
  }
  note_read(offset, bytes);
  return {reader_.at(offset), t.count, size};
}

namespace {

// first_data's loop for one pair of element sizes and byte order: one load (and
// a byte swap) per element, no per-element dispatch. A COG's arrays hold
// thousands of tiles; this loop was a fifth of all instructions (callgrind).
template <typename Offset, typename Count, bool kLittle>
std::optional<uint64_t> smallest_data_offset(const uint8_t* offsets, const uint8_t* counts, uint64_t n) {
  uint64_t first = UINT64_MAX;
  bool found = false;
  for (uint64_t i = 0; i < n; ++i) {
    if (load_uint<Count, kLittle>(counts + i * sizeof(Count)) == 0) continue;  // empty tile
    const uint64_t off = load_uint<Offset, kLittle>(offsets + i * sizeof(Offset));
    if (off != 0 && off <= first) {
      first = off;
      found = true;
    }
  }
  if (!found) return std::nullopt;
  return first;
}

template <bool kLittle>
std::optional<uint64_t> smallest_data_offset(const uint8_t* offsets, unsigned offset_size, const uint8_t* counts,
                                             unsigned count_size, uint64_t n) {
  // Offsets are LONG or LONG8 (SHORT in some writers); counts SHORT, LONG or LONG8.
  auto with_counts = [&](auto offset_type) -> std::optional<uint64_t> {
    using Offset = decltype(offset_type);
    switch (count_size) {
      case 2: return smallest_data_offset<Offset, uint16_t, kLittle>(offsets, counts, n);
      case 4: return smallest_data_offset<Offset, uint32_t, kLittle>(offsets, counts, n);
      case 8: return smallest_data_offset<Offset, uint64_t, kLittle>(offsets, counts, n);
      default: return std::nullopt;
    }
  };
  switch (offset_size) {
    case 2: return with_counts(uint16_t{});
    case 4: return with_counts(uint32_t{});
    case 8: return with_counts(uint64_t{});
    default: return std::nullopt;
  }
}

}  // namespace

namespace {

template <typename T, bool kLittle>
void widen(const uint8_t* p, uint64_t n, uint64_t* out) {
  for (uint64_t i = 0; i < n; ++i) out[i] = load_uint<T, kLittle>(p + i * sizeof(T));
}

}  // namespace

void ParsePass::decode_array(const DataArray& a, uint64_t n, std::vector<uint64_t>& out) const {
  out.resize(n);
  const bool little = cursor_.little();
  switch (a.size) {
    case 2: return little ? widen<uint16_t, true>(a.values, n, out.data()) : widen<uint16_t, false>(a.values, n, out.data());
    case 4: return little ? widen<uint32_t, true>(a.values, n, out.data()) : widen<uint32_t, false>(a.values, n, out.data());
    case 8: return little ? widen<uint64_t, true>(a.values, n, out.data()) : widen<uint64_t, false>(a.values, n, out.data());
    default:
      for (uint64_t i = 0; i < n; ++i) out[i] = cursor_.uint(a.values + i * a.size, a.size);
  }
}

void ParsePass::keep_blocks(uint32_t index, Ifd& ifd, const DataStart& start) {
  const bool tiled = ifd.find(tag::tile_width) || ifd.find(tag::tile_length);
  const DataArray& offsets = tiled ? start.tile_offsets : start.strip_offsets;
  const DataArray& bytes = tiled ? start.tile_bytes : start.strip_bytes;
  if (!offsets.values || !bytes.values) return;  // absent or unreadable: warned already
  const uint64_t n = std::min(offsets.count, bytes.count);
  const uint64_t need = 2 * n * sizeof(uint64_t);
  if (!fits(need)) {
    ++ifd_budget_skips_;
    warn("metadata_budget_reached", index, tiled ? tag::tile_offsets : tag::strip_offsets,
         budget_message("the block ranges of IFD " + std::to_string(index)) + "; the " + std::to_string(n) +
             " block ranges are not kept (the cog and blocks columns leave this IFD out)");
    return;
  }
  charge(need);
  decode_array(offsets, n, ifd.block_offsets);
  decode_array(bytes, n, ifd.block_byte_counts);
}

std::optional<uint64_t> ParsePass::first_data(const DataArray& offsets, const DataArray& bytes) const {
  if (!offsets.values || !bytes.values) return std::nullopt;
  const uint64_t n = std::min(offsets.count, bytes.count);
  const bool sizes_known = (offsets.size == 2 || offsets.size == 4 || offsets.size == 8) &&
                           (bytes.size == 2 || bytes.size == 4 || bytes.size == 8);
  if (sizes_known) {
    return cursor_.little() ? smallest_data_offset<true>(offsets.values, offsets.size, bytes.values, bytes.size, n)
                   : smallest_data_offset<false>(offsets.values, offsets.size, bytes.values, bytes.size, n);
  }
  std::optional<uint64_t> first;  // other element sizes (BYTE arrays in odd writers)
  for (uint64_t i = 0; i < n; ++i) {
    if (cursor_.uint(bytes.values + i * bytes.size, bytes.size) == 0) continue;  // empty tile
    const uint64_t off = cursor_.uint(offsets.values + i * offsets.size, offsets.size);
    if (off != 0 && (!first || off < *first)) first = off;
  }
  return first;
}

}  // namespace td::tiff
