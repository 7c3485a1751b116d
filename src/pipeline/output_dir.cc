#include "pipeline/output_dir.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

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

// Part index from "<prefix>00042.parquet", or -1.
long long part_index(const std::string& name, const std::string& prefix) {
  if (!starts_with(name, prefix) || !ends_with(name, ".parquet")) return -1;
  std::string digits = name.substr(prefix.size(), name.size() - prefix.size() - 8);
  if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
  return std::stoll(digits);
}

Status fsync_file(const std::string& path) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{ErrorKind::io, "cannot open " + path};
  int rc = ::fsync(fileno(f));
  std::fclose(f);
  if (rc != 0) return Error{ErrorKind::io, "cannot sync " + path};
  return Status();
}

}  // namespace

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

std::string OutputDir::manifest_path() const {
  if (!shard_.sharded) return (fs::path(dir_) / "_SUCCESS.json").string();
  char buf[40];
  std::snprintf(buf, sizeof buf, "_SUCCESS-s%04u.json", shard_.index);
  return (fs::path(dir_) / buf).string();
}

Result<OutputDir> OutputDir::prepare(const std::string& dir, const Shard& shard, OutputMode mode) {
  OutputDir out;
  out.dir_ = dir;
  out.shard_ = shard;
  std::error_code ec;
  if (!fs::exists(dir, ec)) return Error{ErrorKind::config, "output directory does not exist: " + dir};
  if (!fs::is_directory(dir, ec)) return Error{ErrorKind::config, "output path is not a directory: " + dir};
  if (::access(dir.c_str(), W_OK) != 0) return Error{ErrorKind::config, "output directory is not writable: " + dir};

  // This shard's files: parts, keys records, temporaries, manifest.
  const std::string prefix = out.name_prefix();
  const std::string manifest = fs::path(out.manifest_path()).filename().string();
  std::vector<fs::path> ours;
  size_t entries = 0;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    ++entries;
    std::string name = e.path().filename().string();
    bool is_ours = starts_with(name, prefix) || starts_with(name, "." + prefix) || name == manifest;
    // An unsharded run's prefix "part-" also matches shard files: those are never ours.
    if (!shard.sharded && (starts_with(name, "part-s") || starts_with(name, ".part-s"))) is_ours = false;
    if (is_ours) ours.push_back(e.path());
  }
  if (ec) return Error{ErrorKind::config, "cannot read output directory " + dir + ": " + ec.message()};
  // Shards of different splits must not mix: a lone re-run of one array task
  // (a one-task array: shard 0 of 1) would otherwise duplicate other shards' keys.
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    std::string name = e.path().filename().string();
    if (!starts_with(name, "_SUCCESS") || !ends_with(name, ".json") || name == manifest) continue;
    std::ifstream f(e.path());
    auto m = nlohmann::json::parse(f, nullptr, false);
    if (m.is_object() && m.contains("shards") && m["shards"].is_number() && m["shards"].get<uint64_t>() != shard.count) {
      return Error{ErrorKind::config, "output directory " + dir + " holds " + name + " from a run split into " +
                                          std::to_string(m["shards"].get<uint64_t>()) + " shards, but this run is " +
                                          (shard.sharded ? "shard " + std::to_string(shard.index) + "/" + std::to_string(shard.count)
                                                         : std::string("unsharded")) +
                                          "; use --shard I/N with the same N"};
    }
  }

  if (mode == OutputMode::fresh) {
    bool conflict = shard.sharded ? !ours.empty() : entries > 0;
    if (conflict) {
      return Error{ErrorKind::config, "output directory " + dir + " is not empty" +
                                          (shard.sharded ? " (it holds files of shard " + std::to_string(shard.index) + ")" : "") +
                                          "; pass --resume to continue an interrupted run, or --overwrite to replace its part files"};
    }
    return out;
  }
  if (mode == OutputMode::overwrite) {
    for (const auto& p : ours) fs::remove(p, ec);
    return out;
  }
  // Resume: a part counts only when both its keys record and its Parquet file exist.
  for (const auto& p : ours) {
    std::string name = p.filename().string();
    long long index = part_index(name, prefix);
    if (index >= 0) {
      std::ifstream keys(out.keys_path(static_cast<uint64_t>(index)));
      if (!keys) {
        return Error{ErrorKind::config, "cannot resume: " + p.string() + " has no keys record (" +
                                            out.keys_path(static_cast<uint64_t>(index)) + "); use --overwrite"};
      }
      std::string line;
      while (std::getline(keys, line)) {
        auto key = nlohmann::json::parse(line, nullptr, false);
        if (!key.is_string()) return Error{ErrorKind::config, "cannot resume: corrupt keys record for " + p.string()};
        // Records hold escaped paths; compare raw keys (bytes), as listed.
        out.done_keys_.insert(parquet::unescape_key(key.get<std::string>()));
      }
      out.existing_parts_.push_back(p.string());
      out.next_part_index_ = std::max<uint64_t>(out.next_part_index_, static_cast<uint64_t>(index) + 1);
    }
  }
  for (const auto& p : ours) {
    std::string name = p.filename().string();
    bool committed_keys = false;
    if (ends_with(name, ".parquet.keys") && starts_with(name, "." + prefix)) {
      long long index = part_index(name.substr(1, name.size() - 6), prefix);
      committed_keys = index >= 0 && fs::exists(out.part_path(static_cast<uint64_t>(index)), ec);
    }
    bool is_part = part_index(name, prefix) >= 0;
    if (!is_part && !committed_keys) fs::remove(p, ec);  // temporaries, orphans, old manifest
  }
  std::sort(out.existing_parts_.begin(), out.existing_parts_.end());
  return out;
}

Result<std::unique_ptr<OutputDir::KeysWriter>> OutputDir::open_keys(uint64_t index) const {
  auto w = std::make_unique<KeysWriter>();
  w->path_ = keys_path(index) + ".tmp";
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

Status OutputDir::commit_part(uint64_t index, const std::string& parquet_tmp_path) const {
  std::error_code ec;
  if (Status s = fsync_file(parquet_tmp_path); !s.ok()) return s;
  fs::rename(keys_path(index) + ".tmp", keys_path(index), ec);
  if (ec) return Error{ErrorKind::io, "cannot rename keys record " + keys_path(index) + ": " + ec.message()};
  fs::rename(parquet_tmp_path, part_path(index), ec);
  if (ec) return Error{ErrorKind::io, "cannot rename " + parquet_tmp_path + ": " + ec.message()};
  return Status();
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
  m["rows"] = counts.ok + counts.errors + counts.resumed;
  nlohmann::json names = nlohmann::json::array();
  for (const auto& f : files) names.push_back(fs::path(f).filename().string());
  m["files"] = names;
  m["finished_at_unix"] = std::chrono::duration_cast<std::chrono::seconds>(
                              std::chrono::system_clock::now().time_since_epoch()).count();
  m["tool"] = "tiff-dumper 0.1.0";
  std::string tmp = manifest_path() + ".tmp";
  {
    std::ofstream f(tmp, std::ios::trunc);
    f << m.dump(2) << '\n';
    if (!f.flush()) return Error{ErrorKind::io, "cannot write " + tmp};
  }
  std::error_code ec;
  fs::rename(tmp, manifest_path(), ec);
  if (ec) return Error{ErrorKind::io, "cannot write manifest " + manifest_path() + ": " + ec.message()};
  return Status();
}

}  // namespace td::pipeline
