#include "pipeline/output_dir.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <thread>

#include "pipeline/run_cleanup.h"
#include "util/log.h"
#include "util/version.h"

#include "parquet/utf8.h"

namespace td::pipeline {

namespace fs = std::filesystem;

uint64_t stable_hash(const std::string& key) {
  uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  for (unsigned char c : key) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

bool Shard::owns(const std::string& key) const { return count <= 1 || stable_hash(key) % count == index; }

namespace {

bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
bool ends_with(const std::string& s, const std::string& p) {
  return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}

constexpr uint64_t kMaxPartIndex = 999999999;  // part names we make have 5 to 9 digits

Status fsync_file(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Error{ErrorKind::io, "cannot open " + path + ": " + std::strerror(errno)};
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return Error{ErrorKind::io, "cannot sync " + path + ": " + std::strerror(err)};
  return Status();
}

// A rename is durable only once its directory is synced.
Status fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error{ErrorKind::io, "cannot open directory " + dir + ": " + std::strerror(errno)};
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  // Some file systems cannot sync a directory (EINVAL): their renames are as durable as they get.
  if (rc != 0 && err != EINVAL) return Error{ErrorKind::io, "cannot sync directory " + dir + ": " + std::strerror(err)};
  return Status();
}

std::string make_run_id() {
  std::random_device rd;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%ld-%08x", static_cast<long>(::getpid()), static_cast<unsigned>(rd()));
  return buf;
}

std::string read_small_file(const std::string& path) {
  std::ifstream f(path);
  std::string text;
  std::getline(f, text);
  return text.substr(0, 300);
}

bool is_lock_name(const std::string& name) {
  if (name == ".tiff-dumper.lock") return true;
  return name.size() == 23 && starts_with(name, ".tiff-dumper-s") && ends_with(name, ".lock") &&
         name.find_first_not_of("0123456789", 14) == 18;
}

}  // namespace

// flock(2) locks on lock files in OUT_DIR (see output_dir.h), released (and
// their files removed) by release(), at exit, or by the kernel if the process dies.
class OutputLock {
 public:
  ~OutputLock() {
    if (cleanup_id_ >= 0) RunCleanup::instance().remove_action(cleanup_id_);
    release();
  }

