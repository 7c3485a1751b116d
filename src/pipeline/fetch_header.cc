#include "pipeline/fetch_header.h"

#include <algorithm>
#include <cmath>
#include <future>
#include <memory>
#include <mutex>

namespace td::pipeline {

FirstReadEstimator::FirstReadEstimator(Options options) : options_(options) {
  options_.window = std::max<size_t>(1, options_.window);
  options_.granule = std::max<uint64_t>(1, options_.granule);
  options_.recompute_every = std::max<size_t>(1, options_.recompute_every);
  options_.quantile = std::clamp(options_.quantile, 0.0, 1.0);
  ring_.reserve(options_.window);
}

uint64_t FirstReadEstimator::first_read_bytes(uint64_t cap) const {
  uint64_t e = estimate_.load(std::memory_order_relaxed);
  return e == 0 ? cap : std::min(e, cap);
}

void FirstReadEstimator::record(uint64_t needed) {
  std::lock_guard lock(mu_);
  if (ring_.size() < options_.window) {
    ring_.push_back(needed);
  } else {
    ring_[next_] = needed;
  }
  next_ = (next_ + 1) % options_.window;
  ++count_;
  if (count_ >= options_.min_samples && (count_ == options_.min_samples || count_ % options_.recompute_every == 0)) {
    recompute_locked();
  }
}

void FirstReadEstimator::recompute_locked() {
  scratch_.assign(ring_.begin(), ring_.end());
  size_t k = static_cast<size_t>(std::ceil(options_.quantile * static_cast<double>(scratch_.size())));
  k = std::min(scratch_.size() - 1, k == 0 ? 0 : k - 1);
  std::nth_element(scratch_.begin(), scratch_.begin() + static_cast<std::ptrdiff_t>(k), scratch_.end());
  double q = static_cast<double>(scratch_[k]);
  uint64_t want = static_cast<uint64_t>(std::ceil(q * (1.0 + options_.margin)));
  uint64_t g = options_.granule;
  want = (want + g - 1) / g * g;
  estimate_.store(std::max({want, options_.min_bytes, uint64_t{1}}), std::memory_order_relaxed);
}

size_t FirstReadEstimator::samples() const {
  std::lock_guard lock(mu_);
  return count_;
}

std::optional<uint64_t> FirstReadEstimator::needed_prefix(const tiff::Header& header, uint64_t cap) {
  if (header.metadata_end <= cap) return header.metadata_end;
  for (const auto& ifd : header.ifds) {
    if (ifd.offset >= cap) return std::nullopt;
  }
  return cap;
}

// Merges ranges whose gap is below `gap`: one request for nearby ranges costs
// less than a round trip each, but far-apart ranges (values at the start of a
// big strip file, IFD at its end) must not pull in the bytes between them.
std::vector<tiff::ByteRange> coalesce(std::vector<tiff::ByteRange> ranges, uint64_t gap) {
  std::sort(ranges.begin(), ranges.end(), [](auto& a, auto& b) { return a.offset < b.offset; });
  std::vector<tiff::ByteRange> out;
  for (const auto& r : ranges) {
    if (!out.empty() && r.offset <= out.back().end() + gap) {
      out.back().length = std::max(out.back().end(), r.end()) - out.back().offset;
    } else {
      out.push_back(r);
    }
  }
  return out;
}

namespace {

// One object's fetch: a HeaderReader plus the reads of the current step.
// Lives in a shared_ptr held by its pending read callbacks.
class ObjectFetch : public std::enable_shared_from_this<ObjectFetch> {
 public:
  ObjectFetch(store::Store& store, const store::ObjectInfo& object, const FetchOptions& options,
              std::function<void(row::ObjectOutcome)> done)
      : store_(store), options_(options), reader_(options.limits, object.size), done_(std::move(done)) {
    outcome_.object = object;
  }

