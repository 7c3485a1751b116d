// The two XML documents the Blob service answers with, parsed without an XML
// library: List Blobs results and error bodies. Both are flat, well-known
// shapes, scanned with store/common/xml_scan.h.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "store/store.h"
#include "util/status.h"

namespace td::store::azure {

struct BlobListPage {
  std::vector<ObjectInfo> blobs;  // keys are full blob names
  std::string next_marker;        // empty: the listing is complete
};

// Parses <EnumerationResults><Blobs><Blob><Name/><Properties>
// <Content-Length/><Last-Modified/><Etag/></Properties></Blob>...</Blobs>
// <NextMarker/></EnumerationResults>.
Result<BlobListPage> parse_blob_list(const std::string& xml);

struct AzureErrorBody {
  std::string code;     // e.g. ContainerNotFound
  std::string message;  // first line of <Message> (without RequestId/Time lines)
};
AzureErrorBody parse_error_body(const std::string& xml);

}  // namespace td::store::azure
