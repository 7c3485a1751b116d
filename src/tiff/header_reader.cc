#include "tiff/header_reader.h"

#include <algorithm>
#include <iterator>
#include <limits>
#include <utility>

#include "tiff/parse_pass.h"

namespace td::tiff {
namespace {

constexpr uint64_t kMaxU64 = std::numeric_limits<uint64_t>::max();
// Ranges closer than this are fetched as one: a request costs more than a few KiB.
constexpr uint64_t kMergeGap = 4 * 1024;

uint64_t total_length(const std::vector<ByteRange>& ranges) {
  uint64_t sum = 0;
  for (const auto& r : ranges) sum = r.length > kMaxU64 - sum ? kMaxU64 : sum + r.length;
  return sum;
}

}  // namespace

uint64_t decoded_budget(const Limits& limits, uint64_t span_bytes) {
  if (limits.decoded_per_byte != 0 && span_bytes > kMaxU64 / limits.decoded_per_byte) return kMaxU64;
  const uint64_t scaled = limits.decoded_per_byte * span_bytes;
  return scaled > kMaxU64 - limits.decoded_base_bytes ? kMaxU64 : scaled + limits.decoded_base_bytes;
}

HeaderReader::HeaderReader(Limits limits, std::optional<uint64_t> object_size)
    : limits_(limits), object_size_(object_size) {}

void HeaderReader::set_object_size(uint64_t size) {
  if (object_size_) return;
  object_size_ = size;
  ifd_cache_.clear();  // decoded with the end unknown; cheap to redo once
}

void HeaderReader::feed(uint64_t offset, std::span<const uint8_t> bytes) {
  bytes_fed_ += bytes.size();
  uint64_t len = std::min<uint64_t>(bytes.size(), kMaxU64 - offset);
  if (object_size_) len = offset >= *object_size_ ? 0 : std::min(len, *object_size_ - offset);
  if (len == 0) return;

  // Keep chunks disjoint and non-adjacent: grow the chunk that touches `offset`, or start
  // a new one, then swallow every chunk the new bytes reach.
  uint64_t start = offset, stop = offset + len;
  Bytes data;
  auto it = chunks_.upper_bound(offset);
  if (it != chunks_.begin()) {
    auto prev = std::prev(it);
    const uint64_t prev_end = prev->first + prev->second.size();
    if (prev_end >= offset) {
      if (prev_end >= stop) return;  // nothing new
      start = prev->first;
      data = std::move(prev->second);
      it = chunks_.erase(prev);
    }
  }
  const uint64_t skip = start + data.size() - offset;  // bytes already held
  data.insert(data.end(), bytes.begin() + static_cast<ptrdiff_t>(skip),
              bytes.begin() + static_cast<ptrdiff_t>(len));
  while (it != chunks_.end() && it->first <= stop) {
    const uint64_t chunk_end = it->first + it->second.size();
    if (chunk_end > stop) {
      data.insert(data.end(), it->second.begin() + static_cast<ptrdiff_t>(stop - it->first),
                  it->second.end());
      stop = chunk_end;
    }
    it = chunks_.erase(it);
  }
  chunks_.emplace(start, std::move(data));
}

void HeaderReader::adopt(uint64_t offset, Bytes&& bytes) {
  const uint64_t stop = offset + std::min<uint64_t>(bytes.size(), kMaxU64 - offset);
  auto next = chunks_.lower_bound(offset);
  const bool touches_next = next != chunks_.end() && next->first <= stop;
  const bool touches_prev = next != chunks_.begin() && [&] {
    auto prev = std::prev(next);
    return prev->first + prev->second.size() >= offset;
  }();
  if (bytes.empty() || touches_next || touches_prev) return feed(offset, std::span<const uint8_t>(bytes));
  bytes_fed_ += bytes.size();
  uint64_t len = stop - offset;
  if (object_size_) len = offset >= *object_size_ ? 0 : std::min(len, *object_size_ - offset);
  if (len == 0) return;
  bytes.resize(len);  // only ever shrinks
  chunks_.emplace(offset, std::move(bytes));
}

bool HeaderReader::has(uint64_t offset, uint64_t length) const {
  if (length == 0) return true;
  if (length > kMaxU64 - offset) return false;
  return fed_until(offset) >= offset + length;
}

const uint8_t* HeaderReader::at(uint64_t offset) const {
  auto it = std::prev(chunks_.upper_bound(offset));
  return it->second.data() + (offset - it->first);
}

uint64_t HeaderReader::fed_until(uint64_t offset) const {
  auto it = chunks_.upper_bound(offset);
  if (it == chunks_.begin()) return offset;
  --it;
  const uint64_t end = it->first + it->second.size();
  return end > offset ? end : offset;
}

std::vector<ByteRange> HeaderReader::missing(uint64_t offset, uint64_t length) const {
  std::vector<ByteRange> out;
  const uint64_t end = offset + length;
  uint64_t pos = fed_until(offset);
  auto it = chunks_.upper_bound(offset);
  while (pos < end) {
    const uint64_t gap_end = it == chunks_.end() ? end : std::min(end, it->first);
    if (gap_end > pos) out.push_back({pos, gap_end - pos});
    if (it == chunks_.end()) break;
    pos = std::max(pos, it->first + it->second.size());
    ++it;
  }
  return out;
}

std::vector<ByteRange> HeaderReader::plan_reads(const std::vector<Need>& needs,
                                                bool minimal) const {
  std::vector<ByteRange> ranges;
  for (const Need& n : needs) {
    auto gaps = missing(n.offset, minimal ? n.min_len : n.want_len);
    ranges.insert(ranges.end(), gaps.begin(), gaps.end());
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const ByteRange& a, const ByteRange& b) { return a.offset < b.offset; });
  const uint64_t gap = minimal ? 0 : kMergeGap;
  std::vector<ByteRange> merged;
  for (const ByteRange& r : ranges) {
    if (!merged.empty() && r.offset - std::min(r.offset, gap) <= merged.back().end()) {
      merged.back().length = std::max(merged.back().end(), r.end()) - merged.back().offset;
    } else {
      merged.push_back(r);
    }
  }
  return merged;
}

