// A blocking multi-producer / multi-consumer queue with a fixed capacity:
// producers wait when it is full (backpressure), consumers wait when it is
// empty. close() lets consumers drain what is left, then pop() returns nullopt.
#pragma once

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <vector>

namespace td::pipeline {

template <typename T>
class BoundedQueue {
 public:
  explicit BoundedQueue(size_t capacity) : capacity_(capacity ? capacity : 1) {}

  // Returns false if the queue was closed (the item is dropped).
  bool push(T item) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return closed_ || items_.size() < capacity_; });
    if (closed_) return false;
    items_.push_back(std::move(item));
    if (items_.size() >= wanted_) not_empty_.notify_one();
    return true;
  }

  std::optional<T> pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    if (items_.empty()) return std::nullopt;
    T item = std::move(items_.front());
    items_.pop_front();
    // Producers blocked on a full queue are woken once it is half empty, not
    // after every pop: a lister that keeps the key queue full would otherwise
    // be woken (a futex wake and a context switch) once per object.
    if (items_.size() <= capacity_ / 2) not_full_.notify_all();
    return item;
  }

  // Waits like pop(), then takes every queued item at once (one lock for a
  // burst). Once one item is queued it waits up to `max_wait` for `min_items`:
  // a consumer faster than its producers is then woken once per burst, not
  // once per item (a futex wake and a context switch each). For a queue with
  // one consumer: while it waits for a burst, smaller pushes wake no one.
  // False once closed and drained.
  bool pop_batch(std::vector<T>& out, size_t min_items, std::chrono::microseconds max_wait) {
    out.clear();
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return closed_ || !items_.empty(); });
    const size_t want = std::min(std::max<size_t>(min_items, 1), capacity_);
    if (!closed_ && items_.size() < want) {
      wanted_ = want;
      not_empty_.wait_for(lock, max_wait, [&] { return closed_ || items_.size() >= want; });
      wanted_ = 1;
    }
    if (items_.empty()) return false;
    out.reserve(items_.size());
    for (auto& item : items_) out.push_back(std::move(item));
    items_.clear();
    not_full_.notify_all();
    return true;
  }

  void close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
    not_full_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<T> items_;
  size_t capacity_;
  size_t wanted_ = 1;  // queued items that wake a waiting consumer (pop_batch raises it)
  bool closed_ = false;
};

}  // namespace td::pipeline
