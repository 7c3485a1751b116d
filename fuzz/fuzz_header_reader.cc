// libFuzzer target for the TIFF header reader. Each input is parsed three ways:
//   1. read_header() (object size known, bytes fed on request);
//   2. the sans-IO protocol with the size unknown, a prefix fed up front and short feeds
//      at the end of the input, as a remote store would behave;
//   3. read_header() under tiny limits, to reach the limit paths.
// Beyond "no crash, no UB, no leak, no hang", 1 and 2 must agree: same success, and the
// same IFDs, tags, GeoKeys, first_data_offset and warnings (kind, IFD, tag) when both
// succeed; and the row 1 makes straight into column buffers must equal the one made as
// a Value tree and checked by the Shredder (row_paths_agree.h).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>
#include <type_traits>
#include <variant>

#include "row_paths_agree.h"  // tests/unit/row
#include "tiff/header_reader.h"
#include "tiff/tags.h"

namespace {

using namespace td::tiff;
using td::Result;

// Byte-exact text of everything but the GDAL block (which depends on what was fed).
void append(std::string& out, const void* p, size_t n) {
  out.append(static_cast<const char*>(p), n);
}
template <typename T>
void append_value(std::string& out, const T& v) { append(out, &v, sizeof v); }

std::string fingerprint(const Header& h) {
  std::string out;
  append_value(out, h.bigtiff);
  append_value(out, h.byte_order);
  append_value(out, h.first_data_offset.value_or(~uint64_t{0}));
  for (const Ifd& ifd : h.ifds) {
    append_value(out, ifd.offset);
    for (const Tag& t : ifd.tags) {
      append_value(out, t.code);
      append_value(out, t.type_code);
      append_value(out, t.count);
      append_value(out, t.values.index());
      std::visit([&](const auto& v) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {
          append_value(out, v.size());
          if (!v.empty()) append(out, v.data(), v.size() * sizeof(v[0]));
        }
      }, t.values);
    }
  }
  if (h.geokeys) {
    for (const GeoKey& k : h.geokeys->keys) {
      append_value(out, k.id);
      append_value(out, k.value.index());
      std::visit([&](const auto& v) {
        if constexpr (!std::is_same_v<std::decay_t<decltype(v)>, std::monostate>) {  // null: params tag missing
          append_value(out, v.size());
          if (!v.empty()) append(out, v.data(), v.size() * sizeof(v[0]));
        }
      }, k.value);
    }
  }
  // What was skipped must not depend on how the bytes arrived either (messages may: they
  // name the object's size when it is known).
  for (const Warning& w : h.warnings) {
    out += w.kind;
    append_value(out, w.ifd);
    append_value(out, w.tag.value_or(0xFFFFu) | (w.tag ? 0u : 0x10000u));
  }
  return out;
}

// Runs the accessors over every decoded value (NaN, huge or zero-denominator inputs).
size_t touch_accessors(const Header& h) {
  size_t n = 0;
  for (const Ifd& ifd : h.ifds) {
    for (const Tag& t : ifd.tags) {
      n += tag_name(t.code) != nullptr;
      n += t.first_uint().value_or(0) & 1;
      n += t.first_double().has_value();
      n += t.as_doubles().size() + t.as_ints().size();
    }
    n += ifd.find(256) != nullptr;  // once per IFD: find() is linear
  }
  if (h.geokeys) {
    for (const GeoKey& k : h.geokeys->keys) n += geokey_info(k.id) != nullptr;
  }
  return n;
}

Result<Header> read_remote(std::span<const uint8_t> bytes, size_t prefix) {
  HeaderReader reader;
  auto feed = [&](uint64_t offset, uint64_t len) {
    offset = std::min<uint64_t>(offset, bytes.size());
    len = std::min<uint64_t>(len, bytes.size() - offset);
    reader.feed(offset, bytes.subspan(offset, len));
  };
  feed(0, prefix);
  for (int rounds = 0;; ++rounds) {
    if (rounds > 5000) {
      std::fprintf(stderr, "no progress after %d rounds\n", rounds);
      std::abort();
    }
    auto step = reader.advance();
    if (step.error) return *step.error;
    if (step.header) return std::move(*step.header);
    for (const ByteRange& r : step.needed) feed(r.offset, r.length);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::span<const uint8_t> bytes(data, size);
  auto whole = read_header(bytes);

  const size_t prefix = size == 0 ? 0 : (static_cast<size_t>(data[size - 1]) * 131) % (size + 1);
  auto remote = read_remote(bytes, prefix);
  if (whole.ok() != remote.ok()) {
    std::fprintf(stderr, "in-memory %s but remote %s\n",
                 whole.ok() ? "ok" : whole.error().describe().c_str(),
                 remote.ok() ? "ok" : remote.error().describe().c_str());
    std::abort();
  }
  if (whole.ok() && fingerprint(*whole) != fingerprint(*remote)) {
    std::fprintf(stderr, "in-memory and remote headers differ\n");
    std::abort();
  }

  if (whole.ok()) {
    volatile size_t sink = touch_accessors(*whole);
    (void)sink;
    // The row a hostile header makes, straight into column buffers, is what
    // the Shredder's checks accept (UTF-8, JSON, shape) and what `info` shows.
    td::row::ObjectOutcome outcome;
    outcome.object.key = "fuzz.tif";
    outcome.object.size = size;
    outcome.header = std::move(*whole);
    if (std::string why = td::row::testing::row_paths_disagree(outcome); !why.empty()) {
      std::fprintf(stderr, "row paths disagree: %s\n", why.c_str());
      std::abort();
    }
  }

  Limits tiny;
  tiny.max_ifds = 3;
  tiny.max_bytes = 2048;
  (void)read_header(bytes, tiny);
  return 0;
}
