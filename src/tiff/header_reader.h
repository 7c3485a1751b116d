// Sans-IO TIFF header reader. It never performs I/O: the caller feeds it the
// bytes it has, then asks it to advance. Each advance either finishes (a Header
// or an Error) or lists ALL byte ranges it needs next, together, so the caller
// can coalesce them into one read.
//
//   HeaderReader reader(limits, object_size);
//   reader.feed(0, first_bytes);          // any prefix; 64 KiB is typical
//   for (;;) {
//     auto step = reader.advance();
//     if (step.done()) break;             // step.header or step.error
//     for (auto r : step.needed) reader.feed(r.offset, read(r.offset, r.length));
//   }
//
// The reader decodes classic TIFF and BigTIFF, both byte orders, every IFD of the
// chain and their SubIFDs (tag 330, 4 levels deep), every field type; it reads the
// strip/tile offset and byte-count arrays (to learn where image data starts, skipping
// empty tiles) but does not keep them: their tags stay counted, not loaded. Damage past
// IFD 0's entry table and budgets reached become
// Header::warnings (see Warning in header.h); the rest are typed errors.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "tiff/header.h"
#include "util/bytes.h"
#include "util/status.h"

namespace td::tiff {

// Budgets that bound the memory and time one header may take. Defaults are far above
// real files (a scan of tens of thousands of pages fits); reaching one keeps what was read
// and adds a Warning (metadata_budget_reached, ifd_budget_reached) instead of failing,
// unless not even the file header and IFD 0's entry table fit (then limit_exceeded).
struct Limits {
  uint32_t max_ifds = 100000;          // IFDs read, SubIFDs included (CLI --max-ifds)
  uint64_t max_bytes = 16ull << 20;    // bytes fed/requested per object (CLI --max-header-bytes)
  // Memory the decoded header may take: decoded_base_bytes + decoded_per_byte x the bytes
  // the header occupies (file header, IFDs and the values they point to, each byte once;
  // Header::span_bytes), whatever was fed. Counted at each decode, containers included:
  // sizeof(Ifd) per IFD, sizeof(Tag) per entry, each value at its decoded size (a BYTE
  // becomes an 8-byte integer), the GeoKeys, the warnings. What would pass it is not
  // decoded (a Warning; an error only for IFD 0's entry table), so a small header cannot
  // expand (tags sharing one value, many IFDs repeating it, BYTE arrays widened) into
  // large memory.
  uint64_t decoded_per_byte = 8;
  uint64_t decoded_base_bytes = 64 * 1024;
};

// decoded_base_bytes + decoded_per_byte * span_bytes, saturating.
uint64_t decoded_budget(const Limits& limits, uint64_t span_bytes);

struct Need;  // parse_pass.h

struct ByteRange {
  uint64_t offset = 0;
  uint64_t length = 0;
  uint64_t end() const { return offset + length; }
  bool operator==(const ByteRange&) const = default;
};

class HeaderReader {
 public:
  // object_size: total size of the object if known (ranges are clamped to it; structures
  // past it are `truncated` errors within IFD 0's table, warnings after); nullopt when unknown.
  explicit HeaderReader(Limits limits = {}, std::optional<uint64_t> object_size = std::nullopt);

  // The object's size, when learned after construction (a ranged read's Content-Range
  // total, a file's fstat): the end is then known without searching for it. Ignored when
  // a size was given already.
  void set_object_size(uint64_t size);

  // Makes bytes [offset, offset + bytes.size()) available. Overlapping feeds are fine.
  // Feeding fewer bytes than requested means the object ends there.
  void feed(uint64_t offset, std::span<const uint8_t> bytes);
  // feed(), adopting `bytes` without a copy when they touch nothing fed before
  // (the usual first read); else as the span form.
  void adopt(uint64_t offset, Bytes&& bytes);

  struct Step {
    std::vector<ByteRange> needed;  // non-empty: feed these, then advance again
    std::optional<Header> header;   // set when done and successful
    std::optional<Error> error;     // set when done and failed
    bool done() const { return needed.empty(); }
  };
  // Runs a parse over the bytes fed so far. Call it again only after feeding every range
  // the previous Step listed: a range fed short (or not at all) is taken to mean that the
  // object ends where its bytes stop, so structures beyond are past the end. When the
  // ranges still needed would pass max_bytes, a final pass reads no more and turns them
  // into metadata_budget_reached warnings. Each call
  // either makes progress or finishes; it never asks twice for bytes already fed.
  Step advance();

  uint64_t bytes_fed() const { return bytes_fed_; }

 private:
  bool has(uint64_t offset, uint64_t length) const;
  const uint8_t* at(uint64_t offset) const;  // requires has(offset, 1)
  // End of the fed run of bytes that contains `offset` (`offset` itself if none does).
  uint64_t fed_until(uint64_t offset) const;
  // The parts of [offset, offset + length) not fed yet, in order.
  std::vector<ByteRange> missing(uint64_t offset, uint64_t length) const;
  // The unfed parts of `needs` (with read-ahead unless `minimal`), sorted and coalesced.
  std::vector<ByteRange> plan_reads(const std::vector<Need>& needs, bool minimal) const;
  // 1-byte reads that narrow down where an object of unknown size ends, between the last
  // byte fed and the end of `needed` (or `eof`, an upper bound); empty when no range
  // needed can lie past the end.
  std::vector<ByteRange> end_probes(const std::vector<ByteRange>& needed,
                                    std::optional<uint64_t> eof) const;

  // An IFD an earlier pass decoded in full (every byte it needed was fed). Later passes
  // reuse it: without this a chain of N scattered IFDs would cost N^2 decodes.
  struct CachedIfd {
    Ifd ifd;
    uint64_t next = 0;                   // next-IFD offset
    std::optional<uint64_t> first_data;  // first image-data offset of this IFD
    uint64_t read_end = 0;               // one past the last byte it read
    uint64_t decoded_bytes = 0;          // memory it decoded (counts toward decoded_budget)
    std::vector<ByteRange> spans;        // the ranges it occupies, merged (ParsePass::spans_)
    std::vector<Warning> warnings;       // what decoding it skipped; replayed on reuse
  };

  Limits limits_;
  std::optional<uint64_t> object_size_;
  std::map<uint64_t, Bytes> chunks_;  // disjoint, merged on feed
  uint64_t bytes_fed_ = 0;
  std::vector<ByteRange> last_needed_;   // what the last advance() asked for
  std::optional<uint64_t> known_end_;    // object end learned from a short feed
  bool known_end_exact_ = true;          // false: it ends at or before known_end_
  std::map<uint64_t, CachedIfd> ifd_cache_;  // by IFD offset
  friend class ParsePass;
};

// Convenience for in-memory buffers (tests, fuzzing): the whole object is `bytes`.
Result<Header> read_header(std::span<const uint8_t> bytes, Limits limits = {});

}  // namespace td::tiff
