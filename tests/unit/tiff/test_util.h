// Small helpers shared by the TIFF unit tests.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tiff/header.h"
#include "tiff/header_reader.h"

namespace td::tiff {
// Rational has no operator== (header.h is a plain data contract); tests compare values.
inline bool operator==(const Rational& a, const Rational& b) {
  return a.numerator == b.numerator && a.denominator == b.denominator;
}
}  // namespace td::tiff

namespace td::tiff::testing {

// Parses `bytes` with read_header and fails the test on error.
inline Header parse_ok(const std::vector<uint8_t>& bytes, Limits limits = {}) {
  auto r = read_header(bytes, limits);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().describe());
  return r.ok() ? std::move(r.value()) : Header{};
}

// Parses `bytes` and returns the error (fails the test if parsing succeeds).
inline Error parse_error(const std::vector<uint8_t>& bytes, Limits limits = {}) {
  auto r = read_header(bytes, limits);
  EXPECT_FALSE(r.ok()) << "expected an error";
  return r.ok() ? Error{ErrorKind::internal, "no error"} : r.error();
}

inline const Tag& tag_of(const Ifd& ifd, uint16_t code) {
  static const Tag missing{};
  const Tag* t = ifd.find(code);
  EXPECT_NE(t, nullptr) << "tag " << code << " missing";
  return t ? *t : missing;
}

template <typename T>
T values_of(const Ifd& ifd, uint16_t code) {
  const Tag& t = tag_of(ifd, code);
  const T* v = std::get_if<T>(&t.values);
  EXPECT_NE(v, nullptr) << "tag " << code << " holds alternative " << t.values.index();
  return v ? *v : T{};
}

inline std::vector<uint8_t> bytes_of(const std::string& s) { return {s.begin(), s.end()}; }

}  // namespace td::tiff::testing