  void start() {
    uint64_t first = options_.first_read ? options_.first_read->first_read_bytes(options_.first_read_bytes)
                                          : options_.first_read_bytes;
    if (outcome_.object.size) first = std::min<uint64_t>(first, std::max<uint64_t>(*outcome_.object.size, 16));
    // --max-header-bytes bounds every byte fetched, the first read included.
    first = std::max<uint64_t>(std::min(first, options_.limits.max_bytes), 1);
    issue({tiff::ByteRange{0, first}});
  }

 private:
  void issue(const std::vector<tiff::ByteRange>& spans) {
    {
      std::lock_guard lock(mu_);
      pending_ = spans.size();
      outcome_.cost.requests += spans.size();
    }
    auto self = shared_from_this();
    for (const auto& span : spans) {
      store_.read_range(outcome_.object, span.offset, span.length,
                        [self, span](Result<store::RangeRead> read) { self->on_read(span, std::move(read)); });
    }
  }

  void on_read(tiff::ByteRange span, Result<store::RangeRead> read) {
    {
      std::lock_guard lock(mu_);
      if (read.ok()) {
        // What came over the wire, not just what was kept (a server that
        // ignores Range sends more than the range).
        outcome_.cost.bytes_read += std::max<uint64_t>(read->wire_bytes, read->bytes.size());
        // The size first: it clamps what is fed, and spares the reader a search for
        // the end when a key list gave none.
        if (read->object_size) reader_.set_object_size(*read->object_size);
        learn_metadata(*read);
        reader_.adopt(span.offset, std::move(read->bytes));  // no copy
      } else if (!outcome_.error) {
        outcome_.error = read.error();
      }
      if (--pending_ > 0) return;  // the step's other reads are still out
    }
    step();
  }

  // Called with every read of the step back: finish, or issue the next step.
  void step() {
    if (outcome_.error) return finish();
    if (++steps_ > 10000) {
      outcome_.error = Error{ErrorKind::internal, "header reader made no progress"};
      return finish();
    }
    auto next = reader_.advance();
    if (next.done()) {
      if (next.error) {
        outcome_.error = std::move(next.error);
      } else {
        outcome_.header = std::move(next.header);
      }
      return finish();
    }
    issue(coalesce(std::move(next.needed), options_.coalesce_gap_bytes));
  }

  // Keys from a key list arrive without size, etag or date: take them from
  // the read's response instead of spending a HEAD request.
  void learn_metadata(const store::RangeRead& read) {
    auto& o = outcome_.object;
    if (!o.size && read.object_size) o.size = read.object_size;
    if (!o.etag && read.etag) o.etag = read.etag;
    if (!o.last_modified_ms && read.last_modified_ms) o.last_modified_ms = read.last_modified_ms;
  }

  void finish() {
    if (options_.first_read && outcome_.header) {
      if (auto need = FirstReadEstimator::needed_prefix(*outcome_.header, options_.first_read_bytes)) {
        options_.first_read->record(*need);
      }
    }
    done_(std::move(outcome_));
  }

  store::Store& store_;
  const FetchOptions& options_;
  tiff::HeaderReader reader_;
  std::function<void(row::ObjectOutcome)> done_;
  row::ObjectOutcome outcome_;
  std::mutex mu_;
  size_t pending_ = 0;
  int steps_ = 0;
};

}  // namespace

void fetch_header_async(store::Store& store, const store::ObjectInfo& object, const FetchOptions& options,
                        std::function<void(row::ObjectOutcome)> done) {
  std::make_shared<ObjectFetch>(store, object, options, std::move(done))->start();
}

row::ObjectOutcome fetch_header(store::Store& store, const store::ObjectInfo& object, const FetchOptions& options) {
  // The callback shares ownership of the promise: set_value may still be
  // running on a store thread when get() returns here.
  auto promise = std::make_shared<std::promise<row::ObjectOutcome>>();
  auto future = promise->get_future();
  fetch_header_async(store, object, options, [promise](row::ObjectOutcome o) { promise->set_value(std::move(o)); });
  return future.get();
}

}  // namespace td::pipeline
