// The progress check every paged listing (S3 ListObjectsV2, Azure List Blobs,
// GCS objects.list) runs page by page, so a server that never advances ends
// the run with a clear error instead of looping or handing a key out twice.
//
// Feed each page, before its keys are passed on, with the keys it holds (in
// the order received), how many entries it has in all (keys plus S3 common
// prefixes), whether the server says more follows and the token, marker or
// page token it gives for the next page. check_page() returns an `io` Error
// naming the listing and what repeated when:
//   - the next token is one already seen in this listing (a loop),
//   - more follows but no token is given (the listing could not continue),
//   - a key is not strictly after every key before it (keys went backwards or
//     repeated: the stores list in byte order, so a repeat would be a row
//     written twice),
//   - max_empty_pages pages in a row are empty yet say more follows.
// Seen tokens are kept as 64-bit hashes: 8 bytes a page.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/store.h"
#include "util/status.h"

namespace td::store {

class ListProgress {
 public:
  // what: the listing for messages ("S3 listing of s3://bucket/prefix");
  // token_name: the store's word ("continuation token", "marker", "page token").
  ListProgress(std::string what, std::string token_name, size_t max_empty_pages = kDefaultMaxEmptyPages);

  static constexpr size_t kDefaultMaxEmptyPages = 100;

  // entries: keys plus any other entries that move the listing (common prefixes).
  Status check_page(const std::vector<ObjectInfo>& objects, size_t entries, bool more,
                    const std::string& next_token);

  size_t pages() const { return pages_; }

 private:
  std::string what_;
  std::string token_name_;
  size_t max_empty_pages_;
  size_t pages_ = 0;
  size_t empty_in_a_row_ = 0;
  bool have_last_key_ = false;
  std::string last_key_;
  std::unordered_set<uint64_t> seen_tokens_;
};

}  // namespace td::store
