#!/usr/bin/python3
"""The Python package (python/): installed with pip, checked against the command.

  python_api_test.py BUILD_DIR TIFF_DUMPER

Installs the package with `pip install --no-build-isolation --target TMP python/`,
taking the extension module and binary from BUILD_DIR (configured with
-DTD_PYTHON=ON; TD_PYTHON_PREBUILT, see python/setup.py), then runs pytest on
the tests below in a fresh /usr/bin/python3 with TMP on its path. Exit 77 (skip)
when the module was not built (no pybind11-dev, or TD_PYTHON off) or pytest or
pandas are missing.

Checked: read_header of each sample equals `tiff-dumper info SAMPLE`; read_headers
of the samples makes a pandas DataFrame with one row per file and the columns;
dump_headers over samples/ (a config file, a dict, overrides) writes Parquet
DuckDB reads back with 4 rows; a bad config raises ConfigError (a ValueError); a
missing store raises ConfigError, a missing file RunError; __version__ is what
`tiff-dumper --version` prints; the console script. Ctrl-C (SIGINT) during
dump_headers and read_headers over a slow HTTP server (every answer 20 ms late)
raises KeyboardInterrupt within seconds, not when the run ends; dump_headers
then leaves only complete parts, which DuckDB reads, and resume=True finishes
the run with every key once.
"""
import glob
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

try:
    import pytest
except ImportError:
    print("SKIP: pytest is missing (Debian python3-pytest)")
    sys.exit(77)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(REPO, "samples")
JS = os.path.join(REPO, "tests", "js")
SKIP = 77
BINARY = os.environ.get("TD_TEST_BINARY", "")


def samples():
    return sorted(glob.glob(os.path.join(SAMPLES, "*.tif")) + glob.glob(os.path.join(SAMPLES, "*.TIFF")))


