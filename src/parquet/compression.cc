#include "parquet/compression.h"

#include <snappy.h>
#include <zstd.h>

namespace td::parquet {

Result<std::string> compress(Codec codec, int zstd_level, std::string_view data) {
  switch (codec) {
    case Codec::uncompressed:
      return std::string(data);
    case Codec::snappy: {
      std::string out;
      snappy::Compress(data.data(), data.size(), &out);
      return out;
    }
    case Codec::zstd: {
      std::string out(ZSTD_compressBound(data.size()), '\0');
      const size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), zstd_level);
      if (ZSTD_isError(n))
        return Error{ErrorKind::internal, std::string("zstd compression failed: ") + ZSTD_getErrorName(n)};
      out.resize(n);
      return out;
    }
  }
  return Error{ErrorKind::internal, "unknown codec"};
}

}  // namespace td::parquet
