// Typed views of one IFD's tags as row values: the building blocks the column
// table's fill functions use. Each returns a null Value when the tag is absent
// (or holds no values of the expected kind). Text is made valid UTF-8 here, once.
#pragma once

#include <cstdint>
#include <string>

#include "parquet/schema.h"
#include "tiff/header.h"

namespace td::row {

// `s` as valid UTF-8: unchanged when it already is, else decoded as Latin-1
// (every byte stays recoverable). STRING columns must hold valid UTF-8.
std::string utf8(std::string s);
parquet::Value text(std::string s);

// First value as an integer (unsigned or signed types), else null.
parquet::Value opt_int(const tiff::Ifd& ifd, uint16_t code);
// First value as a double (RATIONALs divided), else null.
parquet::Value opt_double(const tiff::Ifd& ifd, uint16_t code);
// ASCII value as UTF-8 text, else null.
parquet::Value opt_string(const tiff::Ifd& ifd, uint16_t code);
// Every value as a list of integers / doubles; null when the tag is absent or not loaded.
parquet::Value int_list(const tiff::Ifd& ifd, uint16_t code);
parquet::Value double_list(const tiff::Ifd& ifd, uint16_t code);
// BYTE / UNDEFINED values as raw bytes, else null.
parquet::Value bytes(const tiff::Ifd& ifd, uint16_t code);

}  // namespace td::row
