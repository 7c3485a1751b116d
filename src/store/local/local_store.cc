#include "store/local/local_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

namespace td::store {
namespace fs = std::filesystem;

namespace {

Error errno_error(int err, const std::string& what) {
  ErrorKind kind = ErrorKind::io;
  if (err == ENOENT || err == ENOTDIR) kind = ErrorKind::not_found;
  if (err == EACCES || err == EPERM) kind = ErrorKind::permission_denied;
  return Error{kind, what + ": " + std::strerror(err)};
}

ObjectInfo info_from_stat(const std::string& key, const struct stat& st) {
  ObjectInfo info;
  info.key = key;
  info.size = static_cast<uint64_t>(st.st_size);
  info.last_modified_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
  return info;
}

// A key with a ".." segment could name a file outside the store root (keys
// come from key lists too): such keys are refused, never resolved.
std::optional<Error> escapes_root(const std::string& key) {
  size_t start = 0;
  while (start <= key.size()) {
    size_t end = key.find('/', start);
    if (end == std::string::npos) end = key.size();
    if (key.compare(start, end - start, "..") == 0) {
      return Error{ErrorKind::invalid_value, "key '" + key + "' has a '..' segment: it would leave the store root"};
    }
    start = end + 1;
  }
  return std::nullopt;
}

// Closes a file descriptor on scope exit.
struct Fd {
  int fd;
  ~Fd() { if (fd >= 0) ::close(fd); }
};

}  // namespace

LocalStore::LocalStore(std::string root, size_t io_threads) : root_(std::move(root)), pool_(io_threads) {
  while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
}

std::string LocalStore::describe(const std::string& key) const {
  return root_ == "/" ? "/" + key : root_ + "/" + key;
}

// Lists regular files (following symlinks) recursively under root/prefix.
// A prefix is a key prefix, not only a directory: "a/b" matches "a/b.tif" and
// "a/b/c.tif", as object stores do. Keys are sorted so runs are reproducible;
// that means one directory tree is walked fully before the first page, which
// costs memory proportional to the listing (fine for local trees).
Status LocalStore::list(const std::string& prefix, size_t page_size,
                        const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) {
  // Walk from the deepest directory the prefix names completely.
  std::string dir_part = prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/') + 1);
  fs::path start = fs::path(root_) / dir_part;
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) {
    return Error{ErrorKind::not_found, "store root " + root_ + " is not a directory"};
  }
  std::vector<ObjectInfo> all;
  if (fs::is_directory(start, ec)) {
    auto options = fs::directory_options::follow_directory_symlink | fs::directory_options::skip_permission_denied;
    fs::recursive_directory_iterator it(start, options, ec), end;
    if (ec) return Error{ErrorKind::io, "cannot list " + start.string() + ": " + ec.message()};
    for (; it != end; it.increment(ec)) {
      if (ec) return Error{ErrorKind::io, "cannot list " + start.string() + ": " + ec.message()};
      // Lexical, not fs::relative: that resolves symlinks and would turn a linked
      // directory into "../../elsewhere" keys.
      std::string key = it->path().lexically_relative(root_).generic_string();
      if (ec || key.compare(0, prefix.size(), prefix) != 0) continue;
      struct stat st {};
      if (::stat(it->path().c_str(), &st) != 0) {
        // A broken symlink or a file that vanished: still an object the user
        // has; it becomes an error row when read.
        if (::lstat(it->path().c_str(), &st) != 0 || S_ISDIR(st.st_mode)) continue;
        ObjectInfo info = info_from_stat(key, st);
        info.size = std::nullopt;
        all.push_back(std::move(info));
        continue;
      }
      if (!S_ISREG(st.st_mode)) continue;
      all.push_back(info_from_stat(key, st));
    }
  }
  std::sort(all.begin(), all.end(), [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
  page_size = std::max<size_t>(page_size, 1);
  for (size_t i = 0; i < all.size(); i += page_size) {
    size_t n = std::min(page_size, all.size() - i);
    std::vector<ObjectInfo> page(std::make_move_iterator(all.begin() + i),
                                 std::make_move_iterator(all.begin() + i + n));
    if (!on_page(std::move(page))) break;
  }
  return Status();
}

void LocalStore::read_range(const ObjectInfo& object, uint64_t offset, uint64_t length, ReadCallback done) {
  pool_.submit([this, key = object.key, offset, length, done = std::move(done)] {
    done(read_file_range(key, offset, length));
  });
}

Result<RangeRead> LocalStore::read_file_range(const std::string& key, uint64_t offset,
                                                         uint64_t length) const {
  if (auto e = escapes_root(key)) return *e;
  std::string path = describe(key);
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) return errno_error(errno, "cannot open " + path);
  RangeRead read;
  std::vector<uint8_t>& out = read.bytes;
  out.resize(length);
  uint64_t got = 0;
  while (got < length) {
    ssize_t n = ::pread(f.fd, out.data() + got, length - got, static_cast<off_t>(offset + got));
    if (n < 0) {
      if (errno == EINTR) continue;
      return errno_error(errno, "cannot read " + path);
    }
    if (n == 0) break;  // end of file
    got += static_cast<uint64_t>(n);
  }
  out.resize(got);
  struct stat st {};
  if (::fstat(f.fd, &st) == 0) {
    read.object_size = static_cast<uint64_t>(st.st_size);
    read.last_modified_ms = info_from_stat(key, st).last_modified_ms;
  }
  return read;
}

Result<ObjectInfo> LocalStore::stat(const std::string& key) {
  if (auto e = escapes_root(key)) return *e;
  std::string path = describe(key);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return errno_error(errno, "cannot stat " + path);
  if (S_ISDIR(st.st_mode)) return Error{ErrorKind::io, path + " is a directory"};
  return info_from_stat(key, st);
}

}  // namespace td::store
