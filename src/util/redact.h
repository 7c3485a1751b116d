// The last line of defence against secrets in output: every log line, error
// message, `error` column and stderr line passes through redact() before it
// is written. It
//   - cuts the query string (and fragment) off every URL in the text
//     (scheme://...?...: SAS tokens, presigned signatures) and drops a URL's
//     user:password@ part;
//   - replaces every secret registered with register_secret() (keys, tokens,
//     signatures, as configured) - also in its URL-encoded form - by "***".
// Stores register what they are given when they resolve their configuration,
// so a secret that reaches a message by any path is still never written.
// Thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace td {

// Remembers `secret` (ignored when shorter than 6 bytes: too likely to match
// ordinary text).
void register_secret(std::string_view secret);

// `text` with URL queries, user info and registered secrets removed.
std::string redact(std::string_view text);

}  // namespace td
