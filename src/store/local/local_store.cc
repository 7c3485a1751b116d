#include "store/local/local_store.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>
#include <utility>

#include "util/log.h"

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

// What a non-regular file is, for messages.
const char* file_type_name(mode_t mode) {
  if (S_ISDIR(mode)) return "a directory";
  if (S_ISFIFO(mode)) return "a FIFO";
  if (S_ISSOCK(mode)) return "a socket";
  if (S_ISCHR(mode)) return "a character device";
  if (S_ISBLK(mode)) return "a block device";
  return "not a regular file";
}

Error not_a_file(const std::string& path, mode_t mode) {
  return Error{ErrorKind::not_a_file, path + " is " + file_type_name(mode) + ", not a regular file"};
}

// A key with a ".." segment could name a file outside the store root (keys
// come from key lists too): such keys are refused, never resolved.
std::optional<Error> escapes_root(const std::string& key) {
  // A file name cannot hold a NUL byte: open() would stop there and read
  // another file under this key (key lists are bytes and may hold one).
  if (key.find('\0') != std::string::npos) {
    return Error{ErrorKind::invalid_value, "key holds a NUL byte: no local file has that name"};
  }
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

namespace {

// A depth-first walk that yields keys in sorted order while holding only the
// names of one directory per level: a million-file tree (or directory) is
// listed in pages, not collected first, and each file is stat()ed only when
// its page is filled. Symlinks are followed; a directory already on the
// current path (a symlink loop) is skipped.
class TreeWalk {
 public:
  TreeWalk(const std::string& root, const std::string& prefix, size_t page_size,
           const std::function<bool(std::vector<ObjectInfo>&&)>& on_page)
      : root_(root), prefix_(prefix), page_size_(std::max<size_t>(page_size, 1)), on_page_(on_page) {}

  // Walks root/dir_key (dir_key empty or ending in '/'); false once on_page said stop.
  Result<bool> walk(const std::string& dir_key) {
    std::string dir = dir_key.empty() ? root_ : root_ + "/" + dir_key.substr(0, dir_key.size() - 1);
    struct stat dir_st {};
    if (::stat(dir.c_str(), &dir_st) != 0) return errno_error(errno, "cannot list " + dir);
    auto id = std::make_pair(dir_st.st_dev, dir_st.st_ino);
    if (std::find(on_path_.begin(), on_path_.end(), id) != on_path_.end()) {
      log::warn("skipping " + dir + ": a symlink loop back to a directory above it");
      return true;
    }
    auto names = read_names(dir, dir_key);
    if (!names.ok()) {
      if (names.error().kind == ErrorKind::permission_denied && !dir_key.empty()) {
        log::warn("skipping " + names.error().message);
        return true;
      }
      return names.error();
    }
    // A directory's name carries a trailing '/', so plain string order is
    // the order of the keys ("b.tif" < "b/c.tif" as '.' < '/').
    std::sort(names->begin(), names->end());
    on_path_.push_back(id);
    for (const std::string& name : *names) {
      std::string key = dir_key + name;
      if (key.back() == '/') {
        auto more = walk(key);
        if (!more.ok() || !*more) return more;
        continue;
      }
      struct stat st {};
      std::string path = dir + "/" + name;
      if (::stat(path.c_str(), &st) == 0) {
        if (!S_ISREG(st.st_mode)) {
          // Not an object (reading a FIFO would block): skipped, but said.
          log::warn("skipping " + path + ": it is " + file_type_name(st.st_mode) + ", not a regular file");
          continue;
        }
        page_.push_back(info_from_stat(key, st));
      } else if (::lstat(path.c_str(), &st) == 0 && !S_ISDIR(st.st_mode)) {
        // A broken symlink: still an object the user has; it becomes an error
        // row when read. (A file that vanished since the directory was read is gone.)
        ObjectInfo info = info_from_stat(key, st);
        info.size = std::nullopt;
        page_.push_back(std::move(info));
      } else {
        continue;
      }
      if (page_.size() >= page_size_ && !flush()) return false;
    }
    on_path_.pop_back();
    return true;
  }

  bool flush() {
    if (page_.empty()) return true;
    std::vector<ObjectInfo> page;
    page.swap(page_);
    return on_page_(std::move(page));
  }

 private:
  // The entries of one directory that can hold keys under the prefix:
  // directories with a trailing '/', regular files (and links) as they are.
  Result<std::vector<std::string>> read_names(const std::string& dir, const std::string& dir_key) const {
    DIR* d = ::opendir(dir.c_str());
    if (!d) return errno_error(errno, "cannot list " + dir);
    std::vector<std::string> names;
    int err = 0;
    for (;;) {
      errno = 0;  // readdir reports an error only through errno
      dirent* e = ::readdir(d);
      if (!e) {
        err = errno;
        break;
      }
      std::string name = e->d_name;
      if (name == "." || name == "..") continue;
      bool is_dir = e->d_type == DT_DIR;
      if (e->d_type == DT_LNK || e->d_type == DT_UNKNOWN) {
        struct stat st {};  // where a link leads (a broken one lists as a file)
        is_dir = ::stat((dir + "/" + name).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
      } else if (e->d_type != DT_DIR && e->d_type != DT_REG) {
        // Sockets, FIFOs, devices are not objects (reading a FIFO would
        // block): skipped, with a warning when they match the prefix.
        if ((dir_key + name).compare(0, prefix_.size(), prefix_) == 0) {
          const char* what = e->d_type == DT_FIFO ? "a FIFO" : e->d_type == DT_SOCK ? "a socket"
                             : e->d_type == DT_CHR ? "a character device" : e->d_type == DT_BLK ? "a block device"
                                                                                                 : "not a regular file";
          log::warn("skipping " + dir + "/" + name + ": it is " + what + ", not a regular file");
        }
        continue;
      }
      if (is_dir) {
        name += '/';
        if (!may_hold_prefix(dir_key + name)) continue;
      } else if ((dir_key + name).compare(0, prefix_.size(), prefix_) != 0) {
        continue;
      }
      names.push_back(std::move(name));
    }
    ::closedir(d);
    if (err != 0) return errno_error(err, "cannot list " + dir);
    return names;
  }

  // Whether keys under this directory ("a/b/") can start with the prefix.
  bool may_hold_prefix(const std::string& dir_key) const {
    size_t n = std::min(dir_key.size(), prefix_.size());
    return dir_key.compare(0, n, prefix_, 0, n) == 0;
  }

  const std::string& root_;
  const std::string& prefix_;
  size_t page_size_;
  const std::function<bool(std::vector<ObjectInfo>&&)>& on_page_;
  std::vector<ObjectInfo> page_;
  std::vector<std::pair<dev_t, ino_t>> on_path_;
};

}  // namespace

// Lists regular files (following symlinks) recursively under root/prefix, in
// key order. A prefix is a key prefix, not only a directory: "a/b" matches
// "a/b.tif" and "a/b/c.tif", as object stores do.
Status LocalStore::list(const std::string& prefix, size_t page_size,
                        const std::function<bool(std::vector<ObjectInfo>&&)>& on_page) {
  std::error_code ec;
  if (!fs::is_directory(root_, ec)) {
    return Error{ErrorKind::not_found, "store root " + root_ + " is not a directory"};
  }
  // Walk from the deepest directory the prefix names completely.
  std::string dir_part = prefix.substr(0, prefix.rfind('/') == std::string::npos ? 0 : prefix.rfind('/') + 1);
  if (!dir_part.empty() && !fs::is_directory(fs::path(root_) / dir_part, ec)) return Status();
  TreeWalk walk(root_, prefix, page_size, on_page);
  auto more = walk.walk(dir_part);
  if (!more.ok()) return more.error();
  if (*more) walk.flush();
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
  // O_NONBLOCK: opening a FIFO (named in a key list) must not wait for a
  // writer; the check is on the opened fd, so nothing can swap the file
  // between check and read. O_NOCTTY: a terminal never becomes ours.
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY)};
  if (f.fd < 0) {
    int err = errno;
    struct stat st {};  // for the message only: a socket cannot be opened (ENXIO)
    if (err == ENXIO && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) return not_a_file(path, st.st_mode);
    return errno_error(err, "cannot open " + path);
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) return errno_error(errno, "cannot stat " + path);
  if (!S_ISREG(st.st_mode)) return not_a_file(path, st.st_mode);
  RangeRead read;
  Bytes& out = read.bytes;  // not zero-filled by resize (util/bytes.h)
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  out.resize(offset >= size ? 0 : std::min(length, size - offset));
  length = out.size();
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
  if (!S_ISREG(st.st_mode)) return not_a_file(path, st.st_mode);
  return info_from_stat(key, st);
}

}  // namespace td::store
