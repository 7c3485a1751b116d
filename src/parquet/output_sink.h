// Where a Parquet file's bytes go: an append-only sink, as LevelDB's
// WritableFile (include/leveldb/env.h). The writer appends the magic, pages and
// footer in order and closes the sink once; tests use a MemorySink.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "util/status.h"

namespace td::parquet {

class OutputSink {
 public:
  virtual ~OutputSink() = default;
  // Appends `data`; io / permission_denied errors name the sink.
  virtual Status append(std::string_view data) = 0;
  // Flushes and closes; the sink takes no more data. Closing twice is an error.
  virtual Status close() = 0;
  // For messages: the file's path, or a label.
  virtual const std::string& name() const = 0;
};

// A file created (or truncated) at `path`, written through stdio buffering.
// Errors: io or permission_denied, with the path and strerror.
Result<std::unique_ptr<OutputSink>> open_file_sink(const std::string& path);

// Appends into a string the caller owns and must keep alive; never fails.
class MemorySink final : public OutputSink {
 public:
  explicit MemorySink(std::string* out, std::string name = "<memory>") : out_(out), name_(std::move(name)) {}
  Status append(std::string_view data) override {
    out_->append(data);
    return Status::ok_status();
  }
  Status close() override { return Status::ok_status(); }
  const std::string& name() const override { return name_; }

 private:
  std::string* out_;
  std::string name_;
};

}  // namespace td::parquet
