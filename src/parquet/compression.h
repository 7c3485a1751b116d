// Page compression: the whole data page body (levels and values) is
// compressed as one block, as data page V1 requires.
#pragma once

#include <string>
#include <string_view>

#include "parquet/file_writer.h"
#include "util/status.h"

namespace td::parquet {

// The compressed bytes (a copy for Codec::uncompressed).
Result<std::string> compress(Codec codec, int zstd_level, std::string_view data);

}  // namespace td::parquet
