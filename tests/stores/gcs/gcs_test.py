#!/usr/bin/python3
"""End-to-end tests of the GCS store (gs://) against a LOCAL STAND-IN for
Google Cloud Storage (gcs_standin.py: the JSON API's list/get/media calls and
the OAuth token endpoint, which verifies our RS256 JWTs with the service
account's public key). No GCS emulator is packaged, and these tests never
reach Google: what they prove is that the real `tiff-dumper` binary builds
valid signed JWTs, exchanges them, caches and refreshes tokens, pages the
listing and reads ranges as the documented protocol says, and that its rows
equal those of the local-directory dump of the same files (DuckDB).

usage: gcs_test.py TIFF_DUMPER TEST_NAME
  service_account  key file (config), pages of 7, rows == local dump, one token fetch
  key_sources      key JSON text in the config, GOOGLE_APPLICATION_CREDENTIALS, gcloud user credentials
  token_refresh    short-lived tokens: refreshed ahead of expiry, no request with an expired token
  errors           unknown key, missing bucket, private bucket anonymously, no permission: exit 1, clear
  anonymous        public bucket via STORAGE_EMULATOR_HOST; `info gs://...`; --keys
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
JS = os.path.join(REPO, "tests", "js")
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SAMPLES = os.path.join(REPO, "samples")
SKIP = 77
PAGE = 7
BUCKET = "tiffs"
EMAIL = "dumper@test-project.iam.gserviceaccount.com"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 600), **kw)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def duckdb(sql):
    r = run(["node", os.path.join(JS, "query.mjs"), "--json", sql])
    check(r.returncode == 0, f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def make_key(tmp, name):
    """A fresh RSA key (openssl genpkey) as a service-account JSON key file."""
    pem, pub = os.path.join(tmp, name + ".pem"), os.path.join(tmp, name + ".pub.pem")
    r = run(["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", pem])
    check(r.returncode == 0, f"openssl genpkey: {r.stderr}")
    r = run(["openssl", "pkey", "-in", pem, "-pubout", "-out", pub])
    check(r.returncode == 0, f"openssl pkey: {r.stderr}")
    with open(pem) as f:
        private = f.read()
    with open(pub, "rb") as f:
        public = f.read()
    return private, public


def key_json(private, token_uri, key_id="key-1"):
    return json.dumps({"type": "service_account", "project_id": "test-project", "private_key_id": key_id,
                       "private_key": private, "client_email": EMAIL, "client_id": "1234",
                       "auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": token_uri})


def populate(tmp, buckets=(BUCKET,)):
    """Bucket directories for the stand-in, plus the same tree as a local store."""
    root = os.path.join(tmp, "gcs")
    local = os.path.join(tmp, "local")
    files = []
    for name in sorted(os.listdir(SAMPLES)):
        p = os.path.join(SAMPLES, name)
        if os.path.isfile(p):
            files += [(f"samples/{name}", p), (f"deep/nested/prefix/{name}", p)]
    if os.path.isdir(CORPUS):
        for dirpath, _, names in os.walk(CORPUS):
            for n in sorted(names):
                p = os.path.join(dirpath, n)
                files.append(("corpus/" + os.path.relpath(p, CORPUS), p))
    else:
        print(f"NOTE: {CORPUS} not present: testing with samples/ only")
    files.append(("odd names/a b+c%\u00e9 (1).tif", files[0][1]))
    for top in [local] + [os.path.join(root, b) for b in buckets]:
        for name, src in files:
            dst = os.path.join(top, name)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(src, dst)
        os.makedirs(os.path.join(top, "bad"), exist_ok=True)
        open(os.path.join(top, "bad", "empty.tif"), "wb").close()
        with open(os.path.join(top, "bad", "not-a-tiff.tif"), "w") as f:
            f.write("hello, I am text\n")
    tiffs = [n for n, _ in files if n.lower().endswith((".tif", ".tiff"))] + ["bad/empty.tif", "bad/not-a-tiff.tif"]
    return root, local, tiffs, len(files) + 2


def write_config(tmp, name, options, store=f"gs://{BUCKET}"):
    path = os.path.join(tmp, name)
    lines = ["store:", f"  name: {store}", "  obstore_config:"]
    lines += [f"    {k}: {json.dumps(v)}" for k, v in options.items()]
    lines += ["concurrency:", "  n_consumers: 4", f"  list_chunk_size: {PAGE}", f"  max_buffer_size: {PAGE * 10}",
              f"  write_chunk_size: {PAGE * 10}"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_", "STORAGE_EMULATOR", "CLOUDSDK"))}
    env["HOME"] = "/nonexistent"  # no gcloud application default credentials
    env.update(extra)
    return env


def dump(binary, args, out, expect, env=None):
    os.makedirs(out)
    r = run([binary, "headers", *args, out, "--quiet"], env=env or clean_env())
    check(r.returncode == expect, f"headers {args} exited {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def rows(out):
    return duckdb(f"SELECT * EXCLUDE (etag, last_modified, requests, bytes_read) FROM read_parquet('{out}/*.parquet') ORDER BY path")


def compare_with_local(binary, tmp, local, out, n_expected):
    local_out = os.path.join(tmp, "out-local")
    if not os.path.isdir(local_out):
        dump(binary, ["--store", local], local_out, expect=3)
    a, b = rows(out), rows(local_out)
    check(len(a) == n_expected and len(b) == n_expected, f"{len(a)} GCS rows, {len(b)} local, expected {n_expected}")
    for x, y in zip(a, b):
        check(x == y, f"rows differ for {x['path']}:\n gcs   {json.dumps(x)[:1500]}\n local {json.dumps(y)[:1500]}")
    meta = duckdb(f"SELECT count(etag) AS etags, count(last_modified) AS dates FROM read_parquet('{out}/*.parquet')")[0]
    check(int(meta["etags"]) == n_expected and int(meta["dates"]) == n_expected, f"etag/last_modified missing: {meta}")
    return len(a)


def sa_options(server, key_path):
    return {"google_service_account": key_path, "endpoint": server.url, "allow_http": True}


def start(tmp, **kw):
    sys.path.insert(0, HERE)
    import gcs_standin
    root, local, tiffs, n_objects = populate(tmp, kw.pop("buckets", (BUCKET,)))
    server = gcs_standin.StandIn(root, **kw).start()
    return server, local, tiffs, n_objects


def with_key(tmp, server, name="sa"):
    private, public = make_key(tmp, name)
    server.add_service_account(EMAIL, public, "key-1")
    path = os.path.join(tmp, name + ".json")
    with open(path, "w") as f:
        f.write(key_json(private, server.token_uri))
    return path, private


def test_service_account(binary, tmp):
    server, local, tiffs, n_objects = start(tmp)
    try:
        key_path, _ = with_key(tmp, server)
        out = os.path.join(tmp, "out-gcs")
        dump(binary, [write_config(tmp, "sa.yaml", sa_options(server, key_path))], out, expect=3)
        n = compare_with_local(binary, tmp, local, out, len(tiffs))
        s = dict(server.stats)
        expected_pages = -(-n_objects // PAGE)
        check(s["list"] == expected_pages, f"{s['list']} list requests for {n_objects} objects, expected {expected_pages}")
        check(s["token"] == 1, f"{s['token']} token requests, expected 1 (cached)")
        check(s["token_rejected"] == 0 and s["unauthorized"] == 0, f"rejected requests: {s}")
        print(f"service account: {n} rows identical to the local dump; {n_objects} objects in {s['list']} pages "
              f"of {PAGE}; {s['media']} ranged GETs; {s['token']} token request (RS256 JWT verified by the stand-in)")

        # Rooted URL and --prefix relative to it.
        out2 = os.path.join(tmp, "out-deep")
        cfg = write_config(tmp, "deep.yaml", sa_options(server, key_path), store=f"gs://{BUCKET}/deep/nested")
        dump(binary, [cfg, "--prefix", "prefix/"], out2, expect=0)
        paths = [x["path"] for x in duckdb(f"SELECT path FROM read_parquet('{out2}/*.parquet') ORDER BY path")]
        want = sorted(t[len("deep/nested/"):] for t in tiffs if t.startswith("deep/nested/"))
        check(paths == want, f"rooted listing: {paths} != {want}")
        print(f"rooted at gs://{BUCKET}/deep/nested with --prefix prefix/: {len(paths)} rows")
    finally:
        server.stop()


def test_key_sources(binary, tmp):
    server, local, tiffs, _ = start(tmp)
    try:
        key_path, private = with_key(tmp, server)
        # The key JSON itself in the config.
        out = os.path.join(tmp, "out-text")
        opts = {"service_account_key": key_json(private, server.token_uri), "endpoint": server.url, "allow_http": True}
        r = dump(binary, [write_config(tmp, "text.yaml", opts)], out, expect=3)
        check("PRIVATE KEY" not in r.stderr, "key material in the output")
        n = compare_with_local(binary, tmp, local, out, len(tiffs))
        print(f"service_account_key (JSON text): {n} rows identical to the local dump")
        # GOOGLE_APPLICATION_CREDENTIALS.
        out = os.path.join(tmp, "out-env")
        dump(binary, [write_config(tmp, "env.yaml", {"endpoint": server.url, "allow_http": True})], out, expect=3,
             env=clean_env(GOOGLE_APPLICATION_CREDENTIALS=key_path))
        check(len(rows(out)) == n, "GOOGLE_APPLICATION_CREDENTIALS: row count differs")
        print(f"GOOGLE_APPLICATION_CREDENTIALS: {n} rows")
        # gcloud user credentials (refresh-token grant), found in CLOUDSDK_CONFIG.
        gcloud = os.path.join(tmp, "gcloud")
        os.makedirs(gcloud)
        server.add_user("client.apps.googleusercontent.com", "user-secret", "1//refresh")
        with open(os.path.join(gcloud, "application_default_credentials.json"), "w") as f:
            json.dump({"type": "authorized_user", "client_id": "client.apps.googleusercontent.com",
                       "client_secret": "user-secret", "refresh_token": "1//refresh", "token_uri": server.token_uri}, f)
        before = server.stats["token"]
        out = os.path.join(tmp, "out-user")
        dump(binary, [write_config(tmp, "user.yaml", {"endpoint": server.url, "allow_http": True})], out, expect=3,
             env=clean_env(CLOUDSDK_CONFIG=gcloud))
        check(len(rows(out)) == n and server.stats["token"] == before + 1, "gcloud user credentials run")
        check(server.stats["token_rejected"] == 0, f"rejected tokens: {server.stats}")
        print(f"gcloud application_default_credentials.json (authorized_user): {n} rows")
    finally:
        server.stop()


def test_token_refresh(binary, tmp):
    # Tokens live 4 s; each list page takes 0.4 s: the run outlives several tokens.
    server, local, tiffs, n_objects = start(tmp, expires_in=4, list_delay=0.4)
    try:
        key_path, _ = with_key(tmp, server)
        out = os.path.join(tmp, "out-gcs")
        dump(binary, [write_config(tmp, "sa.yaml", sa_options(server, key_path))], out, expect=3)
        n = compare_with_local(binary, tmp, local, out, len(tiffs))
        s = dict(server.stats)
        check(s["token"] >= 2, f"tokens were not refreshed: {s}")
        check(s["token_rejected"] == 0, f"a request went out with an expired token: {s}")
        print(f"token refresh: {s['token']} tokens of 4 s over {s['list']} slow pages; no expired token used; {n} rows")
    finally:
        server.stop()


def expect_failure(binary, tmp, name, options, needles, store=f"gs://{BUCKET}", env=None, secrets=()):
    out = os.path.join(tmp, "out-" + name)
    os.makedirs(out)
    r = run([binary, "headers", write_config(tmp, name + ".yaml", options, store=store), out, "--quiet"],
            env=env or clean_env())
    check(r.returncode == 1, f"{name}: exit {r.returncode}, expected 1\n{r.stderr}")
    for n in needles:
        check(n in r.stderr, f"{name}: {n!r} not in the error:\n{r.stderr}")
    for s in secrets:
        check(s not in r.stderr, f"{name}: a secret leaked:\n{r.stderr}")
    print(f"{name}: {r.stderr.strip().splitlines()[-1][:600]}")


def test_errors(binary, tmp):
    server, _, _, _ = start(tmp, buckets=(BUCKET, "locked"), denied=("locked",))
    try:
        key_path, _ = with_key(tmp, server)
        # A key the token endpoint does not know (same account, another RSA key).
        other_private, _ = make_key(tmp, "other")
        other = os.path.join(tmp, "other.json")
        with open(other, "w") as f:
            f.write(key_json(other_private, server.token_uri))
        expect_failure(binary, tmp, "wrong-key", sa_options(server, other),
                       ["invalid_grant", "Invalid JWT Signature", "HTTP 400", other], secrets=["PRIVATE KEY"])
        expect_failure(binary, tmp, "missing-bucket", sa_options(server, key_path),
                       ["HTTP 404", "bucket 'nope' does not exist"], store="gs://nope")
        expect_failure(binary, tmp, "private-anonymous", {"endpoint": server.url, "allow_http": True},
                       ["HTTP 401", "Anonymous caller", "bucket may not be public"])
        expect_failure(binary, tmp, "no-permission", sa_options(server, key_path),
                       ["HTTP 403", EMAIL + " lacks permission"], store="gs://locked")
        out = os.path.join(tmp, "out-http")
        os.makedirs(out)
        r = run([binary, "headers", write_config(tmp, "http.yaml", {"google_service_account": key_path,
                                                                  "endpoint": server.url}), out, "--quiet"],
                env=clean_env())
        check(r.returncode == 2 and "allow_http" in r.stderr, f"plain http: {r.returncode} {r.stderr}")
        print("plain-http endpoint without allow_http: refused (exit 2)")
    finally:
        server.stop()


def test_anonymous(binary, tmp):
    server, local, tiffs, _ = start(tmp, public=(BUCKET,))
    try:
        host = f"127.0.0.1:{server.port}"
        out = os.path.join(tmp, "out-anon")
        dump(binary, ["--store", f"gs://{BUCKET}"], out, expect=3, env=clean_env(STORAGE_EMULATOR_HOST=host))
        n = compare_with_local(binary, tmp, local, out, len(tiffs))
        check(server.stats["token"] == 0, "a token was requested for anonymous access")
        print(f"anonymous (public bucket, STORAGE_EMULATOR_HOST): {n} rows identical to the local dump")

        env = clean_env(STORAGE_EMULATOR_HOST=host)
        checked = 0
        for name in [t for t in tiffs if t.startswith("samples/")] + ["odd names/a b+c%\u00e9 (1).tif"]:
            r = run([binary, "info", f"gs://{BUCKET}/{name}"], env=env)
            check(r.returncode == 0, f"info gs://{BUCKET}/{name}: {r.stderr}")
            remote = json.loads(r.stdout)
            loc = json.loads(run([binary, "info", os.path.join(local, name)]).stdout)
            for k in ("path", "etag", "last_modified"):
                remote.pop(k, None)
                loc.pop(k, None)
            check(remote == loc, f"info differs for {name}")
            checked += 1
        r = run([binary, "info", f"gs://{BUCKET}/samples/missing.tif"], env=env)
        check(r.returncode == 3 and "not_found" in r.stderr, f"missing object: {r.returncode} {r.stderr}")
        print(f"info gs://...: {checked} objects equal to local info; a missing object is not_found")

        keys = os.path.join(tmp, "keys.txt")
        wanted = [t for t in tiffs if t.startswith("corpus/")][:5] + ["samples/missing.tif", "bad/empty.tif"]
        with open(keys, "w") as f:
            f.write("\n".join(wanted) + "\n")
        out = os.path.join(tmp, "out-keys")
        dump(binary, ["--store", f"gs://{BUCKET}", "--keys", keys], out, expect=3, env=env)
        got = duckdb(f"SELECT path, size, error_kind FROM read_parquet('{out}/*.parquet') ORDER BY path")
        check(len(got) == len(wanted), f"--keys: {len(got)} rows for {len(wanted)} keys")
        for g in got:
            if g["path"] == "samples/missing.tif":
                check(g["error_kind"] == "not_found", f"missing: {g}")
            else:
                check(g["size"] is not None and int(g["size"]) == os.path.getsize(os.path.join(local, g["path"])),
                      f"--keys row without the right size: {g}")
        print(f"--keys: {len(got)} rows; sizes from Content-Range (416 for the empty object), missing -> not_found")
    finally:
        server.stop()


TESTS = {"service_account": test_service_account, "key_sources": test_key_sources,
         "token_refresh": test_token_refresh, "errors": test_errors, "anonymous": test_anonymous}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in TESTS:
        print(__doc__)
        return 2
    if not os.path.exists(os.path.join(JS, "node_modules", "@duckdb")):
        print("SKIP: tests/js/node_modules missing (run scripts/install-deps)")
        return SKIP
    try:
        import cryptography  # noqa: F401
    except ImportError:
        print("SKIP: python3-cryptography missing (run scripts/install-deps)")
        return SKIP
    if shutil.which("openssl") is None:
        print("SKIP: the openssl command is missing")
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        TESTS[sys.argv[2]](os.path.abspath(sys.argv[1]), tmp)
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
