// Object metadata from HTTP response headers, shared by the HTTP-based
// stores: the object size from Content-Range (or Content-Length on a 200),
// the ETag without its quotes, and Last-Modified as epoch milliseconds.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/engine.h"
#include "store/store.h"

namespace td::store {

struct ContentRange {
  std::optional<uint64_t> first, last;  // absent in "bytes */total"
  std::optional<uint64_t> total;        // absent in "bytes a-b/*"
};

// Parses "bytes a-b/total", "bytes a-b/*" or "bytes */total".
std::optional<ContentRange> parse_content_range(const std::string& value);

// "\"abc\"" -> "abc"; W/"abc" -> "W/abc"; other text unchanged.
std::string strip_etag_quotes(const std::string& etag);

// An RFC 1123 (or other HTTP) date as Unix epoch milliseconds.
std::optional<int64_t> parse_http_date_ms(const std::string& value);

// Size, etag and last-modified of the object a response describes. Size:
// Content-Range's total on a 206 or 416, Content-Length on a 200 or a HEAD.
ObjectInfo object_info_from_response(const http::Response& response, bool head_request = false);

// Turns a successful ranged-GET response into the bytes of [offset, offset+length):
//   206: the body (checked to start at `offset`); 200 (Range ignored): the
//   body from byte response.body_offset, so its slice at `offset`; 416: zero bytes (empty
//   object, or `offset` at or past its end). Other statuses are not handled
//   here (the caller maps them to errors first). RangeRead::wire_bytes is
//   the response's wire_bytes.
Result<RangeRead> range_read_from_response(http::Response&& response, uint64_t offset, uint64_t length,
                                           const std::string& redacted_url);

}  // namespace td::store
