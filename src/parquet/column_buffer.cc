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

ColumnBuffer::ColumnBuffer(const LeafColumn& leaf)
    : leaf_(leaf), stats_(leaf.physical, leaf.logical) {}

void ColumnBuffer::add_levels(int16_t rep, int16_t def) {
  if (leaf_.max_rep > 0) rep_.push_back(rep);
  if (leaf_.max_def > 0) def_.push_back(def);
  ++num_levels_;
}

void ColumnBuffer::add_null(int16_t rep, int16_t def) {
  add_levels(rep, def);
  ++num_nulls_;
  stats_.add_nulls(1);
}

void ColumnBuffer::add_value(int16_t rep, const Value& v) {
  add_levels(rep, leaf_.max_def);
  const auto& raw = v.raw();
  switch (leaf_.physical) {
    case Physical::boolean: {
      const bool b = std::get<bool>(raw);
      if (bool_bits_ == 0) values_.push_back('\0');
      if (b) values_.back() = static_cast<char>(values_.back() | (1 << bool_bits_));
      bool_bits_ = (bool_bits_ + 1) % 8;
      stats_.update(b);
      break;
    }
    case Physical::int32: {
      // Validated to fit; unsigned 32-bit values keep their bit pattern.
      const auto i = static_cast<int32_t>(static_cast<uint32_t>(std::get<int64_t>(raw)));
      append_le(values_, i);
      stats_.update(i);
      break;
    }
    case Physical::int64: {
      const int64_t i = std::get<int64_t>(raw);
      append_le(values_, i);
      stats_.update(i);
      break;
    }
    case Physical::double_: {
      const double d = std::get<double>(raw);
      append_le(values_, d);
      stats_.update(d);
      break;
    }
    case Physical::byte_array: {
      const std::string& s = std::get<std::string>(raw);
      append_le(values_, static_cast<uint32_t>(s.size()));
      values_ += s;
      stats_.update(std::string_view(s));
      break;
    }
  }
}

void ColumnBuffer::page_body(std::string& body) const {
  body.clear();
  if (leaf_.max_rep > 0) append_levels(body, rep_, leaf_.max_rep);
  if (leaf_.max_def > 0) append_levels(body, def_, leaf_.max_def);
  body += values_;
}

void ColumnBuffer::clear() {
  rep_.clear();
  def_.clear();
  values_.clear();
  bool_bits_ = 0;
  num_levels_ = 0;
  num_nulls_ = 0;
  stats_.reset();
}

}  // namespace td::parquet
