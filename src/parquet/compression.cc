#include "parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

namespace td::parquet {

struct Compressor::ZstdContext {
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ~ZstdContext() { ZSTD_freeCCtx(cctx); }
};

Compressor::Compressor(Codec codec, int zstd_level) : codec_(codec), zstd_level_(zstd_level) {
  if (codec_ == Codec::zstd) zstd_ = std::make_unique<ZstdContext>();
}

Compressor::~Compressor() = default;

Result<std::string_view> Compressor::compress(std::string_view data) {
  switch (codec_) {
    case Codec::uncompressed:
      return data;
    case Codec::snappy: {
      out_.resize(snappy::MaxCompressedLength(data.size()));
      size_t n = 0;
      snappy::RawCompress(data.data(), data.size(), out_.data(), &n);
      return std::string_view(out_.data(), n);
    }
    case Codec::zstd: {
      if (!zstd_->cctx) return Error{ErrorKind::internal, "zstd: cannot create a compression context"};
      out_.resize(ZSTD_compressBound(data.size()));
      const size_t n = ZSTD_compressCCtx(zstd_->cctx, out_.data(), out_.size(), data.data(), data.size(), zstd_level_);
      if (ZSTD_isError(n))
        return Error{ErrorKind::internal, std::string("zstd compression failed: ") + ZSTD_getErrorName(n)};
      return std::string_view(out_.data(), n);
    }
  }
  return Error{ErrorKind::internal, "unknown codec"};
}

}  // namespace td::parquet
