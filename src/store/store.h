// The one interface every object store implements: list keys under a prefix
// (page by page, with size / last-modified / etag), and read a byte range of a
// key. Backends live one per directory (local/, later http/, s3/, ...).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "http/engine.h"
#include "util/bytes.h"
#include "util/status.h"

namespace td::store {

struct ObjectInfo {
  std::string key;                          // store-relative key, '/'-separated
  std::optional<uint64_t> size;             // unknown for keys from a key list
  std::optional<int64_t> last_modified_ms;  // Unix epoch milliseconds, UTC
  std::optional<std::string> etag;          // null where the store has none
};

// What one ranged read returns: the bytes, plus the object's metadata when the
// response carries it (HTTP: Content-Range total, ETag, Last-Modified), so a
// key from a key list needs no extra HEAD request.
struct RangeRead {
  Bytes bytes;  // resize() does not zero-fill: the read writes them
  std::optional<uint64_t> object_size;
  std::optional<int64_t> last_modified_ms;
  std::optional<std::string> etag;
  // Bytes received for this read, including what was discarded or cut (a
  // server that ignored Range): the read's real cost. 0 where the store does
  // not count them (then bytes.size() is the cost).
  uint64_t wire_bytes = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Calls on_page with successive pages of objects whose key starts with
  // `prefix`, until the listing ends or on_page returns false. Keys come in a
  // stable order. An error listing (bad root, no permission) is returned.
  virtual Status list(const std::string& prefix, size_t page_size,
                      const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) = 0;

  // One level of a listing, for listing in parallel: calls on_page with the
  // objects directly under `prefix` and fills `children` with the prefixes one
  // '/' deeper (S3 CommonPrefixes), which the caller lists separately with
  // list(). Together they cover exactly what list(prefix) covers. The default
  // (stores without delimiter listings) lists everything and has no children.
  // Whether list_level's split can be trusted to cover everything. Some
  // S3-compatible servers drop prefixes from delimiter listings (s3rver does
  // for keys two levels down), so only stores known to get it right say yes.
  virtual bool delimiter_listing_trusted() const { return false; }
  virtual Status list_level(const std::string& prefix, size_t page_size,
                            const std::function<bool(std::vector<ObjectInfo>&&)>& on_page,
                            std::vector<std::string>& children) {
    children.clear();
    return list(prefix, page_size, on_page);
  }

  // Reads up to `length` bytes at `offset` and calls `done` exactly once, on
  // any thread (possibly before read_range returns). Fewer bytes than asked
  // mean the object ends there. Errors: not_found (vanished),
  // permission_denied, io. Many reads may be in flight at once: this is how
  // the pipeline keeps `n_consumers` requests outstanding without a thread each.
  using ReadCallback = std::function<void(Result<RangeRead>)>;
  virtual void read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) = 0;

  // Blocking form of read_range, for one-off reads.
  Result<RangeRead> read_range_sync(const ObjectInfo& object, uint64_t offset, uint64_t length);

  // Metadata of one key (for `info` and key lists): size, last-modified, etag.
  virtual Result<ObjectInfo> stat(const std::string& key) = 0;

  // A human-readable location of a key, for messages ("/data/a.tif", "s3://b/k").
  virtual std::string describe(const std::string& key) const = 0;
};

struct StoreOptions {
  size_t concurrency = 16;  // requests (local: reader threads, capped at 4 per core) in flight
  // store.obstore_config: option name -> value as text (obstore key names).
  std::map<std::string, std::string> config;
  // Transport settings (timeouts, retries, CA bundle) for HTTP-based stores.
  http::EngineOptions http;
};

// Opens the store named by a URL or path: a local directory path or file://
// URL. Other schemes give a clear config error until their backends exist.
Result<std::unique_ptr<Store>> open_store(const std::string& url, const StoreOptions& options = {});

}  // namespace td::store
