// Error values that cross module boundaries (LevelDB-style): no exceptions
// leave a module. Every error carries a kind that the output can record.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace td {

enum class ErrorKind {
  not_tiff,        // the first bytes are not a TIFF/BigTIFF header
  truncated,       // a structure lies (partly) past the end of the object
  ifd_loop,        // the IFD chain revisits an offset
  limit_exceeded,  // more IFDs, bytes or values than the configured caps
  invalid_value,   // a field is malformed (bad type, overflowing count, ...)
  not_found,       // the object vanished between listing and reading
  permission_denied,
  not_a_file,      // the key names a directory, FIFO, socket or device (local stores)
  io,              // any other failure to read the bytes
  unwritable_row,  // the Parquet writer refused the object's row; its error row stands in
  config,          // bad user configuration (never an object row)
  internal,
};

const char* error_kind_name(ErrorKind kind);

struct Error {
  ErrorKind kind;
  std::string message;
  std::string describe() const { return std::string(error_kind_name(kind)) + ": " + message; }
};

// Result<T>: either a value or an Error.
template <typename T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}      // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() { return std::get<0>(v_); }
  const T& value() const { return std::get<0>(v_); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Status: success or an Error.
class Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT(google-explicit-constructor)
  static Status ok_status() { return Status(); }
  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_{ErrorKind::internal, ""};
  bool ok_ = true;
};

}  // namespace td
