"""Shared pieces of the reliability tests (tests/reliability) and the long tests
(tests/long): paths, running the binary, DuckDB queries, object trees of hard
links, the S3 test server (s3rver behind the SigV4-verifying proxy), and the
row-for-row comparison of two outputs.

Every server a test starts binds 127.0.0.1 and is stopped by the test (context
managers); the fault proxy and nginx also die with the test process.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import http.client

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
JS = os.path.join(REPO, "tests", "js")
SERVERS = os.path.join(REPO, "tests", "servers")
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SAMPLES = os.path.join(REPO, "samples")
SKIP = 77
BUCKET = "tiffs"
KEY_ID = "S3RVER"
# The cost columns and the listing's own metadata differ between runs; every
# other column must be equal row for row.
VOLATILE = "requests, bytes_read, etag, last_modified"

sys.path.insert(0, SERVERS)
sys.path.insert(0, os.path.join(REPO, "tests", "stores", "s3"))
from s3_server_test import Server  # noqa: E402  (s3rver + SigV4-verifying proxy)


class Skip(Exception):
    pass


# scripts/test sets TD_SANITIZED=1 for the ASan + UBSan build: its shadow memory
# reserves terabytes of address space and inflates RSS, so memory bounds are
# measured on the optimized build only (the behaviour is still checked).
SANITIZED = os.environ.get("TD_SANITIZED") == "1"


def check_memory(cond, message):
    if SANITIZED:
        print(f"memory bound not checked under the sanitizers: {message}")
        return
    check(cond, message)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def run(cmd, timeout=300, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)


def need_node_modules(*names):
    for n in names or ("@duckdb",):
        if not os.path.isdir(os.path.join(JS, "node_modules", n)):
            raise Skip(f"tests/js/node_modules/{n} is missing; run scripts/install-deps")


def duckdb(sql):
    r = run(["node", os.path.join(JS, "query.mjs"), "--json", sql], timeout=300)
    if r.returncode != 0:
        raise AssertionError(f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def tiff_sources(corpus=True):
    """Local TIFF-ish files to replicate: the samples and, when present (and
    `corpus`), the shared corpus, some of whose files are error rows by design."""
    files = [os.path.join(SAMPLES, n) for n in sorted(os.listdir(SAMPLES))
             if os.path.isfile(os.path.join(SAMPLES, n))]
    if corpus and os.path.isdir(CORPUS):
        for dirpath, _, names in sorted(os.walk(CORPUS)):
            files += [os.path.join(dirpath, n) for n in sorted(names)]
    return files


def make_tree(root, n, per_dir=200, bad=True, corpus=True):
    """n objects under root (dNNN/objNNNNNN.tif hard links cycling through the sources;
    with `bad`, one empty and one non-TIFF object among them; without `corpus`, only
    the samples, which all read cleanly). Returns sorted keys."""
    sources = tiff_sources(corpus)
    keys = []
    for i in range(n):
        key = f"d{i // per_dir:03d}/obj{i:06d}.tif"
        path = os.path.join(root, key)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        if bad and i == 1:
            open(path, "wb").close()
        elif bad and i == 2:
            with open(path, "w") as f:
                f.write("this is not a TIFF\n")
        else:
            os.link(sources[i % len(sources)], path)
        keys.append(key)
    return sorted(keys)


def write_config(path, store, options=None, n_consumers=16, list_chunk=100, write_chunk=None, prefixes=None):
    """A CONFIG file (values JSON-quoted, which is valid YAML)."""
    write_chunk = write_chunk or list_chunk * 10
    lines = ["store:", f"  name: {json.dumps(store)}"]
    if prefixes:
        lines.append("  prefixes:")
        lines += [f"    - {json.dumps(p)}" for p in prefixes]
    if options:
        lines.append("  obstore_config:")
        lines += [f"    {k}: {json.dumps(v)}" for k, v in options.items()]
    buffer = max(write_chunk, list_chunk * 10)
    buffer -= buffer % list_chunk
    lines += ["concurrency:", f"  n_consumers: {min(n_consumers, list_chunk)}", f"  list_chunk_size: {list_chunk}",
              f"  max_buffer_size: {buffer}", f"  write_chunk_size: {write_chunk}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def clean_env(tmp, **extra):
    """No cloud credentials or CA settings from the caller; a HOME without ~/.aws."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "AZURE_", "GOOGLE_", "STORAGE_EMULATOR", "CLOUDSDK"))
           and k not in ("SSL_CERT_FILE", "CURL_CA_BUNDLE")}
    env["HOME"] = os.path.join(tmp, "home")
    os.makedirs(env["HOME"], exist_ok=True)
    env.update(extra)
    return env


