#include "parquet/writer_options.h"

namespace td::parquet {

Result<Codec> parse_codec(const std::string& name) {
  if (name == "snappy") return Codec::snappy;
  if (name == "zstd") return Codec::zstd;
  if (name == "uncompressed" || name == "none") return Codec::uncompressed;
  return Error{ErrorKind::config,
               "unknown parquet codec '" + name + "' (expected snappy, zstd or uncompressed)"};
}

}  // namespace td::parquet