std::vector<ByteRange> HeaderReader::end_probes(const std::vector<ByteRange>& needed,
                                                std::optional<uint64_t> eof) const {
  // The object reaches at least the last byte fed, and at most `eof` (an inexact end).
  const uint64_t lo = chunks_.empty() ? 0 : chunks_.rbegin()->first + chunks_.rbegin()->second.size();
  uint64_t hi = 0;
  for (const ByteRange& r : needed) hi = std::max(hi, r.end());
  if (eof) hi = std::min(hi, *eof);
  if (lo >= hi) return {};  // every missing range lies within the object: over budget
  constexpr uint64_t kProbes = 16;
  std::vector<ByteRange> probes;
  const unsigned __int128 width = hi - lo;
  for (uint64_t i = 0; i < kProbes; ++i) {
    const auto at = lo + static_cast<uint64_t>(width * i / kProbes);
    if (probes.empty() || at > probes.back().offset) probes.push_back({at, 1});
  }
  if (probes.back().offset != hi - 1) probes.push_back({hi - 1, 1});  // all of it there?
  return probes;
}

HeaderReader::Step HeaderReader::advance() {
  // A requested range that was not fed in full means the object ends where its bytes stop.
  for (const ByteRange& r : last_needed_) {
    auto gaps = missing(r.offset, r.length);
    if (!gaps.empty() && gaps.front().offset < known_end_.value_or(kMaxU64)) {
      const uint64_t end = gaps.front().offset;
      known_end_ = end;
      // Exact if the byte before is known to exist; else it ends at or before `end`.
      known_end_exact_ = end == 0 || has(end - 1, 1);
      ifd_cache_.clear();  // decoded against the old end; cheap to redo once
    }
  }
  last_needed_.clear();

  Step step;
  std::optional<uint64_t> eof = object_size_;
  bool eof_exact = true;
  if (known_end_ && *known_end_ < eof.value_or(kMaxU64)) {
    eof = known_end_;
    eof_exact = known_end_exact_;
  }
  // max_bytes spent: a last pass over what was fed, reading nothing more; what it
  // would still need becomes metadata_budget_reached warnings (an error only if the
  // file header or IFD 0's entry table is among it).
  auto final_pass = [&] {
    ParsePass pass(*this, eof, eof_exact, ifd_cache_, true);
    pass.run();
    if (pass.error) {
      step.error = std::move(pass.error);
    } else {
      step.header = std::move(pass.header);
    }
    return step;
  };
  if (bytes_fed_ > limits_.max_bytes) return final_pass();

  ParsePass pass(*this, eof, eof_exact, ifd_cache_);
  pass.run();
  if (pass.error) {
    step.error = std::move(pass.error);
    return step;
  }
  if (pass.needs.empty()) {
    step.header = std::move(pass.header);
    return step;
  }
  // Read-ahead is a luxury: drop it before giving up on the byte budget.
  auto budget_left = limits_.max_bytes - bytes_fed_;
  step.needed = plan_reads(pass.needs, false);
  if (total_length(step.needed) > budget_left) step.needed = plan_reads(pass.needs, true);
  if (total_length(step.needed) > budget_left) {
    // With the object's end unknown, a range may look over budget only because it runs
    // past the end (a junk count or offset). Find the end first: where it is decides
    // whether each range lies past it, runs past it, or is over budget, exactly as when
    // the size is known up front. A search with 1-byte probes, the interval shrinking 16x
    // per round (at most 16 rounds for a 64-bit range).
    if (!eof || !eof_exact) {
      auto probes = end_probes(step.needed, eof);
      if (!probes.empty() && total_length(probes) <= budget_left) {
        step.needed = std::move(probes);
        last_needed_ = step.needed;
        return step;
      }
    }
    step.needed.clear();
    return final_pass();
  }
  last_needed_ = step.needed;
  return step;
}

Result<Header> read_header(std::span<const uint8_t> bytes, Limits limits) {
  HeaderReader reader(limits, bytes.size());
  for (;;) {
    auto step = reader.advance();
    if (step.error) return std::move(*step.error);
    if (step.header) return std::move(*step.header);
    for (const ByteRange& r : step.needed) {
      // Ranges are clamped to the object size already; clamp again rather than trust it.
      const uint64_t offset = std::min<uint64_t>(r.offset, bytes.size());
      const uint64_t length = std::min<uint64_t>(r.length, bytes.size() - offset);
      reader.feed(offset, bytes.subspan(offset, length));
    }
  }
}

}  // namespace td::tiff
