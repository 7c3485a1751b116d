#include "pipeline/lister_stage.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <fstream>
#include <iostream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "store/store_url.h"
#include "util/log.h"

namespace td::pipeline {
namespace {

bool matches_suffix(const std::string& key, const std::vector<std::string>& suffixes) {
  if (suffixes.empty()) return true;
  for (const auto& s : suffixes) {
    if (key.size() < s.size()) continue;
    bool same = std::equal(s.begin(), s.end(), key.end() - static_cast<std::ptrdiff_t>(s.size()),
                           [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); });
    if (same) return true;
  }
  return false;
}

// Queues an object unless another shard owns it or a kept part holds it.
bool enqueue(WorkItem item, const HeadersOptions& options, const OutputDir& out, RunState& st,
             BoundedQueue<WorkItem>& keys) {
  const std::string& id = item.path ? *item.path : item.object.key;
  if (!options.shard.owns(id)) {
    st.other_shards++;
    return true;
  }
  st.listed++;
  if (out.done_keys().count(id)) {
    st.resumed++;
    return true;
  }
  return keys.push(std::move(item));
}

Status list_store(store::Store& store, const HeadersOptions& options, const OutputDir& out, RunState& st,
                  BoundedQueue<WorkItem>& keys) {
  std::vector<std::string> prefixes = options.prefixes;
  if (prefixes.empty()) prefixes.push_back("");
  auto on_page = [&](std::vector<store::ObjectInfo>&& page) {
    for (auto& object : page) {
      if (!matches_suffix(object.key, options.suffixes)) {
        st.skipped++;
        continue;
      }
      if (!enqueue(WorkItem{std::move(object), std::nullopt, std::nullopt}, options, out, st, keys)) return false;
    }
    return !st.failed.load();
  };
  auto failed = [](const std::string& prefix, const Status& s) {
    return Error{s.error().kind, "listing prefix '" + prefix + "' failed: " + s.error().message};
  };
  // One page round trip per 1,000 keys caps a single lister: list the
  // prefixes in parallel, each split one level down first where trusted.
  using Split = HeadersOptions::ListSplit;
  bool split = options.list_split == Split::on ||
               (options.list_split == Split::auto_ && store.delimiter_listing_trusted());
  std::vector<std::string> parts;
  for (const auto& prefix : prefixes) {
    if (!split) {
      parts.push_back(prefix);
      continue;
    }
    std::vector<std::string> children;
    if (Status s = store.list_level(prefix, options.list_chunk_size, on_page, children); !s.ok()) {
      return failed(prefix, s);
    }
    parts.insert(parts.end(), children.begin(), children.end());
  }
  log::debug("listing " + std::to_string(parts.size()) + " prefixes in parallel");
  std::atomic<size_t> next{0};
  std::mutex mu;
  std::optional<Error> first_error;
  std::vector<std::thread> listers;
  for (size_t i = 0; i < std::min(std::max<size_t>(options.list_concurrency, 1), parts.size()); ++i) {
    listers.emplace_back([&] {
      for (size_t k = next++; k < parts.size() && !st.failed.load(); k = next++) {
        if (Status s = store.list(parts[k], options.list_chunk_size, on_page); !s.ok()) {
          std::lock_guard lock(mu);
          if (!first_error) first_error = failed(parts[k], s);
          st.failed = true;  // stop the other listers; the caller records the error
          return;
        }
      }
    });
  }
  for (auto& t : listers) t.join();
  if (first_error) return *first_error;
  return Status();
}

Status read_key_list(const HeadersOptions& options, const OutputDir& out, RunState& st, BoundedQueue<WorkItem>& keys) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (options.keys_file != "-") {
    file.open(options.keys_file);
    if (!file) return Error{ErrorKind::config, "cannot read key list " + options.keys_file};
    in = &file;
  }
  // One line; false when the queue is closed (the run is ending).
  auto take = [&](std::string line) {
    auto entry = key_list_entry(line);
    if (!entry) return true;
    line = *entry;
    WorkItem item;
    auto key = store::key_in_store(options.store_url, line);
    item.object.key = key.ok() ? *key : line;
    if (!key.ok()) item.error = key.error();
    item.path = store::key_line_for_output(options.store_url, line);  // the line minus any query or password
    return enqueue(std::move(item), options, out, st, keys);
  };
  // Lines the command already read from stdin (to find the store) come first.
  std::istringstream preread(options.keys_preread);
  std::string line;
  while (std::getline(preread, line)) {
    if (!take(line) || st.failed.load()) return Status();
  }
  while (std::getline(*in, line)) {
    if (!take(line) || st.failed.load()) break;  // as a listing stops after its page
  }
  if (in->bad()) return Error{ErrorKind::io, "error reading key list " + options.keys_file};
  return Status();
}

}  // namespace

void run_lister(store::Store& store, const HeadersOptions& options, const OutputDir& out, RunState& st,
                BoundedQueue<WorkItem>& keys) {
  Status s = options.keys_file.empty() ? list_store(store, options, out, st, keys)
                                       : read_key_list(options, out, st, keys);
  if (!s.ok()) st.fail(s.error());
  else st.listing_done = true;
  keys.close();
}

}  // namespace td::pipeline