  static Result<std::shared_ptr<OutputLock>> acquire(const std::string& dir, const Shard& shard) {
    auto lock = std::make_shared<OutputLock>();
    char host[256] = "?";
    ::gethostname(host, sizeof host - 1);
    char when[32] = "";
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    ::gmtime_r(&now, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const std::string info = "pid " + std::to_string(::getpid()) + " on host " + host + ", " +
                             (shard.sharded ? "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count)
                                            : std::string("unsharded")) +
                             ", started " + when;
    const std::string dir_lock = (fs::path(dir) / ".tiff-dumper.lock").string();
    char name[40];
    std::snprintf(name, sizeof name, ".tiff-dumper-s%04u.lock", shard.index);
    const std::string shard_lock = (fs::path(dir) / name).string();

    auto busy = [&](const std::string& holder) -> Error {
      return Error{ErrorKind::config, "output directory " + dir + " is in use by another tiff-dumper run (" + holder +
                                          "): two runs writing one output would corrupt it; wait for that run to end "
                                          "or stop it (a run that died leaves no lock behind)"};
    };
    auto not_regular = [](const std::string& path) -> Error {
      return Error{ErrorKind::config, "the lock file " + path + " is a symbolic link or not a regular file; "
                                      "remove it (tiff-dumper creates its own)"};
    };
    // The directory lock: exclusive for an unsharded run, shared among shards.
    switch (lock->take(dir_lock, !shard.sharded, shard.sharded ? "" : info)) {
      case Taken::held: break;
      case Taken::busy: {
        std::string holder = holder_of(dir_lock);
        if (holder.empty() && !shard.sharded) holder = shard_holders(dir);
        return busy(holder.empty() ? "holder unknown" : holder);
      }
      case Taken::unsupported: return lock;  // warned; nothing else to lock
      case Taken::failed: return Error{ErrorKind::config, "cannot create the lock file " + dir_lock};
      case Taken::not_regular: return not_regular(dir_lock);
    }
    if (shard.sharded) {
      switch (lock->take(shard_lock, true, info)) {
        case Taken::held: break;
        case Taken::busy: {
          std::string holder = holder_of(shard_lock);
          return busy(holder.empty() ? "holder unknown" : holder);
        }
        case Taken::unsupported: break;
        case Taken::failed: return Error{ErrorKind::config, "cannot create the lock file " + shard_lock};
        case Taken::not_regular: return not_regular(shard_lock);
      }
    }
    // On an abrupt exit too; the destructor unregisters before the lock goes.
    OutputLock* raw = lock.get();
    lock->cleanup_id_ = RunCleanup::instance().add_action([raw] { raw->release(); });
    return lock;
  }

  // Drops every lock; a lock file is removed while still held exclusively, so
  // the next run never locks a file that is about to vanish.
  void release() {
    std::lock_guard guard(mu_);
    for (auto it = held_.rbegin(); it != held_.rend(); ++it) {
      if (it->exclusive || ::flock(it->fd, LOCK_EX | LOCK_NB) == 0) ::unlink(it->path.c_str());
      ::close(it->fd);
    }
    held_.clear();
  }

 private:
  enum class Taken { held, busy, unsupported, failed, not_regular };
  struct Held {
    std::string path;
    int fd;
    bool exclusive;
  };

  Taken take(const std::string& path, bool exclusive, const std::string& info) {
    for (int attempt = 0; attempt < 50; ++attempt) {
      bool writable = true;
      // Never through a symbolic link (it would make this run truncate and write
      // whatever file the link names), never blocking on a FIFO.
      const int flags = O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK;
      int fd = ::open(path.c_str(), O_RDWR | O_CREAT | flags, 0666);
      if (fd < 0 && errno != ELOOP) {
        writable = false;
        fd = ::open(path.c_str(), O_RDONLY | flags);
      }
      if (fd < 0) return errno == ELOOP ? Taken::not_regular : Taken::failed;
      struct stat own {};
      if (::fstat(fd, &own) != 0 || !S_ISREG(own.st_mode)) {
        ::close(fd);
        return Taken::not_regular;
      }
      if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
        int err = errno;
        ::close(fd);
        if (err == EWOULDBLOCK) return Taken::busy;
        log::warn("cannot lock " + path + " (" + std::strerror(err) +
                  "): another run writing this output at the same time would not be detected");
        return Taken::unsupported;
      }
      // The last holder may have removed the file between our open and flock:
      // then lock the file that is there now.
      struct stat a {}, b {};
      if (::fstat(fd, &a) != 0 || ::stat(path.c_str(), &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino) {
        ::close(fd);
        continue;
      }
      if (writable && exclusive) {
        std::string line = info + "\n";
        if (::ftruncate(fd, 0) == 0) (void)!::pwrite(fd, line.data(), line.size(), 0);
      }
      std::lock_guard guard(mu_);
      held_.push_back(Held{path, fd, exclusive});
      return Taken::held;
    }
    return Taken::failed;
  }

  // The description a holder wrote into its lock file ("" if none yet: it may
  // have just taken the lock, so look again briefly).
  static std::string holder_of(const std::string& path) {
    for (int i = 0; i < 10; ++i) {
      std::string text = read_small_file(path);
      if (!text.empty()) return text;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  // The shards holding the directory lock shared, from their own lock files.
  static std::string shard_holders(const std::string& dir) {
    std::string all;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      if (name == ".tiff-dumper.lock" || !is_lock_name(name)) continue;
      std::string text = read_small_file(e.path().string());
      if (text.empty()) continue;
      all += (all.empty() ? "" : "; ") + text;
    }
    return all;
  }

  std::mutex mu_;
  std::vector<Held> held_;
  int cleanup_id_ = -1;
};

std::string OutputDir::name_prefix() const {
  if (!shard_.sharded) return "part-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "part-s%04u-", shard_.index);
  return buf;
}

std::string OutputDir::part_path(uint64_t index) const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%05llu.parquet", static_cast<unsigned long long>(index));
  return (fs::path(dir_) / (name_prefix() + buf)).string();
}

std::string OutputDir::keys_path(uint64_t index) const {
  fs::path p = part_path(index);
  return (p.parent_path() / ("." + p.filename().string() + ".keys")).string();
}

std::string OutputDir::part_tmp_path(uint64_t index) const {
  fs::path p = part_path(index);
  return (p.parent_path() / ("." + p.filename().string() + "." + run_id_ + ".tmp")).string();
}

std::string OutputDir::keys_tmp_path(uint64_t index) const { return keys_path(index) + "." + run_id_ + ".tmp"; }

std::string OutputDir::manifest_path() const {
  if (!shard_.sharded) return (fs::path(dir_) / "_SUCCESS.json").string();
  char buf[40];
  std::snprintf(buf, sizeof buf, "_SUCCESS-s%04u.json", shard_.index);
  return (fs::path(dir_) / buf).string();
}

long long OutputDir::index_of(const std::string& name, const std::string& suffix) const {
  const std::string prefix = name_prefix();
  const std::string tail = ".parquet" + suffix;
  if (!starts_with(name, prefix) || !ends_with(name, tail) || name.size() <= prefix.size() + tail.size()) return -1;
  const char* first = name.data() + prefix.size();
  const char* last = name.data() + name.size() - tail.size();
  uint64_t index = 0;
  auto [ptr, ec] = std::from_chars(first, last, index);
  if (ec != std::errc() || ptr != last || index > kMaxPartIndex) return -1;
  // Exactly the name part_path() makes: no signs, spaces or extra zeros.
  if (fs::path(part_path(index)).filename().string() + suffix != name) return -1;
  return static_cast<long long>(index);
}

Result<OutputDir> OutputDir::prepare(const std::string& dir, const Shard& shard, OutputMode mode) {
  OutputDir out;
  out.dir_ = dir;
  out.shard_ = shard;
  out.run_id_ = make_run_id();
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Error{ErrorKind::config, "output directory does not exist: " + dir};
  if (!fs::is_directory(dir, ec)) return Error{ErrorKind::config, "output path is not a directory: " + dir};
  if (::access(dir.c_str(), W_OK) != 0) return Error{ErrorKind::config, "output directory is not writable: " + dir};

  // Locked before anything is checked or removed: a second run must not see
  // (or clean) the first one's files half made.
  auto lock = OutputLock::acquire(dir, shard);
  if (!lock.ok()) return lock.error();
  out.lock_ = *lock;
  struct stat dir_stat {};
  if (::stat(dir.c_str(), &dir_stat) != 0) return Error{ErrorKind::config, "cannot stat output directory " + dir};
  out.dir_id_ = {static_cast<uint64_t>(dir_stat.st_dev), static_cast<uint64_t>(dir_stat.st_ino)};

  // This shard's files: parts, keys records, temporaries, manifest. Anything
  // else is someone else's, even if it starts like ours.
  const std::string prefix = out.name_prefix();
  const std::string manifest = fs::path(out.manifest_path()).filename().string();
  enum class Kind { part, keys, temp, manifest };
  struct Entry {
    fs::path path;
    Kind kind;
    long long index;
  };
  std::vector<Entry> ours;
  size_t entries = 0;
  auto report = [&](const std::string& name, const std::string& why) {
    log::warn("ignoring " + (fs::path(dir) / name).string() + " in the output directory: " + why);
  };
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (is_lock_name(name)) continue;
    ++entries;
    // An unsharded run's prefix "part-" also matches shard files: those are never ours.
    if (!shard.sharded && (starts_with(name, "part-s") || starts_with(name, ".part-s"))) continue;
    std::error_code type_ec;
    const bool regular = e.is_regular_file(type_ec);
    long long index = -1;
    std::optional<Kind> kind;
    if ((index = out.index_of(name)) >= 0) {
      kind = Kind::part;
    } else if (name.size() > 1 && name[0] == '.' && (index = out.index_of(name.substr(1), ".keys")) >= 0) {
      kind = Kind::keys;
    } else if (name == manifest) {
      kind = Kind::manifest;
    } else if (ends_with(name, ".tmp") &&
               (starts_with(name, manifest + ".") ||
                (starts_with(name, "." + prefix) && name.find(".parquet.") != std::string::npos))) {
      kind = Kind::temp;
    }
    if (!kind) {
      if (starts_with(name, prefix) || starts_with(name, "." + prefix)) report(name, "not a name this run writes");
      continue;
    }
    if (!regular) {
      if (*kind == Kind::manifest) {
        return Error{ErrorKind::config, "output directory " + dir + " holds " + name +
                                            ", which is not a regular file: remove it (the run writes its manifest there)"};
      }
      if (*kind != Kind::keys) report(name, "not a regular file");  // a keys entry is judged with its part
      continue;
    }
    ours.push_back(Entry{e.path(), *kind, index});
  }
  if (ec) return Error{ErrorKind::config, "cannot read output directory " + dir + ": " + ec.message()};
  // Shards of different splits must not mix: a lone re-run of one array task
  // (a one-task array: shard 0 of 1) would otherwise duplicate other shards' keys.
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!starts_with(name, "_SUCCESS") || !ends_with(name, ".json") || name == manifest) continue;
    std::error_code type_ec;
    if (!e.is_regular_file(type_ec)) continue;
    std::ifstream f(e.path());
    auto m = nlohmann::json::parse(f, nullptr, false);
    if (m.is_object() && m.contains("shards") && m["shards"].is_number_unsigned() &&
        m["shards"].get<uint64_t>() != shard.count) {
      return Error{ErrorKind::config, "output directory " + dir + " holds " + name + " from a run split into " +
                                          std::to_string(m["shards"].get<uint64_t>()) + " shards, but this run is " +
                                          (shard.sharded ? "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count)
                                                         : std::string("unsharded")) +
                                          "; use --shard I/N with the same N"};
    }
  }

  auto renumber = [&]() -> Status {
    // New parts go past every name of ours still there, even one in the way
    // (a directory named like a part), so a commit never lands on it.
    for (const auto& e : fs::directory_iterator(dir, ec)) {
      std::string name = e.path().filename().string();
      long long index = out.index_of(name);
      if (index < 0 && name.size() > 1 && name[0] == '.') index = out.index_of(name.substr(1), ".keys");
      if (index >= 0) out.next_part_index_ = std::max<uint64_t>(out.next_part_index_, static_cast<uint64_t>(index) + 1);
    }
    if (ec) return Error{ErrorKind::config, "cannot read output directory " + dir + ": " + ec.message()};
    return Status();
  };

  if (mode == OutputMode::fresh) {
    bool conflict = shard.sharded ? !ours.empty() : entries > 0;
    if (conflict) {
      return Error{ErrorKind::config, "output directory " + dir + " is not empty" +
                                          (shard.sharded ? " (it holds files of shard " + std::to_string(shard.index) + ")" : "") +
                                          "; pass --resume to continue an interrupted run, or --overwrite to replace its part files"};
    }
    if (Status s = renumber(); !s.ok()) return s.error();
    return out;
  }
  if (mode == OutputMode::overwrite) {
    for (const auto& e : ours) fs::remove(e.path, ec);
    if (Status s = renumber(); !s.ok()) return s.error();
    return out;
  }
  // Resume: a part counts only when both its keys record and its Parquet file exist.
  for (const auto& e : ours) {
    if (e.kind != Kind::part) continue;
    const std::string keys_path = out.keys_path(static_cast<uint64_t>(e.index));
    std::error_code type_ec;
    if (!fs::is_regular_file(keys_path, type_ec)) {
      return Error{ErrorKind::config, "cannot resume: " + e.path.string() + " has no keys record (" + keys_path +
                                          "), so its objects are unknown; use --overwrite"};
    }
    std::ifstream keys(keys_path);
    std::string line;
    while (std::getline(keys, line)) {
      auto key = nlohmann::json::parse(line, nullptr, false);
      if (!key.is_string()) return Error{ErrorKind::config, "cannot resume: corrupt keys record for " + e.path.string()};
      // Records hold escaped paths; compare raw keys (bytes), as listed.
      out.done_keys_.insert(parquet::unescape_key(key.get<std::string>()));
    }
    if (keys.bad()) return Error{ErrorKind::config, "cannot resume: cannot read " + keys_path};
    out.existing_parts_.push_back(e.path.string());
  }
  for (const auto& e : ours) {
    bool committed_keys = e.kind == Kind::keys && fs::exists(out.part_path(static_cast<uint64_t>(e.index)), ec);
    if (e.kind != Kind::part && !committed_keys) fs::remove(e.path, ec);  // temporaries, orphans, old manifest
  }
  std::sort(out.existing_parts_.begin(), out.existing_parts_.end());
  if (Status s = renumber(); !s.ok()) return s.error();
  return out;
}

