// Google Cloud Storage as a Store: gs://bucket/prefix. Keys are object names
// relative to the URL's prefix. Service-account / gcloud user credentials or
// anonymous access go through the JSON API (gcs_client.h); HMAC keys go
// through the S3-compatible XML API (the S3 backend's open_gcs_hmac_store).
// Configuration: gcs_config.h. The JSON API store is the shared
// HttpObjectStore with a GcsBackend (gcs_client.h).
#pragma once

#include <memory>

#include "store/gcs/gcs_client.h"
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

Result<std::unique_ptr<Store>> open_gcs_store(const StoreUrl& url, const StoreOptions& options);

}  // namespace td::store
