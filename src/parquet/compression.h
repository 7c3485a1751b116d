// Page compression: the whole data page body (levels and values) is
// compressed as one block, as data page V1 requires.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "parquet/writer_options.h"
#include "util/status.h"

namespace td::parquet {

// Reuses its output buffer (and zstd context) from page to page instead of
// allocating a column-sized buffer (and a zstd context) per column chunk.
class Compressor {
 public:
  Compressor(Codec codec, int zstd_level);
  ~Compressor();
  Compressor(const Compressor&) = delete;
  Compressor& operator=(const Compressor&) = delete;

  // The bytes to store for `data`: `data` itself for Codec::uncompressed,
  // otherwise a view of the internal buffer, valid until the next call.
  Result<std::string_view> compress(std::string_view data);

 private:
  struct ZstdContext;
  Codec codec_;
  int zstd_level_;
  std::string out_;
  std::unique_ptr<ZstdContext> zstd_;
};

}  // namespace td::parquet
