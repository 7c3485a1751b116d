#include "parquet/column_buffer.h"

#include <cstring>
#include <variant>

#include "parquet/levels.h"

namespace td::parquet {

namespace {

template <typename T>
void append_le(std::string& out, T v) {
  char b[sizeof(T)];
  std::memcpy(b, &v, sizeof(T));  // little-endian hosts only (checked in file_writer.cc)
  out.append(b, sizeof(T));
}

void append_levels(std::string& out, const std::vector<int16_t>& levels, int16_t max_level) {
  const std::string enc = encode_levels(levels, max_level);
  append_le(out, static_cast<uint32_t>(enc.size()));
  out += enc;
}

}  // namespace

ColumnBuffer::ColumnBuffer(const LeafColumn& leaf) : leaf_(leaf) {}

void ColumnBuffer::add_levels(int16_t rep, int16_t def) {
  if (leaf_.max_rep > 0) rep_.push_back(rep);
  if (leaf_.max_def > 0) def_.push_back(def);
  ++num_levels_;
}

void ColumnBuffer::add_null(int16_t rep, int16_t def) {
  add_levels(rep, def);
  ++num_nulls_;
}

void ColumnBuffer::add_value(int16_t rep, const Value& v) {
  const auto& raw = v.raw();
  switch (leaf_.physical) {
    case Physical::boolean: add_bool(rep, std::get<bool>(raw)); break;
    case Physical::int32:
    case Physical::int64: add_int(rep, std::get<int64_t>(raw)); break;
    case Physical::double_: add_double(rep, std::get<double>(raw)); break;
    case Physical::byte_array: add_bytes(rep, std::get<std::string>(raw)); break;
  }
}

void ColumnBuffer::add_bool(int16_t rep, bool b) {
  add_levels(rep, leaf_.max_def);
  if (bool_bits_ == 0) values_.push_back('\0');
  if (b) values_.back() = static_cast<char>(values_.back() | (1 << bool_bits_));
  bool_bits_ = (bool_bits_ + 1) % 8;
}

void ColumnBuffer::add_int(int16_t rep, int64_t i) {
  add_levels(rep, leaf_.max_def);
  if (leaf_.physical == Physical::int32) {
    // Validated to fit; unsigned 32-bit values keep their bit pattern.
    append_le(values_, static_cast<int32_t>(static_cast<uint32_t>(i)));
  } else {
    append_le(values_, i);
  }
}

void ColumnBuffer::add_double(int16_t rep, double d) {
  add_levels(rep, leaf_.max_def);
  append_le(values_, d);
}

void ColumnBuffer::add_bytes(int16_t rep, std::string_view s) {
  add_levels(rep, leaf_.max_def);
  append_le(values_, static_cast<uint32_t>(s.size()));
  values_ += s;
}

void ColumnBuffer::append(const ColumnBuffer& other) {
  rep_.insert(rep_.end(), other.rep_.begin(), other.rep_.end());
  def_.insert(def_.end(), other.def_.begin(), other.def_.end());
  if (leaf_.physical == Physical::boolean) {  // bit-packed: re-pack after our last bit
    const auto present = static_cast<size_t>(other.num_levels_ - other.num_nulls_);
    for (size_t i = 0; i < present; ++i) {
      if (bool_bits_ == 0) values_.push_back('\0');
      if ((static_cast<unsigned char>(other.values_[i / 8]) >> (i % 8)) & 1)
        values_.back() = static_cast<char>(values_.back() | (1 << bool_bits_));
      bool_bits_ = (bool_bits_ + 1) % 8;
    }
  } else {
    values_ += other.values_;
  }
  num_levels_ += other.num_levels_;
  num_nulls_ += other.num_nulls_;
}

void ColumnBuffer::page_body(std::string& body) const {
  body.clear();
  if (leaf_.max_rep > 0) append_levels(body, rep_, leaf_.max_rep);
  if (leaf_.max_def > 0) append_levels(body, def_, leaf_.max_def);
  body += values_;
}

void ColumnBuffer::clear() {
  // Give the memory back rather than keep the capacity: a column's largest
  // group (the IFD lists of a many-overview source, the JSON of a tag-rich
  // one) would otherwise stay reserved, and the writer would hold the sum of
  // every column's worst group instead of one group. Regrowing costs about
  // one reallocation per row.
  std::vector<int16_t>().swap(rep_);
  std::vector<int16_t>().swap(def_);
  std::string().swap(values_);
  bool_bits_ = 0;
  num_levels_ = 0;
  num_nulls_ = 0;
}

void ColumnBuffer::rollback(const Mark& m) {
  rep_.resize(m.rep);
  def_.resize(m.def);
  values_.resize(m.values);
  // Booleans share bytes: clear the bits set after the mark in its last byte.
  if (m.bool_bits > 0) values_.back() = static_cast<char>(values_.back() & ((1 << m.bool_bits) - 1));
  bool_bits_ = m.bool_bits;
  num_levels_ = m.num_levels;
  num_nulls_ = m.num_nulls;
}

ColumnStatistics ColumnBuffer::statistics() const {
  ColumnStatistics stats(leaf_.physical, leaf_.logical);
  stats.add_nulls(num_nulls_);
  const auto present = static_cast<size_t>(num_levels_ - num_nulls_);
  const char* p = values_.data();
  auto fixed_width = [&](auto zero) {
    decltype(zero) v;
    for (size_t i = 0; i < present; ++i, p += sizeof v) {
      std::memcpy(&v, p, sizeof v);  // little-endian hosts only (checked in file_writer.cc)
      stats.update(v);
    }
  };
  switch (leaf_.physical) {
    case Physical::boolean:
      for (size_t i = 0; i < present; ++i)
        stats.update(((static_cast<unsigned char>(values_[i / 8]) >> (i % 8)) & 1) != 0);
      break;
    case Physical::int32: fixed_width(int32_t{}); break;
    case Physical::int64: fixed_width(int64_t{}); break;
    case Physical::double_: fixed_width(double{}); break;
    case Physical::byte_array:
      for (size_t i = 0; i < present; ++i) {
        uint32_t n;
        std::memcpy(&n, p, sizeof n);
        stats.update(std::string_view(p + sizeof n, n));
        p += sizeof n + n;
      }
      break;
  }
  return stats;
}

}  // namespace td::parquet
