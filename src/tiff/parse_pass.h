// One parse over the bytes a HeaderReader holds (internal to src/tiff). HeaderReader
// runs a fresh pass on every advance(): the pass walks as far as the bytes allow,
// records every range it could not read (and keeps walking where it can, e.g. past
// an IFD whose out-of-line values are missing), and stops at the first error. Ranges it
// can never read (past the end of the object, or past max_bytes in a final pass) become
// warnings once IFD 0's entry table is read, errors before (Warning, header.h).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "tiff/byte_cursor.h"
#include "tiff/header.h"
#include "tiff/header_reader.h"
#include "util/status.h"

namespace td::tiff {

// Tag warnings listed per IFD; more are summed up in one more_warnings warning, so a
// hostile IFD of 65,535 bad tags yields 9 warnings, not 65,535.
inline constexpr uint32_t kMaxTagWarningsPerIfd = 8;

// Memory charged for one warning's message against the decoded-memory budget, whatever
// its length (messages are built from labels and numbers, well under this).
inline constexpr uint64_t kWarningMessageCharge = 512;

// Bytes read from the start of a structure whose size is not known yet (the file
// header, an IFD): one round trip usually brings the whole IFD and its values.
inline constexpr uint64_t kReadAhead = 16 * 1024;

// A range the pass missed. It needs [offset, offset + min_len) to go on and would like
// [offset, offset + want_len). min_len == 0 marks a range worth reading only together
// with others (the GDAL block between the file header and IFD 0).
struct Need {
  uint64_t offset = 0;
  uint64_t min_len = 0;
  uint64_t want_len = 0;
};

class ParsePass {
 public:
  using IfdCache = std::map<uint64_t, HeaderReader::CachedIfd>;

  // eof: where the object ends, if known (object size or learned from a short feed);
  // eof_exact false: a short feed only showed that it ends at or before eof.
  // The pass reuses complete IFDs from `cache` and adds the ones it completes.
  // no_more_reads: the final pass once max_bytes is spent; ranges not fed are unreadable.
  ParsePass(const HeaderReader& reader, std::optional<uint64_t> eof, bool eof_exact,
            IfdCache& cache, bool no_more_reads = false);
  void run();

  std::optional<Error> error;  // set: the parse failed (needs are then irrelevant)
  std::vector<Need> needs;     // non-empty: the header is incomplete
  Header header;

 private:
  // Where one strip/tile offset or byte-count array of an IFD sits, once it is readable:
  // `values` points at its first element (in the entry when inline, else in the fed bytes).
  struct DataArray {
    const uint8_t* values = nullptr;  // nullptr: absent, not fed yet, or unreadable
    uint64_t count = 0;
    unsigned size = 0;  // bytes per element
  };
  struct DataStart {  // StripOffsets, StripByteCounts, TileOffsets, TileByteCounts
    DataArray strip_offsets, strip_bytes, tile_offsets, tile_bytes;
  };
  // Smallest offset with a non-zero byte count (and a non-zero offset) over both arrays.
  std::optional<uint64_t> first_data(const DataArray& offsets, const DataArray& bytes) const;
  // Decodes the IFD's strip or tile arrays into Ifd::block_offsets / block_byte_counts
  // (header.h), charged against the decoded-memory budget.
  void keep_blocks(uint32_t index, Ifd& ifd, const DataStart& start);
  // The first n elements of `a`, widened to 64 bits.
  void decode_array(const DataArray& a, uint64_t n, std::vector<uint64_t>& out) const;
  // unreadable: past the end, overflowing, or (no_more_reads) not fed; why is in problem_.
  enum class Avail { have, missing, unreadable };
  struct Problem {
    ErrorKind kind = ErrorKind::truncated;  // for callers that must fail
    std::string message;
    bool budget = false;  // not fed within max_bytes (else: past the end or overflowing)
  };

