#include "util/status.h"

namespace td {

const char* error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::not_tiff: return "not_tiff";
    case ErrorKind::truncated: return "truncated";
    case ErrorKind::ifd_loop: return "ifd_loop";
    case ErrorKind::limit_exceeded: return "limit_exceeded";
    case ErrorKind::invalid_value: return "invalid_value";
    case ErrorKind::not_found: return "not_found";
    case ErrorKind::permission_denied: return "permission_denied";
    case ErrorKind::not_a_file: return "not_a_file";
    case ErrorKind::io: return "io";
    case ErrorKind::unwritable_row: return "unwritable_row";
    case ErrorKind::config: return "config";
    case ErrorKind::internal: return "internal";
  }
  return "internal";
}

}  // namespace td
