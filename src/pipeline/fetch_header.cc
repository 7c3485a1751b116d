#include "pipeline/fetch_header.h"

#include <algorithm>
#include <future>
#include <memory>
#include <mutex>

namespace td::pipeline {

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
    uint64_t first = options_.first_read_bytes;
    if (outcome_.object.size) first = std::min<uint64_t>(first, std::max<uint64_t>(*outcome_.object.size, 16));
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
        outcome_.cost.bytes_read += read->bytes.size();
        reader_.feed(span.offset, read->bytes);
        learn_metadata(*read);
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

  void finish() { done_(std::move(outcome_)); }

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
  std::promise<row::ObjectOutcome> promise;
  auto future = promise.get_future();
  fetch_header_async(store, object, options, [&promise](row::ObjectOutcome o) { promise.set_value(std::move(o)); });
  return future.get();
}

}  // namespace td::pipeline
