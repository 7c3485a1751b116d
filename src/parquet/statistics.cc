#include "parquet/statistics.h"

#include <cmath>
#include <cstring>

namespace td::parquet {

namespace {

template <typename T>
std::string plain_bytes(T v) {
  std::string s(sizeof(T), '\0');
  std::memcpy(s.data(), &v, sizeof(T));  // little-endian hosts only (checked in file_writer.cc)
  return s;
}

bool is_unsigned(Logical l) {
  return l == Logical::uint8 || l == Logical::uint16 || l == Logical::uint32 ||
         l == Logical::uint64;
}

bool less_bytes(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);  // memcmp compares unsigned
  return c < 0 || (c == 0 && a.size() < b.size());
}

}  // namespace

ColumnStatistics::ColumnStatistics(Physical physical, Logical logical)
    : physical_(physical), unsigned_(is_unsigned(logical)) {}

void ColumnStatistics::reset() {
  null_count_ = 0;
  has_ = false;
  min_s_.clear();
  max_s_.clear();
}

void ColumnStatistics::update(bool v) { update(static_cast<int64_t>(v ? 1 : 0)); }

void ColumnStatistics::update(int32_t v) {
  // Unsigned 32-bit values compare as their zero-extended value.
  update(unsigned_ ? static_cast<int64_t>(static_cast<uint32_t>(v)) : static_cast<int64_t>(v));
}

void ColumnStatistics::update(int64_t v) {
  if (!has_) {
    min_i_ = max_i_ = v;
    has_ = true;
    return;
  }
  const bool as_unsigned = unsigned_ && physical_ == Physical::int64;
  auto lt = [as_unsigned](int64_t a, int64_t b) {
    return as_unsigned ? static_cast<uint64_t>(a) < static_cast<uint64_t>(b) : a < b;
  };
  if (lt(v, min_i_)) min_i_ = v;
  if (lt(max_i_, v)) max_i_ = v;
}

void ColumnStatistics::update(double v) {
  if (std::isnan(v)) return;
  if (!has_) {
    min_d_ = max_d_ = v;
    has_ = true;
    return;
  }
  if (v < min_d_) min_d_ = v;
  if (v > max_d_) max_d_ = v;
}

void ColumnStatistics::update(std::string_view v) {
  if (!has_) {
    min_s_ = max_s_ = std::string(v);
    has_ = true;
    return;
  }
  if (less_bytes(v, min_s_)) min_s_ = std::string(v);
  if (less_bytes(max_s_, v)) max_s_ = std::string(v);
}

EncodedStatistics ColumnStatistics::encode() const {
  EncodedStatistics e;
  e.null_count = null_count_;
  e.signed_order = physical_ != Physical::byte_array && !unsigned_;
  if (!has_) return e;
  switch (physical_) {
    case Physical::boolean:
      e.min_value = std::string(1, static_cast<char>(min_i_));
      e.max_value = std::string(1, static_cast<char>(max_i_));
      break;
    case Physical::int32:
      e.min_value = plain_bytes(static_cast<int32_t>(static_cast<uint32_t>(min_i_)));
      e.max_value = plain_bytes(static_cast<int32_t>(static_cast<uint32_t>(max_i_)));
      break;
    case Physical::int64:
      e.min_value = plain_bytes(min_i_);
      e.max_value = plain_bytes(max_i_);
      break;
    case Physical::double_:
      e.min_value = plain_bytes(min_d_ == 0.0 ? -0.0 : min_d_);
      e.max_value = plain_bytes(max_d_ == 0.0 ? +0.0 : max_d_);
      break;
    case Physical::byte_array:
      if (min_s_.size() <= kMaxByteArrayStat && max_s_.size() <= kMaxByteArrayStat) {
        e.min_value = min_s_;
        e.max_value = max_s_;
      }
      break;
  }
  return e;
}

}  // namespace td::parquet
