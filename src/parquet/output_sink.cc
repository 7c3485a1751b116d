#include "parquet/output_sink.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace td::parquet {
namespace {

Error io_error(const std::string& what, const std::string& path, int err) {
  const ErrorKind kind = err == EACCES || err == EPERM ? ErrorKind::permission_denied : ErrorKind::io;
  return Error{kind, what + " " + path + ": " + std::strerror(err)};
}

class FileSink final : public OutputSink {
 public:
  FileSink(std::string path, std::FILE* file) : path_(std::move(path)), file_(file) {}
  ~FileSink() override {
    if (file_) std::fclose(file_);
  }
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  Status append(std::string_view data) override {
    if (!file_) return Error{ErrorKind::internal, "append to closed " + path_};
    if (!data.empty() && std::fwrite(data.data(), 1, data.size(), file_) != data.size())
      return io_error("cannot write", path_, errno);
    return Status::ok_status();
  }

  Status close() override {
    if (!file_) return Error{ErrorKind::internal, "close of closed " + path_};
    std::FILE* f = file_;
    file_ = nullptr;
    if (std::fclose(f) != 0) return io_error("cannot close", path_, errno);
    return Status::ok_status();
  }

  const std::string& name() const override { return path_; }

 private:
  std::string path_;
  std::FILE* file_;
};

}  // namespace

Result<std::unique_ptr<OutputSink>> open_file_sink(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return io_error("cannot create", path, errno);
  return std::unique_ptr<OutputSink>(std::make_unique<FileSink>(path, f));
}

}  // namespace td::parquet
