// Amazon S3 and S3-compatible servers as a Store.
//
// s3://bucket/some/prefix: the URL's path is the store's root, as in obstore
// (keys are relative to "some/prefix/"). Settings and credentials: see
// s3_config.h. The store is the shared HttpObjectStore with an S3Backend
// (s3_client.h): listing is ListObjectsV2 (one blocking request per page),
// reads are ranged GETs kept in flight on the shared HTTP engine, stat is a
// HEAD.
//
// For other S3-compatible services - notably Google Cloud Storage's XML API
// with HMAC keys (endpoint https://storage.googleapis.com, region "auto") -
// use open_s3_compatible_store(), or open_gcs_hmac_store() for a gs:// URL.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "store/s3/s3_client.h"
#include "store/store.h"
#include "store/store_url.h"

namespace td::store {

// s3:// and s3a:// URLs: settings from options.config, AWS_* and ~/.aws.
Result<std::unique_ptr<Store>> open_s3_store(const StoreUrl& u, const StoreOptions& options);

// Any S3-compatible endpoint with explicit settings, for other backends:
//   bucket, prefix  - the store's root (prefix "" or "a/b": keys are relative to it)
//   endpoint        - "https://storage.googleapis.com" ("" = AWS for `region`)
//   region          - signing region ("auto" for GCS)
//   credentials     - HMAC key id / secret (SigV4); empty = unsigned requests
//   options         - options.http, plus from options.config only allow_http
//                     and the transport keys (timeout, ca_bundle, ...)
//   url_scheme      - the scheme describe() shows ("gs" for GCS)
// Path-style addressing. A config error for a malformed endpoint.
Result<std::unique_ptr<Store>> open_s3_compatible_store(const std::string& bucket, const std::string& prefix,
                                                        const std::string& endpoint, const std::string& region,
                                                        const s3::Credentials& credentials,
                                                        const StoreOptions& options,
                                                        const std::string& url_scheme = "s3");

// For gs:// URLs: whether the options ask for the XML API path - HMAC keys
// (aws_access_key_id / aws_secret_access_key or their short names in
// store.obstore_config) or anonymous access (skip_signature /
// google_skip_signature / aws_skip_signature true). The GCS backend calls
// open_gcs_hmac_store() then, and uses service-account auth otherwise.
bool wants_gcs_xml_api(const std::map<std::string, std::string>& config);
Result<std::unique_ptr<Store>> open_gcs_hmac_store(const StoreUrl& u, const StoreOptions& options);

}  // namespace td::store