def duckdb(sql):
    r = subprocess.run(["node", os.path.join(JS, "query.mjs"), "--json", sql], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, f"duckdb failed on {sql!r}: {r.stderr}"
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def td():
    import tiff_dumper
    assert os.environ["TD_TEST_TARGET"] in tiff_dumper.__file__, tiff_dumper.__file__  # the installed copy
    return tiff_dumper


def test_read_header_equals_info(td):
    assert len(samples()) == 4
    for path in samples():
        r = subprocess.run([BINARY, "info", path], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert td.read_header(path) == json.loads(r.stdout), path


def test_read_headers_dataframe(td):
    import pandas
    files = samples()
    rows = td.read_headers(files, concurrency=3)
    df = pandas.DataFrame(rows)
    assert len(df) == len(files)
    assert list(df["path"]) == files
    assert list(df.columns) == list(td.read_header(files[0]).keys())
    for column in ["image_width", "image_height", "compression", "geokeys", "ifds", "error_kind"]:
        assert column in df.columns, column
    assert df["error_kind"].isna().all()
    assert (df["image_width"] > 0).all()
    # A file that cannot be read is its error row, in place.
    missing = os.path.join(SAMPLES, "missing.tif")
    rows = td.read_headers([files[0], missing], concurrency=2)
    assert [r["path"] for r in rows] == [files[0], missing]
    assert rows[1]["error_kind"] == "not_found" and rows[1]["error"]


def count_rows(out_dir):
    row = duckdb(f"SELECT count(*) AS n, count(error_kind) AS e FROM read_parquet('{out_dir}/*.parquet')")[0]
    return {k: int(v) for k, v in row.items()}  # BIGINT comes back as JSON text


def test_dump_headers(td, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  name: {SAMPLES}\nconcurrency:\n  n_consumers: 2\n")
    out = tmp_path / "out1"
    out.mkdir()
    summary = td.dump_headers(config, out)
    assert summary["listed"] == 4 and summary["ok"] == 4 and summary["errors"] == 0, summary
    assert len(summary["files"]) == 1 and os.path.exists(summary["files"][0])
    assert count_rows(out) == {"n": 4, "e": 0}
    # A dict shaped like the YAML, and overrides like the flags.
    out = tmp_path / "out2"
    out.mkdir()
    summary = td.dump_headers({"store": {"name": SAMPLES}}, out, concurrency=3, compression="zstd",
                              suffix=[".tif"])
    assert summary["listed"] == 3, summary  # .TIFF ends with .tiff, not .tif
    assert count_rows(out)["n"] == 3


def test_dump_headers_overrides(td, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    summary = td.dump_headers(None, out, store=SAMPLES, prefix="utm", concurrency=1)
    assert summary["listed"] == 1, summary
    # out is not empty now: the command's refusal, as ConfigError; overwrite=True replaces.
    with pytest.raises(td.ConfigError):
        td.dump_headers(None, out, store=SAMPLES)
    assert td.dump_headers(None, out, store=SAMPLES, overwrite=True)["listed"] == 4
    assert count_rows(out)["n"] == 4


def test_config_errors(td, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(td.ConfigError, match="unknown key 'store.nme'"):
        td.dump_headers({"store": {"nme": SAMPLES}}, out)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"store:\n  name: {SAMPLES}\nconcurrency:\n  n_consumers: 20\n  list_chunk_size: 10\n")
    with pytest.raises(ValueError, match="n_consumers"):  # ConfigError is a ValueError
        td.dump_headers(bad, out)
    with pytest.raises(td.ConfigError, match="cannot read"):
        td.dump_headers(tmp_path / "nope.yaml", out)
    with pytest.raises(td.ConfigError, match="unknown option"):
        td.dump_headers(None, out, store=SAMPLES, concurency=3)
    with pytest.raises(td.ConfigError):
        td.dump_headers(None, out, store=SAMPLES, concurrency="many")
    with pytest.raises(td.ConfigError, match="unknown store option"):
        td.read_header(samples()[0], regoin="x")
    assert not os.listdir(out)


def test_missing_store_and_file(td, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    missing = str(tmp_path / "no-such-dir")
    r = subprocess.run([BINARY, "headers", "--store", missing, str(out)], capture_output=True, text=True, timeout=60)
    expected = {2: td.ConfigError, 1: td.RunError}[r.returncode]  # what the command says, as an exception
    with pytest.raises(expected, match="no-such-dir"):
        td.dump_headers(None, out, store=missing)
    with pytest.raises(td.RunError, match="not_found"):
        td.read_header(os.path.join(SAMPLES, "missing.tif"))
    with pytest.raises(td.ConfigError):
        td.read_header("nosuchscheme://bucket/a.tif")


def test_version_is_the_commands(td):
    r = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "tiff-dumper " + td.__version__, (r.stdout, td.__version__)


class SlowServer:
    """HTTP on 127.0.0.1: every path is the sample `body`, ranged GETs
    answered 206, each answer `delay` seconds late."""

    def __init__(self, body, delay):
        self.body, self.delay = body, delay
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                time.sleep(server.delay)
                body = server.body
                m = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                if m:
                    first = int(m[1])
                    last = min(int(m[2]) if m[2] else len(body) - 1, len(body) - 1)
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {first}-{last}/{len(body)}")
                    body = body[first:last + 1]
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


# The child: runs one call, says "started" first, exits 42 on KeyboardInterrupt.
INTERRUPTED_CHILD = """
import sys, tiff_dumper
what, keys, out, store = sys.argv[1:5]
print("started", flush=True)
try:
    if what == "dump_headers":
        config = {"store": {"name": store}, "concurrency": {"n_consumers": 4, "list_chunk_size": 50,
                                                            "write_chunk_size": 50, "max_buffer_size": 1000}}
        tiff_dumper.dump_headers(config, out, keys=keys)
    else:
        tiff_dumper.read_headers([store + line.strip() for line in open(keys)], concurrency=4)
except KeyboardInterrupt:
    print("KeyboardInterrupt", flush=True)
    sys.exit(42)
print("finished", flush=True)
"""

N_SLOW_KEYS = 3000  # 4 at a time, 20 ms each: 15 s or more


@pytest.fixture
def slow_server(tmp_path):
    with open(samples()[0], "rb") as f:
        server = SlowServer(f.read(), 0.02)
    keys = tmp_path / "keys.txt"
    keys.write_text("".join(f"d/{i:05}.tif\n" for i in range(N_SLOW_KEYS)))
    yield server, keys
    server.stop()


def interrupt(what, keys, out, store, ready):
    """Starts INTERRUPTED_CHILD, sends SIGINT once ready() and returns (its
    exit code, its stdout, seconds from the signal to its exit)."""
    child = subprocess.Popen([sys.executable, "-c", INTERRUPTED_CHILD, what, str(keys), str(out), store],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "started"
        deadline = time.monotonic() + 60
        while not ready():
            assert child.poll() is None and time.monotonic() < deadline, "the run ended before it was interrupted"
            time.sleep(0.05)
        child.send_signal(signal.SIGINT)
        sent = time.monotonic()
        stdout, stderr = child.communicate(timeout=60)
        return child.returncode, stdout + stderr, time.monotonic() - sent
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()


def test_ctrl_c_dump_headers(td, tmp_path, slow_server):
    server, keys = slow_server
    out = tmp_path / "out"
    out.mkdir()
    parts = lambda: sorted(glob.glob(str(out / "part-*.parquet")))  # noqa: E731
    code, output, seconds = interrupt("dump_headers", keys, out, server.url, lambda: len(parts()) >= 2)
    assert code == 42 and "KeyboardInterrupt" in output, output
    assert seconds < 5, f"KeyboardInterrupt {seconds:.1f} s after SIGINT"
    assert "rerun with --resume" in output, output
    # Only complete parts, each with its keys record: no temporary, no manifest.
    left = sorted(os.listdir(out))
    assert not [n for n in left if n.endswith(".tmp") or n.startswith("_SUCCESS")], left
    kept = parts()
    assert 2 <= len(kept) and all(os.path.exists(os.path.join(out, "." + os.path.basename(p) + ".keys")) for p in kept)
    rows = count_rows(out)["n"]
    assert rows == 50 * len(kept), (rows, kept)  # write_chunk_size rows each
    assert rows < N_SLOW_KEYS
    # Resumable as after the command's Ctrl-C: the rest, each key once.
    server.delay = 0
    summary = td.dump_headers(None, out, store=server.url, keys=keys, resume=True, concurrency=8)
    assert summary["resumed"] == rows and summary["listed"] == N_SLOW_KEYS, summary
    row = duckdb(f"SELECT count(*) AS n, count(DISTINCT path) AS d, count(error_kind) AS e "
                 f"FROM read_parquet('{out}/*.parquet')")[0]
    assert {k: int(v) for k, v in row.items()} == {"n": N_SLOW_KEYS, "d": N_SLOW_KEYS, "e": 0}


def test_ctrl_c_read_headers(tmp_path, slow_server):
    server, keys = slow_server
    started = time.monotonic()
    code, output, seconds = interrupt("read_headers", keys, tmp_path, server.url,
                                      lambda: time.monotonic() - started > 1.5)
    assert code == 42 and "KeyboardInterrupt" in output, output
    assert seconds < 5, f"KeyboardInterrupt {seconds:.1f} s after SIGINT"


def test_console_script():
    script = os.path.join(os.environ["TD_TEST_TARGET"], "bin", "tiff-dumper")
    r = subprocess.run([sys.executable, "-m", "tiff_dumper", "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("tiff-dumper "), r.stdout + r.stderr
    assert os.path.exists(script)
    r = subprocess.run([script, "info", samples()[0]], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and json.loads(r.stdout)["path"] == samples()[0], r.stderr


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    build_dir, binary = map(os.path.abspath, sys.argv[1:])
    if not glob.glob(os.path.join(build_dir, "python", "_core*.so")):
        print("SKIP: the Python module was not built (configure with -DTD_PYTHON=ON; needs Debian pybind11-dev)")
        return SKIP
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("SKIP: pandas is missing (Debian python3-pandas)")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="td-python-") as tmp:
        target = os.path.join(tmp, "site")
        env = dict(os.environ, TD_PYTHON_PREBUILT=build_dir, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--quiet",
                            "--target", target, os.path.join(REPO, "python")],
                           capture_output=True, text=True, timeout=600, env=env, cwd=tmp)
        if r.returncode != 0:
            print(r.stdout + r.stderr, file=sys.stderr)
            print("FAIL: pip install of python/", file=sys.stderr)
            return 1
        env = dict(os.environ, PYTHONPATH=target, TD_TEST_TARGET=target, TD_TEST_BINARY=binary,
                   PYTHONDONTWRITEBYTECODE="1")
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", tmp,
                            os.path.abspath(__file__)], env=env, cwd=tmp, timeout=900)
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