Result<std::unique_ptr<OutputDir::KeysWriter>> OutputDir::open_keys(uint64_t index) const {
  auto w = std::make_unique<KeysWriter>();
  w->path_ = keys_tmp_path(index);
  RunCleanup::instance().add_temp(w->path_);
  w->file_.open(w->path_, std::ios::trunc);
  if (!w->file_) return Error{ErrorKind::io, "cannot write " + w->path_};
  return w;
}

Status OutputDir::KeysWriter::add(const std::string& path) {
  // Replacing bytes here would make two keys one record: refuse instead
  // (`path` is escape_key's output, so this never fires).
  if (!parquet::is_valid_utf8(path)) return Error{ErrorKind::internal, "keys record: path is not valid UTF-8"};
  file_ << nlohmann::json(path).dump() << '\n';
  if (!file_) return Error{ErrorKind::io, "cannot write " + path_};
  return Status();
}

Status OutputDir::KeysWriter::close() {
  if (!file_.flush()) return Error{ErrorKind::io, "cannot write " + path_};
  file_.close();
  return fsync_file(path_);
}

Status OutputDir::still_locked_directory() const {
  struct stat now {};
  if (::stat(dir_.c_str(), &now) != 0 || static_cast<uint64_t>(now.st_dev) != dir_id_.first ||
      static_cast<uint64_t>(now.st_ino) != dir_id_.second) {
    return Error{ErrorKind::io, "output directory " + dir_ + " was moved or replaced during the run: it is no longer "
                                "the directory this run locked, so nothing more is committed there"};
  }
  return Status();
}

