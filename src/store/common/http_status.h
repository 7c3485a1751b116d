// The one map from an HTTP status to the ErrorKind an object row records,
// shared by every HTTP-based store (S3, Azure, GCS, plain HTTP), so the same
// server answer gives the same `error_kind` whichever store asked.
#pragma once

#include <string>

#include "util/status.h"

namespace td::store {

// 401, 403 -> permission_denied; 404, 410 -> not_found; anything else
// (5xx after the engine's retries, 400, 409, 416 out of place, ...) -> io.
// Backends may raise a status to `config` where the body proves the
// credentials themselves are wrong (every request would fail alike), but
// never use another map. Transport failures are not statuses: the engine's
// Error (with its kind: `config` for an untrusted certificate or an
// unreachable host, else `io`) is passed through unchanged.
ErrorKind http_status_kind(long status);

// A transport Error (the engine's: no HTTP status) with what the request was
// for in front: "GCS read gs://b/k: " + e.message, its kind unchanged; `e`
// itself when `what` is empty.
Error with_context(const Error& e, const std::string& what);

}  // namespace td::store
