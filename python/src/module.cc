// tiff_dumper._core: the C++ engine for Python (pybind11). The functions
// here call what the `tiff-dumper` command calls (cli/commands.h,
// cli/info_document.h) and turn exit codes into exceptions:
//   exit_usage (2)  -> ConfigError (a ValueError): bad config, options or store
//   exit_failed (1) -> RunError (a RuntimeError): the run failed, or (read_header) the file could not be read
// python/tiff_dumper/__init__.py is the documented surface.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/exit_codes.h"
#include "cli/info_document.h"
#include "util/version.h"

namespace py = pybind11;

namespace {

PyObject* g_config_error = nullptr;
PyObject* g_run_error = nullptr;

[[noreturn]] void raise(PyObject* type, const std::string& message) {
  PyErr_SetString(type, message.c_str());
  throw py::error_already_set();
}

// Runs `work` on a thread of its own with the GIL released. The calling thread
// wakes every 100 ms, takes the GIL and runs Python's signal handlers
// (PyErr_CheckSignals), so Ctrl-C is not held back until the run ends. When a
// handler raises (KeyboardInterrupt), `stop` is set, `work` is waited for (it
// must see `stop` and return soon, leaving its output as a stopped run does)
// and the handler's exception is raised here. SIGINT is blocked on the work
// thread and the threads it starts: the signal then reaches the waiting
// thread, never interrupts the engine's system calls (EINTR).
void run_interruptible(const std::function<void()>& work, std::atomic<bool>& stop) {
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::exception_ptr failure;
  PyObject *type = nullptr, *value = nullptr, *trace = nullptr;  // the handler's exception
  {
    py::gil_scoped_release release;
    std::thread worker([&] {
      sigset_t set;
      sigemptyset(&set);
      sigaddset(&set, SIGINT);
      ::pthread_sigmask(SIG_BLOCK, &set, nullptr);
      try {
        work();
      } catch (...) {
        failure = std::current_exception();
      }
      std::lock_guard lock(mu);
      done = true;
      cv.notify_all();
    });
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) {
      if (type) continue;  // stopping: wait for the engine
      lock.unlock();
      {
        py::gil_scoped_acquire gil;
        if (PyErr_CheckSignals() != 0) {
          PyErr_Fetch(&type, &value, &trace);
          stop = true;
        }
      }
      lock.lock();
    }
    lock.unlock();
    worker.join();
  }
  if (type) {
    PyErr_Restore(type, value, trace);
    throw py::error_already_set();
  }
  if (failure) std::rethrow_exception(failure);
}

py::object to_python(const nlohmann::ordered_json& j) {
  switch (j.type()) {
    case nlohmann::ordered_json::value_t::null: return py::none();
    case nlohmann::ordered_json::value_t::boolean: return py::bool_(j.get<bool>());
    case nlohmann::ordered_json::value_t::number_integer: return py::int_(j.get<int64_t>());
    case nlohmann::ordered_json::value_t::number_unsigned: return py::int_(j.get<uint64_t>());
    case nlohmann::ordered_json::value_t::number_float: return py::float_(j.get<double>());
    case nlohmann::ordered_json::value_t::string: {
      const auto& s = j.get_ref<const std::string&>();
      PyObject* text = PyUnicode_DecodeUTF8(s.data(), static_cast<Py_ssize_t>(s.size()), "replace");
      if (!text) throw py::error_already_set();
      return py::reinterpret_steal<py::object>(text);
    }
    case nlohmann::ordered_json::value_t::array: {
      py::list out;
      for (const auto& v : j) out.append(to_python(v));
      return out;
    }
    case nlohmann::ordered_json::value_t::object: {
      py::dict out;
      for (const auto& [k, v] : j.items()) out[py::str(k)] = to_python(v);
      return out;
    }
    case nlohmann::ordered_json::value_t::binary: {
      const auto& b = j.get_binary();
      return py::bytes(reinterpret_cast<const char*>(b.data()), b.size());
    }
    default: return py::none();
  }
}

// A string or a list of strings.
std::vector<std::string> strings(const py::handle& v) {
  if (py::isinstance<py::str>(v)) return {v.cast<std::string>()};
  return v.cast<std::vector<std::string>>();
}

// Keyword overrides, named like the `headers` flags (--max-ifds: max_ifds).
void apply_override(td::cli::HeadersArgs& a, const std::string& key, const py::handle& v) {
  if (key == "store") a.store = v.cast<std::string>();
  else if (key == "keys") a.keys_file = py::str(v).cast<std::string>();
  else if (key == "prefix" || key == "prefixes") a.prefixes = strings(v);
  else if (key == "concurrency") a.concurrency = v.cast<size_t>();
  else if (key == "suffix" || key == "suffixes") a.suffixes = strings(v);
  else if (key == "compression") a.compression = v.cast<std::string>();
  else if (key == "overwrite") a.overwrite = v.cast<bool>();
  else if (key == "resume") a.resume = v.cast<bool>();
  else if (key == "shard") a.shard = py::str(v).cast<std::string>();
  else if (key == "shard_count") a.shard_count = v.cast<uint32_t>();
  else if (key == "stall_timeout") a.stall_timeout_seconds = v.cast<double>();
  else if (key == "list_split") {
    a.list_split = v.cast<std::string>();
    if (a.list_split != "auto" && a.list_split != "on" && a.list_split != "off") {
      raise(g_config_error, "list_split must be auto, on or off, got '" + a.list_split + "'");
    }
  } else if (key == "quiet") a.quiet = v.cast<bool>();
  else if (key == "loud") a.loud = v.cast<bool>();
  else if (key == "max_header_bytes") a.max_header_bytes = v.cast<uint64_t>();
  else if (key == "max_ifds") {
    a.max_ifds = v.cast<uint32_t>();
    if (a.max_ifds < 1) raise(g_config_error, "max_ifds must be at least 1");
  } else if (key == "first_read_bytes") a.first_read_bytes = v.cast<uint64_t>();
  else if (key == "max_discard_bytes") a.max_discard_bytes = v.cast<uint64_t>();
  else raise(g_config_error, "unknown option '" + key + "' (the `tiff-dumper headers` flags, with _ for -)");
}