  template <typename Describe>
  Avail require(uint64_t offset, uint64_t len, uint64_t want, Describe describe);
  bool parse_file_header(uint64_t& first_ifd);
  void parse_gdal_metadata();
  void walk_chain(uint64_t first_ifd);
  // Reads the SubIFDs (tag 330) of chain_[parent], then theirs, up to kMaxSubIfdDepth.
  void follow_subifds(uint32_t parent, uint32_t chain_index, uint32_t depth);
  // An IFD that cannot be read or kept: an end-of-chain warning for a main-chain IFD, a
  // warning on the parent (tag 330) for a SubIFD (sub_ set).
  void lose(const char* kind, std::string message);
  // Returns the next IFD offset (0 ends the chain), or nullopt when the walk must stop.
  std::optional<uint64_t> parse_ifd(uint32_t index, uint64_t offset);
  void add_data_offset(std::optional<uint64_t> offset);
  bool parse_entry(uint32_t index, const uint8_t* entry, Ifd& ifd, DataStart& start);
  // The whole offset or byte-count array of tag `t`, read as any out-of-line value.
  DataArray data_array(uint32_t index, const Tag& t, const uint8_t* field);
  void fail(ErrorKind kind, std::string message);
  void warn(const char* kind, uint32_t ifd, std::optional<uint16_t> tag, std::string message);
  // The IFD chain ends after the last main-chain IFD kept (prev_top_): a warning on it.
  void end_chain(const char* kind, std::string message);
  // Bytes the decoded header may still take: false when `bytes` do not fit (decoded_bytes_
  // is not changed then).
  bool fits(uint64_t bytes) const;
  void charge(uint64_t bytes);
  void note_read(uint64_t offset, uint64_t len);

  const HeaderReader& reader_;
  // Memory decoded this pass (cached IFDs included), against decoded_budget() of the
  // header's span bytes: many tags may share one out-of-line value and each decodes its
  // own copy, IFDs may repeat one value, BYTEs widen to 8 bytes, so the bytes a header
  // occupies do not bound its decoded size; this does.
  uint64_t decoded_bytes_ = 0;
  // Union of the byte ranges the header occupies (file header, IFDs, out-of-line values,
  // offset and byte-count arrays), each byte once, as start -> end. It depends on the file alone, not
  // on how bytes were fed, so the budget's verdict is the same for every read pattern;
  // an IFD's value ranges are added before its values are decoded (cached or not).
  std::map<uint64_t, uint64_t> spans_;
  uint64_t span_bytes_ = 0;
  std::vector<ByteRange>* ifd_spans_ = nullptr;  // the current IFD's ranges, for its cache entry
  void add_span(uint64_t offset, uint64_t len);
  // The out-of-line range entry `e` reads (a loaded value, or a data array's first
  // element), if any; nullopt for inline values and counts that overflow.
  std::optional<ByteRange> entry_span(const uint8_t* e) const;
  uint64_t budget() const { return decoded_budget(limits_, span_bytes_); }
  std::string budget_message(const std::string& where) const;
  const Limits& limits_;
  std::optional<uint64_t> eof_;
  bool eof_exact_;
  bool no_more_reads_;
  Problem problem_;  // why the last require() was unreadable
  IfdCache& cache_;
  std::vector<Ifd*> chain_;        // the IFDs walked, in the cache or in partial_
  struct Origin {                  // Ifd::chain_index, parent, subifd_index of chain_[i]
    uint32_t chain_index = 0;
    std::optional<uint32_t> parent, subifd_index;
  };
  std::vector<Origin> origins_;    // parallel to chain_
  // Offset -> index of every IFD visited (main chain and SubIFDs), to detect loops in O(1)
  // per IFD: a file may hold max_ifds (100,000) IFDs.
  std::unordered_map<uint64_t, uint32_t> seen_;
  // Offset -> index of the main-chain IFDs only: the main chain loops when it meets one
  // of these again (an IFD read before as a SubIFD is no loop).
  std::unordered_map<uint64_t, uint32_t> main_seen_;
  uint32_t prev_top_ = 0;          // index in chain_ of the last main-chain IFD kept
  struct SubIfd {                  // the SubIFD being read: position `position` of `parent`
    uint32_t parent = 0, position = 0;
  };
  std::optional<SubIfd> sub_;
  std::deque<Ifd> partial_;        // IFDs still missing values (deque: stable addresses)
  uint64_t ifd_read_end_ = 0;      // one past the last byte read for the current IFD
  uint32_t ifd_tag_warnings_ = 0;  // tag warnings of the current IFD, listed or not
  uint32_t ifd_budget_skips_ = 0;  // values of the current IFD skipped for the memory budget
  ByteCursor cursor_{ByteOrder::little};
  uint64_t header_size_ = 8;  // 16 for BigTIFF
};

}  // namespace td::tiff
