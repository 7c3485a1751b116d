#!/usr/bin/python3
"""End-to-end tests of the Azure Blob store against Azurite (a real Blob
service implementation, started here on 127.0.0.1 and always stopped).

The container is filled by azurite_client.py (Shared Key signing written from
the REST docs in Python, independent of the C++ signer); then the real
`tiff-dumper` binary lists and reads it, and its rows must equal those of the
local-directory dump of the same files (compared in DuckDB).

usage: azurite_test.py TIFF_DUMPER TEST_NAME
  shared_key  Shared Key auth, list pages of 7 (counted in Azurite's log), rows == local dump
  sas         container SAS token (made here with hmac), rows == local dump
  errors      wrong key, missing container, private container anonymously, bad SAS: clear errors, exit 1
  anonymous   public container read without credentials; `info` on az:// URLs; --keys
"""
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
JS = os.path.join(REPO, "tests", "js")
AZURITE = os.path.join(JS, "node_modules", ".bin", "azurite-blob")
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SAMPLES = os.path.join(REPO, "samples")
SKIP = 77
sys.path.insert(0, HERE)
import azurite_client  # noqa: E402

CONTAINER = "tiffs"
PAGE = 7


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 600), **kw)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def duckdb(sql):
    r = run(["node", os.path.join(JS, "query.mjs"), "--json", sql])
    check(r.returncode == 0, f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AzuriteServer:
    """Azurite's blob service on a free port, in its own process group."""

    def __init__(self, tmp):
        self.port = free_port()
        self.log = os.path.join(tmp, "azurite-debug.log")
        data = os.path.join(tmp, "azurite-data")
        os.makedirs(data)
        self.proc = subprocess.Popen(
            [AZURITE, "--blobHost", "127.0.0.1", "--blobPort", str(self.port), "--location", data, "--silent",
             "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--debug", self.log],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"azurite exited with {self.proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError("azurite did not start within 30 s")

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(10)

    def list_requests(self):
        """How many List Blobs requests Azurite served (from its debug log)."""
        with open(self.log, errors="replace") as f:
            return sum(1 for line in f if "comp=list" in line and "RequestURL=" in line)


def corpus_files():
    """(blob name, local file) for every file to upload: samples twice (one deep
    prefix), the shared corpus if present, odd names and bad inputs."""
    files = []
    for name in sorted(os.listdir(SAMPLES)):
        p = os.path.join(SAMPLES, name)
        if os.path.isfile(p):
            files.append((f"samples/{name}", p))
            files.append((f"deep/nested/prefix/{name}", p))
    if os.path.isdir(CORPUS):
        for dirpath, _, names in os.walk(CORPUS):
            for n in sorted(names):
                p = os.path.join(dirpath, n)
                files.append(("corpus/" + os.path.relpath(p, CORPUS), p))
    else:
        print(f"NOTE: {CORPUS} not present: testing with samples/ only")
    first = files[0][1]
    files.append(("odd names/a b+c%\u00e9 (1).tif", first))
    return files


def populate(server, tmp, container=CONTAINER, public=False):
    """Uploads the files to `container` and mirrors them in a local directory."""
    client = azurite_client.Azurite(server.port)
    client.create_container(container, public=public)
    local = os.path.join(tmp, "local")
    os.makedirs(local, exist_ok=True)
    files = corpus_files()
    extra = {"bad/empty.tif": b"", "bad/not-a-tiff.tif": b"hello, I am text\n"}
    for name, path in files:
        with open(path, "rb") as f:
            data = f.read()
        client.put_blob(container, name, data)
        dst = os.path.join(local, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(path, dst)
    for name, data in extra.items():
        client.put_blob(container, name, data)
        dst = os.path.join(local, name)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        with open(dst, "wb") as f:
            f.write(data)
    tiffs = [n for n, _ in files if n.lower().endswith((".tif", ".tiff"))] + list(extra)
    return client, local, tiffs


def write_config(tmp, name, options, store=f"az://{CONTAINER}"):
    path = os.path.join(tmp, name)
    lines = ["store:", f"  name: {store}", "  obstore_config:"]
    lines += [f"    {k}: {json.dumps(v)}" for k, v in options.items()]
    lines += ["concurrency:", "  n_consumers: 4", f"  list_chunk_size: {PAGE}", f"  max_buffer_size: {PAGE * 10}",
              f"  write_chunk_size: {PAGE * 10}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def key_options(server, key=azurite_client.KEY):
    return {"account_name": "devstoreaccount1", "account_key": key,
            "endpoint": f"http://127.0.0.1:{server.port}/devstoreaccount1", "allow_http": True}


def dump(binary, args, out, expect):
    os.makedirs(out)
    r = run([binary, "headers", *args, out, "--quiet"])
    check(r.returncode == expect, f"headers {args} exited {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def rows(out):
    return duckdb(f"SELECT * EXCLUDE (etag, last_modified, requests, bytes_read) FROM read_parquet('{out}/*.parquet') ORDER BY path")


def compare_with_local(binary, tmp, local, azure_out, n_expected):
    local_out = os.path.join(tmp, "out-local")
    if not os.path.isdir(local_out):
        dump(binary, ["--store", local], local_out, expect=3)
    a, b = rows(azure_out), rows(local_out)
    check(len(a) == n_expected, f"Azure dump has {len(a)} rows, expected {n_expected}")
    check(len(a) == len(b), f"Azure dump has {len(a)} rows, local {len(b)}")
    for x, y in zip(a, b):
        check(x == y, f"rows differ for {x['path']}:\n azure {json.dumps(x)[:1500]}\n local {json.dumps(y)[:1500]}")
    meta = duckdb(f"SELECT count(*) AS n, count(etag) AS etags, count(last_modified) AS dates, "
                  f"count(DISTINCT path) AS paths FROM read_parquet('{azure_out}/*.parquet')")[0]
    check(int(meta["etags"]) == len(a) and int(meta["dates"]) == len(a), f"etag/last_modified missing: {meta}")
    errors = {r["path"]: r["error_kind"] for r in a if r["error_kind"]}
    check(errors == {"bad/empty.tif": errors.get("bad/empty.tif"), "bad/not-a-tiff.tif": "not_tiff"}
          and errors["bad/empty.tif"] in ("not_tiff", "truncated"), f"error rows: {errors}")
    return len(a)


def test_shared_key(binary, tmp, server):
    _, local, tiffs = populate(server, tmp)
    config = write_config(tmp, "az.yaml", key_options(server))
    before = server.list_requests()
    out = os.path.join(tmp, "out-az")
    r = dump(binary, [config], out, expect=3)
    pages = server.list_requests() - before
    n = compare_with_local(binary, tmp, local, out, len(tiffs))
    # "listed" counts the keys kept, "skipped (suffix)" the others: together every blob.
    blobs = int(r.stderr.split("listed ")[1].split(",")[0]) + int(r.stderr.split("skipped (suffix) ")[1].split(",")[0])
    expected_pages = -(-blobs // PAGE)  # full pages of 7, the last one without a NextMarker
    check(pages == expected_pages, f"{pages} List Blobs requests for {blobs} blobs, expected {expected_pages}")
    print(f"shared key: {n} rows identical to the local dump; {blobs} blobs listed in {pages} pages of {PAGE}")

    # Prefixes relative to the URL's own prefix.
    config2 = write_config(tmp, "az-deep.yaml", key_options(server), store=f"az://{CONTAINER}/deep/nested")
    out2 = os.path.join(tmp, "out-deep")
    dump(binary, [config2, "--prefix", "prefix/"], out2, expect=0)
    paths = [x["path"] for x in duckdb(f"SELECT path FROM read_parquet('{out2}/*.parquet') ORDER BY path")]
    want = sorted(n[len("deep/nested/"):] for n in tiffs if n.startswith("deep/nested/"))
    check(paths == want, f"rooted listing: {paths} != {want}")
    print(f"rooted at az://{CONTAINER}/deep/nested with --prefix prefix/: {len(paths)} rows, keys relative to the root")


def test_sas(binary, tmp, server):
    client, local, tiffs = populate(server, tmp)
    sas = client.container_sas(CONTAINER, "rl")
    options = {"account_name": "devstoreaccount1", "sas_token": sas,
               "endpoint": f"http://127.0.0.1:{server.port}/devstoreaccount1", "allow_http": True}
    out = os.path.join(tmp, "out-az")
    r = dump(binary, [write_config(tmp, "sas.yaml", options)], out, expect=3)
    check(sas.split("sig=")[1] not in r.stderr, "the SAS signature leaked into the output")
    n = compare_with_local(binary, tmp, local, out, len(tiffs))
    print(f"SAS token: {n} rows identical to the local dump")
    # The same through the environment instead of the config file.
    env = dict(os.environ, AZURE_STORAGE_ACCOUNT_NAME="devstoreaccount1", AZURE_STORAGE_SAS_TOKEN="?" + sas,
               AZURE_STORAGE_ENDPOINT=f"http://127.0.0.1:{server.port}/devstoreaccount1")
    out_env = os.path.join(tmp, "out-env")
    os.makedirs(out_env)
    cfg = write_config(tmp, "env.yaml", {"allow_http": True})
    r = run([binary, "headers", cfg, out_env, "--quiet"], env=env)
    check(r.returncode == 3, f"env SAS run exited {r.returncode}: {r.stderr}")
    check(len(rows(out_env)) == n, "env SAS run: row count differs")
    print(f"SAS token from AZURE_STORAGE_SAS_TOKEN: {n} rows")


def expect_failure(binary, tmp, name, options, needles, store=f"az://{CONTAINER}", secrets=()):
    out = os.path.join(tmp, "out-" + name)
    os.makedirs(out)
    r = run([binary, "headers", write_config(tmp, name + ".yaml", options, store=store), out, "--quiet"])
    check(r.returncode == 1, f"{name}: exit {r.returncode}, expected 1\n{r.stderr}")
    for n in needles:
        check(n in r.stderr, f"{name}: {n!r} not in the error:\n{r.stderr}")
    for s in secrets:
        check(s not in r.stderr, f"{name}: a secret leaked into the error:\n{r.stderr}")
    print(f"{name}: {r.stderr.strip().splitlines()[-1][:600]}")


def test_errors(binary, tmp, server):
    client, _, _ = populate(server, tmp)
    wrong_key = "d3Jvbmcga2V5IGZvciB0ZXN0aW5nIG9ubHkgLSBub3QgYSByZWFsIGtleQ=="
    expect_failure(binary, tmp, "wrong-key", key_options(server, wrong_key),
                   # Azure's code is AuthenticationFailed; Azurite answers AuthorizationFailure
                   # with Azure's "Server failed to authenticate the request" message.
                   ["HTTP 403", "failed to authenticate the request", "check the account name and key"],
                   secrets=[wrong_key])
    expect_failure(binary, tmp, "missing-container", key_options(server),
                   ["ContainerNotFound", "HTTP 404", "container 'nope' does not exist"], store="az://nope")
    anon = {"account_name": "devstoreaccount1", "endpoint": f"http://127.0.0.1:{server.port}/devstoreaccount1",
            "allow_http": True}
    expect_failure(binary, tmp, "private-anonymous", anon, ["anonymous", "not be public"])
    bad_sas = client.container_sas(CONTAINER, "rl").replace("sig=", "sig=AAAA")
    expect_failure(binary, tmp, "bad-sas", {**anon, "sas_token": bad_sas}, ["HTTP 403", "check the SAS token"],
                   secrets=[bad_sas.split("sig=")[1]])
    read_only = client.container_sas(CONTAINER, "r")  # no list permission
    expect_failure(binary, tmp, "sas-without-list", {**anon, "sas_token": read_only}, ["HTTP 403"],
                   secrets=[read_only.split("sig=")[1]])
    # Plain http refused without allow_http (a config error: exit 2, nothing done).
    out = os.path.join(tmp, "out-http")
    os.makedirs(out)
    opts = key_options(server)
    del opts["allow_http"]
    r = run([binary, "headers", write_config(tmp, "http.yaml", opts), out, "--quiet"])
    check(r.returncode == 2 and "allow_http" in r.stderr, f"plain http: exit {r.returncode}: {r.stderr}")
    print("plain http without allow_http: refused (exit 2)")


def test_anonymous(binary, tmp, server):
    _, local, tiffs = populate(server, tmp, container="public", public=True)
    anon = {"account_name": "devstoreaccount1", "endpoint": f"http://127.0.0.1:{server.port}/devstoreaccount1",
            "allow_http": True}
    out = os.path.join(tmp, "out-anon")
    dump(binary, [write_config(tmp, "anon.yaml", anon, store="az://public")], out, expect=3)
    n = compare_with_local(binary, tmp, local, out, len(tiffs))
    print(f"anonymous (public container): {n} rows identical to the local dump")

    # info on object URLs: read without listing, metadata from the ranged GET.
    cfg = write_config(tmp, "key.yaml", key_options(server), store="az://public")
    checked = 0
    for name in [t for t in tiffs if t.startswith("samples/")] + ["odd names/a b+c%\u00e9 (1).tif"]:
        r = run([binary, "info", "--config", cfg, f"az://public/{name}"])
        check(r.returncode == 0, f"info az://public/{name}: {r.stderr}")
        remote = json.loads(r.stdout)
        lr = run([binary, "info", os.path.join(local, name)])
        loc = json.loads(lr.stdout)
        for k in ("path", "etag", "last_modified"):
            remote.pop(k, None)
            loc.pop(k, None)
        check(remote == loc, f"info differs for {name}")
        checked += 1
    r = run([binary, "info", "--config", cfg, "az://public/samples/missing.tif"])
    check(r.returncode == 3 and "not_found" in r.stderr, f"info on a missing blob: {r.returncode} {r.stderr}")
    print(f"info az://...: {checked} objects equal to local info; a missing blob is not_found")

    # --keys: no listing; size/etag/last_modified come from the range reads.
    keys = os.path.join(tmp, "keys.txt")
    wanted = [t for t in tiffs if t.startswith("corpus/")][:5] + ["samples/missing.tif"]
    with open(keys, "w") as f:
        f.write("\n".join(wanted) + "\n")
    out_keys = os.path.join(tmp, "out-keys")
    dump(binary, [cfg, "--keys", keys], out_keys, expect=3)
    got = duckdb(f"SELECT path, size, etag IS NOT NULL AS has_etag, error_kind FROM read_parquet('{out_keys}/*.parquet') ORDER BY path")
    check(len(got) == len(wanted), f"--keys: {len(got)} rows for {len(wanted)} keys")
    for g in got:
        if g["path"] == "samples/missing.tif":
            check(g["error_kind"] == "not_found", f"missing key: {g}")
        else:
            check(int(g["size"]) == os.path.getsize(os.path.join(local, g["path"])) and g["has_etag"], f"--keys row: {g}")
    print(f"--keys: {len(got)} rows, sizes from Content-Range, the missing blob not_found")


TESTS = {"shared_key": test_shared_key, "sas": test_sas, "errors": test_errors, "anonymous": test_anonymous}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in TESTS:
        print(__doc__)
        return 2
    if not os.path.exists(AZURITE) or not os.path.exists(os.path.join(JS, "node_modules", "@duckdb")):
        print(f"SKIP: {AZURITE} or DuckDB missing (run scripts/install-deps)")
        return SKIP
    binary = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        server = AzuriteServer(tmp)
        try:
            TESTS[sys.argv[2]](binary, tmp, server)
        finally:
            server.stop()
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
