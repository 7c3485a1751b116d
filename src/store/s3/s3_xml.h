// The S3 response bodies we read: ListObjectsV2 results and <Error>
// documents (plus the ISO 8601 dates of listings). Response headers are read
// by store/common/http_metadata.h, the XML is scanned with
// store/common/xml_scan.h (S3's XML is flat and regular).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.h"
#include "util/status.h"

namespace td::store::s3 {

struct ListPage {
  std::vector<ObjectInfo> objects;  // full keys (decoded), etags without quotes
  bool truncated = false;
  std::string next_token;           // NextContinuationToken when truncated
  std::vector<std::string> common_prefixes;  // with a delimiter: <CommonPrefixes><Prefix> (decoded)
};

// Parses a ListBucketResult. Keys are URL-decoded when the response says
// <EncodingType>url</EncodingType> (servers that ignore encoding-type=url
// send raw keys and no EncodingType), '+' as ' ': S3's encoding-type=url is
// form-style, as botocore's unquote_plus assumes; servers that write %20
// decode the same. An invalid_value error for bodies that
// are not a ListBucketResult.
Result<ListPage> parse_list_objects_v2(std::string_view xml);

struct ErrorBody {
  std::string code;     // "NoSuchBucket", "AccessDenied", ...
  std::string message;
  std::string region;   // <Region> of AuthorizationHeaderMalformed / PermanentRedirect
  std::string endpoint; // <Endpoint> of PermanentRedirect
};
std::optional<ErrorBody> parse_error_body(std::string_view xml);

// "2009-10-12T17:50:30.000Z" (also without fraction, or with +hh:mm) to epoch ms.
std::optional<int64_t> parse_iso8601_ms(std::string_view s);

}  // namespace td::store::s3
