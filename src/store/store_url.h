// Parsing of store URLs, in the forms obstore accepts:
//   /path, file:///path                              local
//   s3://bucket/prefix, s3a://...                     S3 (and S3-compatible with an endpoint)
//   gs://bucket/prefix                                Google Cloud Storage
//   az://container/prefix, azure://container/prefix,
//   abfs[s]://container@account.dfs.core.windows.net/prefix,
//   https://ACCOUNT.blob.core.windows.net/container/prefix   Azure Blob
//   http(s)://host/path/                              plain HTTP(S) (key lists)
#pragma once

#include <string>

#include "util/status.h"

namespace td::store {

enum class StoreKind { local, s3, gcs, azure, http };

struct StoreUrl {
  StoreKind kind = StoreKind::local;
  std::string scheme;     // as written ("s3", "https", "" for a bare path)
  std::string bucket;     // bucket or container (empty for local/http)
  std::string account;    // Azure account when the URL names it
  std::string prefix;     // key prefix inside the bucket, no leading '/'
  std::string path;       // local: the directory; http: the base URL
  // The URL's query without '?'. A secret (an Azure SAS token, a presigned
  // signature): never put it in a message. Azure uses it as the SAS token;
  // open_store refuses it for the other stores.
  std::string query;
};

// Credentials in a URL's user info (s3://user:pass@bucket) are refused for the
// object stores (a config error that does not repeat them); an http(s) store
// passes them to the server (Basic auth). Messages show redact_store_url(url).
Result<StoreUrl> parse_store_url(const std::string& url);

// A store URL or object URL as messages may show it: no query, fragment or
// user:password@ part.
std::string redact_store_url(const std::string& url);

// The `path` recorded for a key-list line: the line as written, minus what
// can carry a secret: an http(s) or Azure URL's query, fragment and user info,
// the user info of an s3://, gs:// or file:// URL (whose '?' and '#' belong to
// the key), and, for an http(s) store (whose relative keys are URL text), a
// relative key's query.
std::string key_line_for_output(const std::string& store_url, const std::string& line);

// Splits the URL or path of one object into the store that holds it and its
// key: "s3://bucket/a/b.tif" -> {"s3://bucket", "a/b.tif"};
// "https://host/x/y.tif" -> {"https://host/", "x/y.tif"}; "/data/y.tif" -> {"/data", "y.tif"}.
struct ObjectLocation {
  std::string store_url;
  std::string key;
};
Result<ObjectLocation> split_object_url(const std::string& url);

// The key of `line` (a key, or a full URL/path of an object) inside the store
// at `store_url`, or an error when the URL belongs to another store.
Result<std::string> key_in_store(const std::string& store_url, const std::string& line);

}  // namespace td::store