Status OutputDir::commit_part(uint64_t index) const {
  const std::string parquet_tmp = part_tmp_path(index), keys_tmp = keys_tmp_path(index);
  if (Status s = fsync_file(parquet_tmp); !s.ok()) return s;
  // Under hold(): an abrupt exit sees the part committed or not, never half.
  auto hold = RunCleanup::instance().hold();
  if (Status s = still_locked_directory(); !s.ok()) return s;
  std::error_code ec;
  fs::rename(keys_tmp, keys_path(index), ec);
  if (ec) return Error{ErrorKind::io, "cannot rename keys record " + keys_path(index) + ": " + ec.message()};
  RunCleanup::instance().drop_temp(keys_tmp);
  // The keys record must be durable before the part it describes appears.
  if (Status s = fsync_dir(dir_); !s.ok()) return s;
  fs::rename(parquet_tmp, part_path(index), ec);
  if (ec) return Error{ErrorKind::io, "cannot rename " + parquet_tmp + ": " + ec.message()};
  RunCleanup::instance().drop_temp(parquet_tmp);
  return fsync_dir(dir_);
}

Status OutputDir::write_manifest(const RunCounts& counts, const std::vector<std::string>& files) const {
  nlohmann::ordered_json m;
  m["complete"] = true;
  m["shard"] = shard_.index;
  m["shards"] = shard_.count;
  m["listed"] = counts.listed;
  m["ok"] = counts.ok;
  m["errors"] = counts.errors;
  m["resumed"] = counts.resumed;
  m["objects_with_warnings"] = counts.objects_with_warnings;
  m["rows"] = counts.ok + counts.errors + counts.resumed;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& f : files) names.push_back(fs::path(f).filename().string());
  m["files"] = names;
  m["finished_at_unix"] = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
  m["tool"] = td::tool_and_version();
  std::string tmp = manifest_path() + "." + run_id_ + ".tmp";
  RunCleanup::instance().add_temp(tmp);
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << m.dump(2) << '\n';
    if (!f.flush()) return Error{ErrorKind::io, "cannot write " + tmp};
  }
  if (Status s = fsync_file(tmp); !s.ok()) return s;
  auto hold = RunCleanup::instance().hold();
  if (Status s = still_locked_directory(); !s.ok()) return s;
  std::error_code ec;
  fs::rename(tmp, manifest_path(), ec);
  if (ec) return Error{ErrorKind::io, "cannot write manifest " + manifest_path() + ": " + ec.message()};
  RunCleanup::instance().drop_temp(tmp);
  return fsync_dir(dir_);
}

}  // namespace td::pipeline
