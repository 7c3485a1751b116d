// The output directory of a `headers` run: names of part files, the record of
// which keys each completed part holds (so --resume skips them), and the
// per-shard completion manifest. Several shards may share one directory; each
// only ever touches its own files.
//
//   part-00000.parquet                 unsharded        part-s0003-00000.parquet   shard 3
//   .part-00000.parquet.keys           keys of a completed part: each row's `path`
//                                      (parquet::escape_key of the key), a JSON string per line
//   _SUCCESS.json / _SUCCESS-s0003.json written last, when the run (shard) is complete
//   .part-00000.parquet.<run id>.tmp   a part being written (run id: pid and a random
//   .part-00000.parquet.keys.<run id>.tmp  number, so two processes never share a name)
//   .tiff-dumper.lock / .tiff-dumper-s0003.lock  output locks, present while a run holds them
//
// A part is committed by renaming its keys file, then the Parquet file, into
// place (each fsynced before, the directory after); a keys file without its
// Parquet file is an uncommitted leftover.
//
// Locks: a run holds flock(2) locks for its whole life, taken before the
// directory is checked or cleaned, released by the kernel if it dies. An
// unsharded run locks .tiff-dumper.lock exclusively; a shard locks it shared
// (shards run side by side) and .tiff-dumper-sIIII.lock exclusively. So two
// runs of one shard, or an unsharded run and any shard, never write one
// directory at once: the second fails at once, naming the holder (pid, host).
// Lock files hold the holder's description and are removed on a clean exit.
#pragma once

#include <cstdint>
#include <fstream>
#include <memory>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "util/status.h"

namespace td::pipeline {

struct Shard {
  uint32_t index = 0;
  uint32_t count = 1;
  bool sharded = false;  // names carry the shard (set whenever a shard was chosen)
  std::string source;    // where it came from ("--shard", "SLURM_ARRAY_TASK_ID", ...)
  // Whether `key` belongs to this shard: a stable hash of the key, modulo count.
  bool owns(const std::string& key) const;
};

// Stable 64-bit FNV-1a: the same on every machine and run.
uint64_t stable_hash(const std::string& key);

enum class OutputMode { fresh, overwrite, resume };

struct RunCounts {
  uint64_t listed = 0, ok = 0, errors = 0, resumed = 0;
  uint64_t objects_with_warnings = 0;  // of `ok`: rows whose `warnings` column is set
};

class OutputLock;

class OutputDir {
 public:
  // Locks `dir` for this shard (fails, kind config, when another run holds it;
  // a file system without locks only warns), then checks and prepares it:
  //   fresh: the shard must have no files there (unsharded: the directory must be empty);
  //   overwrite: removes this shard's files (nothing else);
  //   resume: keeps completed parts, loads their keys, removes leftovers.
  // Removes this shard's manifest in every mode: an unfinished run never looks complete.
  // Only names this shard writes are touched; any other entry (part-abc.parquet,
  // an out-of-range index, a directory named like a part) is left alone with a
  // warning, and new parts are numbered past it.
  static Result<OutputDir> prepare(const std::string& dir, const Shard& shard, OutputMode mode);

  const std::string& dir() const { return dir_; }
  std::string part_path(uint64_t index) const;
  std::string keys_path(uint64_t index) const;
  uint64_t next_part_index() const { return next_part_index_; }
  // Raw keys (bytes; key-list lines as given) already written by completed
  // parts (resume only): parquet::unescape_key of their records.
  const std::unordered_set<std::string>& done_keys() const { return done_keys_; }
  const std::vector<std::string>& existing_parts() const { return existing_parts_; }
  // This run's temporary names for part `index` (unique to this process).
  std::string part_tmp_path(uint64_t index) const;
  std::string keys_tmp_path(uint64_t index) const;

  // The keys record of a part, written line by line as its rows are, under a
  // temporary name that commit_part renames (so no part's keys sit in memory).
  class KeysWriter {
   public:
    // path: the row's `path` (escape_key of its key; valid UTF-8, stored exactly).
    Status add(const std::string& path);
    Status close();  // flush and fsync
   private:
    friend class OutputDir;
    std::string path_;
    std::ofstream file_;
  };
  // Records the keys of part `index` under keys_tmp_path(index), which
  // RunCleanup removes on an abrupt exit.
  Result<std::unique_ptr<KeysWriter>> open_keys(uint64_t index) const;
  // fsyncs part_tmp_path(index), renames the keys record then the Parquet
  // file into place, fsyncing the directory after each rename.
  Status commit_part(uint64_t index) const;
  // Writes the manifest under a temporary name, fsyncs it, renames it into
  // place and fsyncs the directory.
  Status write_manifest(const RunCounts& counts, const std::vector<std::string>& files) const;
  std::string manifest_path() const;

 private:
  std::string name_prefix() const;  // "part-" or "part-s0003-"
  // The part index in `name` if it is exactly a name part_path() makes
  // (index < 10^9), else -1; `suffix` follows ".parquet" (".keys" for records).
  long long index_of(const std::string& name, const std::string& suffix = "") const;
  // Fails (io) when dir_ no longer names the directory locked by prepare()
  // (renamed or replaced mid-run): commits would land in another run's output.
  Status still_locked_directory() const;
  std::string dir_;
  std::pair<uint64_t, uint64_t> dir_id_{0, 0};  // st_dev, st_ino of dir_ when locked
  Shard shard_;
  std::string run_id_;                // "<pid>-<random hex>": this run's temporary names
  std::shared_ptr<OutputLock> lock_;  // held while any copy of this OutputDir lives
  uint64_t next_part_index_ = 0;
  std::unordered_set<std::string> done_keys_;
  std::vector<std::string> existing_parts_;
};

}  // namespace td::pipeline
