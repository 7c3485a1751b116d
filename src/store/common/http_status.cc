#include "store/common/http_status.h"

namespace td::store {

ErrorKind http_status_kind(long status) {
  switch (status) {
    case 401:
    case 403:
      return ErrorKind::permission_denied;
    case 404:
    case 410:
      return ErrorKind::not_found;
    default:
      return ErrorKind::io;
  }
}

Error with_context(const Error& e, const std::string& what) {
  return what.empty() ? e : Error{e.kind, what + ": " + e.message};
}

}  // namespace td::store