py::dict dump_headers(const py::object& config_path, const py::object& config_text, const std::string& out_dir,
                      const py::dict& overrides) {
  td::cli::HeadersArgs args;
  args.quiet = true;  // no progress lines unless asked (quiet=False)
  if (!config_path.is_none()) args.positionals.push_back(config_path.cast<std::string>());
  if (!config_text.is_none()) args.config_text = config_text.cast<std::string>();
  args.positionals.push_back(out_dir);
  for (const auto& [k, v] : overrides) {
    std::string key = k.cast<std::string>();
    if (v.is_none()) continue;
    try {
      apply_override(args, key, v);
    } catch (const py::cast_error&) {
      raise(g_config_error, "option " + key + ": wrong type " + std::string(py::str(v.get_type())));
    }
  }
  td::cli::HeadersReport report;
  int code = 0;
  std::atomic<bool> stop{false};
  args.stop = &stop;
  run_interruptible([&] { code = td::cli::run_headers_command(args, &report); }, stop);
  if (code == td::cli::exit_usage) raise(g_config_error, report.error);
  if (code == td::cli::exit_failed) raise(g_run_error, report.error);
  const auto& s = report.summary;
  py::dict out;
  out["listed"] = s.listed;
  out["ok"] = s.ok;
  out["errors"] = s.errors;
  out["skipped"] = s.skipped;
  out["resumed"] = s.resumed;
  out["other_shards"] = s.other_shards;
  out["with_warnings"] = s.with_warnings;
  out["requests"] = s.requests;
  out["bytes_read"] = s.bytes_read;
  out["elapsed_seconds"] = s.elapsed_seconds;
  out["files"] = s.files;
  out["out_dir"] = out_dir;
  return out;
}

std::map<std::string, std::string> store_config(const py::dict& options) {
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : options) {
    std::string key = k.cast<std::string>();
    if (!td::cli::is_known_store_option(key)) {
      raise(g_config_error, "unknown store option '" + key + "' (not an obstore option)");
    }
    if (py::isinstance<py::bool_>(v)) out[key] = v.cast<bool>() ? "true" : "false";
    else out[key] = py::str(v).cast<std::string>();
  }
  return out;
}

py::object read_header(const std::string& path, const py::dict& options) {
  td::cli::InfoArgs args;
  auto config = store_config(options);
  td::cli::InfoDocument doc;
  std::atomic<bool> stop{false};  // one file: Ctrl-C raises once it is read
  run_interruptible([&] {
    td::cli::StoreCache stores;
    doc = td::cli::info_document(args, path, config, stores);
  }, stop);
  if (doc.error) {
    raise(doc.code == td::cli::exit_usage ? g_config_error : g_run_error,
          (path + ": ") + doc.error->describe());
  }
  return to_python(*doc.json);
}

py::list read_headers(const std::vector<std::string>& paths, size_t concurrency, const py::dict& options) {
  td::cli::InfoArgs args;
  auto config = store_config(options);
  std::vector<td::cli::InfoDocument> docs(paths.size());
  std::atomic<bool> stop{false};  // on Ctrl-C no further file is started
  run_interruptible([&] {
    std::atomic<size_t> next{0};
    auto work = [&] {
      td::cli::StoreCache stores;  // per thread
      for (size_t i; !stop.load() && (i = next++) < paths.size();) {
        docs[i] = td::cli::info_document(args, paths[i], config, stores, true);
      }
    };
    size_t n = std::max<size_t>(1, std::min(concurrency, paths.size()));
    std::vector<std::thread> threads;
    for (size_t t = 1; t < n; ++t) threads.emplace_back(work);
    work();
    for (auto& t : threads) t.join();
  }, stop);
  py::list out;
  for (size_t i = 0; i < docs.size(); ++i) {
    if (!docs[i].json) raise(g_config_error, paths[i] + ": " + docs[i].error->describe());
    out.append(to_python(*docs[i].json));
  }
  return out;
}

}  // namespace

PYBIND11_MODULE(_core, m) {
  m.doc() = "tiff-dumper's C++ engine (use the tiff_dumper package)";
  static py::exception<void> config_error(m, "ConfigError", PyExc_ValueError);
  static py::exception<void> run_error(m, "RunError", PyExc_RuntimeError);
  g_config_error = config_error.ptr();
  g_run_error = run_error.ptr();
  // The build's one version (util/version.h), as `tiff-dumper --version` prints it.
  m.attr("__version__") = td::version();
  m.def("dump_headers", &dump_headers, py::arg("config_path"), py::arg("config_text"), py::arg("out_dir"),
        py::arg("overrides"));
  m.def("read_header", &read_header, py::arg("path"), py::arg("store_options"));
  m.def("read_headers", &read_headers, py::arg("paths"), py::arg("concurrency"), py::arg("store_options"));
}
