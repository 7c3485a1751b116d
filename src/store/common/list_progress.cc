#include "store/common/list_progress.h"

#include <functional>
#include <string_view>

namespace td::store {

namespace {

// Tokens and keys in messages: opaque server text, shown short and on one line.
std::string shown(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 80)) out += (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) ? '?' : c;
  if (s.size() > 80) out += "...";
  return "'" + out + "'";
}

}  // namespace

ListProgress::ListProgress(std::string what, std::string token_name, size_t max_empty_pages)
    : what_(std::move(what)), token_name_(std::move(token_name)), max_empty_pages_(max_empty_pages ? max_empty_pages : 1) {}

Status ListProgress::check_page(const std::vector<ObjectInfo>& objects, size_t entries, bool more,
                                const std::string& next_token) {
  ++pages_;
  auto fail = [&](const std::string& why) {
    return Error{ErrorKind::io, what_ + " makes no progress: " + why + " (page " + std::to_string(pages_) +
                                    "); stopped so that no key is listed twice"};
  };
  for (const auto& o : objects) {
    // std::string compares bytes as unsigned: the stores' own (UTF-8 byte) order.
    if (have_last_key_ && !(last_key_ < o.key)) {
      return fail(o.key == last_key_ ? "key " + shown(o.key) + " came again"
                                     : "key " + shown(o.key) + " repeats or goes backwards: it came after " +
                                           shown(last_key_));
    }
    last_key_ = o.key;
    have_last_key_ = true;
  }
  if (!more) return Status();
  if (next_token.empty()) return fail("the server says more follows but gives no " + token_name_);
  if (!seen_tokens_.insert(std::hash<std::string>{}(next_token)).second) {
    return fail("the " + token_name_ + " " + shown(next_token) + " was already seen");
  }
  empty_in_a_row_ = entries == 0 ? empty_in_a_row_ + 1 : 0;
  if (empty_in_a_row_ >= max_empty_pages_) {
    return fail(std::to_string(empty_in_a_row_) + " empty pages in a row each said more follows (last " +
                token_name_ + " " + shown(next_token) + ")");
  }
  return Status();
}

}  // namespace td::store