def headers(binary, args, out, env, expect=None, timeout=300, quiet=True):
    """Runs `headers ARGS OUT`; returns (CompletedProcess, elapsed seconds)."""
    os.makedirs(out, exist_ok=True)
    cmd = [binary, "headers", *args, out] + (["--quiet"] if quiet else [])
    t0 = time.monotonic()
    r = run(cmd, timeout=timeout, env=env)
    elapsed = time.monotonic() - t0
    if expect is not None and r.returncode not in (expect if isinstance(expect, tuple) else (expect,)):
        raise AssertionError(f"{' '.join(cmd)}: exit {r.returncode}, expected {expect}\n{r.stderr[-3000:]}")
    return r, elapsed


def parts(out):
    return sorted(n for n in os.listdir(out) if n.endswith(".parquet") and not n.startswith("."))


def compare_outputs(got, want, expected_keys=None):
    """Row-for-row comparison of two outputs (all columns but VOLATILE).
    Returns figures: rows, distinct, duplicates, lost, extra, differing, errors."""
    def q(d):
        return f"SELECT * EXCLUDE ({VOLATILE}) FROM read_parquet('{d}/*.parquet')"
    missing = duckdb(f"SELECT path FROM ({q(want)} EXCEPT ALL {q(got)}) ORDER BY path")
    extra = duckdb(f"SELECT path FROM ({q(got)} EXCEPT ALL {q(want)}) ORDER BY path")
    stats = duckdb(f"SELECT count(*) AS n, count(DISTINCT path) AS d, count(error) AS e "
                   f"FROM read_parquet('{got}/*.parquet')")[0]
    n, d = int(stats["n"]), int(stats["d"])
    lost = 0
    if expected_keys is not None:
        have = {r["path"] for r in duckdb(f"SELECT DISTINCT path FROM read_parquet('{got}/*.parquet')")}
        lost = len(set(expected_keys) - have)
    return {"rows": n, "distinct": d, "duplicates": n - d, "lost": lost, "missing_vs_reference": len(missing),
            "extra_vs_reference": len(extra), "error_rows": int(stats["e"]),
            "examples": [m["path"] for m in missing[:3]] + [e["path"] for e in extra[:3]]}


def assert_same(fig, name):
    check(fig["duplicates"] == 0 and fig["lost"] == 0 and fig["missing_vs_reference"] == 0
          and fig["extra_vs_reference"] == 0, f"{name}: output differs from the fault-free run: {fig}")


def tree_snapshot(root, exclude=()):
    """{relative path: (size, mtime_ns)} of every file under root, minus excluded subtrees."""
    snap = {}
    exclude = [os.path.abspath(e) for e in exclude]
    for dirpath, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if os.path.abspath(os.path.join(dirpath, d)) not in exclude]
        for f in files:
            p = os.path.join(dirpath, f)
            try:
                st = os.lstat(p)
            except FileNotFoundError:
                continue
            snap[os.path.relpath(p, root)] = (st.st_size, st.st_mtime_ns)
        for d in dirs:
            snap.setdefault(os.path.relpath(os.path.join(dirpath, d), root) + "/", (0, 0))
    return snap


class S3Server(Server):
    """The S3 tests' server (s3rver behind tests/stores/s3/s3_server.mjs, which
    verifies every SigV4 signature against the Host header as it arrives), with
    what the reliability tests need on top. Stopped on exit."""

    def __init__(self, tmp, secret=None, region="us-east-1"):
        need_node_modules("s3rver", "@smithy")
        super().__init__(tmp, region=region, secret=secret, start_timeout=60)
        self.secret = secret or KEY_ID

    def upload_tree(self, root, keys):
        """Unsigned PUTs straight to s3rver (it accepts anonymous writes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.s3rver_port, timeout=60)
        for key in keys:
            self.put(conn, key, open(os.path.join(root, key), "rb").read())
        conn.close()

    def put(self, conn, key, body, raw_path=None):
        path = raw_path or f"/{BUCKET}/" + urllib.parse.quote(key, safe="/")
        conn.request("PUT", path, body=body)
        r = conn.getresponse()
        r.read()
        check(r.status == 200, f"upload of {key!r} failed: HTTP {r.status}")

    def requests(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def options(self, endpoint=None, secret=None, **more):
        return {"endpoint": endpoint or self.endpoint(), "allow_http": "true", "access_key_id": KEY_ID,
                "secret_access_key": secret or self.secret, "region": "us-east-1", **more}


def main_for(tests, argv):
    """Runs tests[argv[2]](binary, tmp) in a fresh temporary directory; maps Skip to 77."""
    if len(argv) < 3 or argv[2] not in tests:
        print(f"usage: {argv[0]} TIFF_DUMPER {{{','.join(tests)}}}", file=sys.stderr)
        return 2
    binary, name = os.path.abspath(argv[1]), argv[2]
    tmp = tempfile.mkdtemp(prefix=f"td-rel-{name}-")
    try:
        tests[name](binary, tmp)
        print(f"PASS {name}")
        return 0
    except Skip as e:
        print(f"SKIP {name}: {e}")
        return SKIP
    except AssertionError as e:
        print(f"FAIL {name}: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
