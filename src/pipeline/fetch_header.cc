#include "pipeline/fetch_header.h"

#include <algorithm>

namespace td::pipeline {

// Merges ranges whose gap is below `gap`: one request for nearby ranges costs
// less than a round trip each, but far-apart ranges (values at the start of a
// big strip file, IFD at its end) must not pull in the bytes between them.
std::vector<tiff::ByteRange> coalesce(std::vector<tiff::ByteRange> ranges, uint64_t gap) {
  std::sort(ranges.begin(), ranges.end(), [](auto& a, auto& b) { return a.offset < b.offset; });
  std::vector<tiff::ByteRange> out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.offset <= out.back().end() + gap) {
      out.back().length = std::max(out.back().end(), r.end()) - out.back().offset;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

row::ObjectOutcome fetch_header(store::Store& store, const store::ObjectInfo& object,
                                const FetchOptions& options) {
  row::ObjectOutcome out;
  out.object = object;
  tiff::HeaderReader reader(options.limits, object.size);

  auto read = [&](uint64_t offset, uint64_t length) -> bool {
    auto bytes = store.read_range(object.key, offset, length);
    out.cost.requests++;
    if (!bytes.ok()) {
      out.error = bytes.error();
      return false;
    }
    out.cost.bytes_read += bytes->size();
    reader.feed(offset, *bytes);
    return true;
  };

  uint64_t first = std::min<uint64_t>(options.first_read_bytes, std::max<uint64_t>(object.size, 16));
  if (!read(0, first)) return out;
  for (int guard = 0; guard < 10000; ++guard) {
    auto step = reader.advance();
    if (step.done()) {
      if (step.error) {
        out.error = step.error;
      } else {
        out.header = std::move(step.header);
      }
      return out;
    }
    for (const auto& span : coalesce(step.needed, options.coalesce_gap_bytes)) {
      if (!read(span.offset, span.length)) return out;
    }
  }
  out.error = Error{ErrorKind::internal, "header reader made no progress"};
  return out;
}

}  // namespace td::pipeline
