#!/usr/bin/python3
"""End-to-end tests of the S3 store against s3rver, behind a proxy that
verifies every SigV4 signature with @smithy/signature-v4 (s3_server.mjs).

Each test starts its own server on 127.0.0.1 (free ports), uploads the shared
corpus, the samples and awkward keys, runs the real `tiff-dumper headers`,
reads the Parquet back with DuckDB, and stops the server (always).

usage: s3_server_test.py TIFF_DUMPER TEST_NAME
"""
import http.client
import json
import math
import os
import select
import shutil
import subprocess
import sys
import tempfile
import urllib.parse

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
JS = os.path.join(REPO, "tests", "js")
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SAMPLES = os.path.join(REPO, "samples")
SKIP = 77
BUCKET = "tiffs"
KEY_ID, SECRET = "S3RVER", "S3RVER"
EXCLUDED = "etag, last_modified, requests, bytes_read"


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def duckdb(sql):
    r = run(["node", os.path.join(JS, "query.mjs"), "--json", sql])
    if r.returncode != 0:
        raise AssertionError(f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


class Server:
    """s3rver + verifying proxy; stopped on exit even when a test fails."""

    def __init__(self, tmp, region="us-east-1", require_auth=False, fail_every=0, secret=None, start_timeout=30):
        """secret: the proxy also accepts KEY_ID with this secret key (besides its default)."""
        self.dir = tempfile.mkdtemp(dir=tmp, prefix="s3rver-")
        self.log = os.path.join(self.dir, "requests.log")
        cmd = ["node", os.path.join(HERE, "s3_server.mjs"), "--dir", self.dir, "--bucket", BUCKET,
               "--log", self.log, "--region", region]
        if require_auth:
            cmd.append("--require-auth")
        if fail_every:
            cmd += ["--fail-every", str(fail_every)]
        if secret:
            cmd += ["--secret", f"{KEY_ID}={secret}"]
        env = dict(os.environ, NODE_OPTIONS="--openssl-legacy-provider")  # s3rver's token cipher on Node 20
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, text=True)
        ready, _, _ = select.select([self.proc.stdout], [], [], start_timeout)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.stop()
            raise AssertionError(f"s3 server did not start: {self.proc.stderr.read()}")
        ports = json.loads(line)
        self.s3rver_port, self.port = ports["s3rver"], ports["proxy"]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def upload(self, layout):
        """Unsigned PUTs straight to s3rver (it accepts anonymous writes)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.s3rver_port, timeout=30)
        for key, src in sorted(layout.items()):
            body = b"" if src is None else open(src, "rb").read()
            conn.request("PUT", f"/{BUCKET}/" + urllib.parse.quote(key, safe="/"), body=body)
            r = conn.getresponse()
            r.read()
            check(r.status == 200, f"upload of {key!r} failed: HTTP {r.status}")
        conn.close()

    def requests(self):
        with open(self.log) as f:
            return [json.loads(line) for line in f if line.strip()]

    def reset_log(self):
        open(self.log, "w").close()


def make_layout(tmp):
    """Keys -> local files (None: empty object), mirrored into a local directory."""
    layout = {}
    if os.path.isdir(CORPUS):
        for dirpath, _, names in os.walk(CORPUS):
            for n in names:
                full = os.path.join(dirpath, n)
                layout["corpus/" + os.path.relpath(full, CORPUS)] = full
    else:
        print(f"note: shared corpus {CORPUS} absent; using the samples only")
    samples = sorted(os.path.join(SAMPLES, n) for n in os.listdir(SAMPLES))
    for s in samples:
        layout["samples/" + os.path.basename(s)] = s
    layout["odd keys/with space \u00e9+~%=&;.tif"] = samples[0]
    layout["odd keys/plus+sign (1).tiff"] = samples[1 % len(samples)]
    layout["nested/a/b/c/deep.tif"] = samples[2 % len(samples)]
    layout["empty.tif"] = None
    notes = os.path.join(tmp, "notes.txt")
    with open(notes, "w") as f:
        f.write("not a tiff\n")
    layout["notes.txt"] = notes
    local = os.path.join(tmp, "local")
    for key, src in layout.items():
        dst = os.path.join(local, key)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if src is None:
            open(dst, "wb").close()
        else:
            shutil.copyfile(src, dst)
    return layout, local


def is_tiff(key):
    return key.lower().endswith((".tif", ".tiff"))


def write_config(tmp, name, store, options, prefixes=None, chunk=1000):
    """A CONFIG file; values JSON-quoted (valid YAML)."""
    n = min(chunk, 16)
    lines = ["store:", f"  name: {json.dumps(store)}"]
    if prefixes:
        lines.append("  prefixes:")
        lines += [f"    - {json.dumps(p)}" for p in prefixes]
    if options:
        lines.append("  obstore_config:")
        lines += [f"    {k}: {json.dumps(v)}" for k, v in options.items()]
    lines += ["concurrency:", f"  n_consumers: {n}", f"  list_chunk_size: {chunk}",
              f"  max_buffer_size: {chunk * 10}", f"  write_chunk_size: {chunk * 10}"]
    path = os.path.join(tmp, name + ".yaml")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def clean_env(tmp, **extra):
    """No AWS_* from the caller, and a HOME without ~/.aws (unless a test writes one)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["HOME"] = os.path.join(tmp, "home")
    os.makedirs(env["HOME"], exist_ok=True)
    env.update(extra)
    return env


def headers(binary, tmp, name, args, env, expect=None):
    out = os.path.join(tmp, "out-" + name)
    os.makedirs(out)
    r = run([binary, "headers", *args, out, "--quiet"], env=env)
    if expect is not None and r.returncode not in (expect if isinstance(expect, tuple) else (expect,)):
        raise AssertionError(f"{name}: headers exited {r.returncode}, expected {expect}\n{r.stderr}")
    return r, out


def creds(server, **more):
    return {"aws_endpoint": server.endpoint(), "allow_http": "true", "aws_access_key_id": KEY_ID,
            "aws_secret_access_key": SECRET, **more}


def rows(out, where=""):
    return duckdb(f"SELECT * EXCLUDE ({EXCLUDED}) FROM read_parquet('{out}/*.parquet') {where} ORDER BY path")


def local_dump(binary, tmp, local, env):
    r, out = headers(binary, tmp, "local", ["--store", local], env, expect=(0, 3))
    return r.returncode, out


# --- tests -------------------------------------------------------------------

def test_readback(binary, tmp, srv, layout, local):
    """Signed, whole bucket: rows equal the local dump's apart from etag/last_modified."""
    env = clean_env(tmp)
    local_rc, local_out = local_dump(binary, tmp, local, env)
    cfg = write_config(tmp, "readback", f"s3://{BUCKET}", creds(srv))
    r, out = headers(binary, tmp, "s3", [cfg], env, expect=local_rc)
    got, want = rows(out), rows(local_out)
    n = sum(1 for k in layout if is_tiff(k))
    check(len(got) == n, f"{len(got)} rows, expected {n}")
    check(got == want, "S3 rows differ from the local dump:\n" + "\n".join(
        f"  {a}\n  {b}" for a, b in zip(got, want) if a != b)[:4000])
    meta = duckdb(f"SELECT count(*) AS n, count(etag) AS e, count(last_modified) AS m, count(size) AS s "
                  f"FROM read_parquet('{out}/*.parquet')")[0]
    check(int(meta["e"]) == n and int(meta["m"]) == n and int(meta["s"]) == n, f"metadata missing: {meta}")
    reqs = srv.requests()
    lists = [q for q in reqs if "list-type=2" in q["query"]]
    check(all(q["auth"] == "signed" for q in reqs), "an unsigned request was sent")
    bad = [q for q in reqs if q["status"] not in (200, 206, 416)]
    check(not bad, f"unexpected statuses: {bad[:5]}")
    check(len(lists) == 1, f"{len(lists)} list pages for {len(layout)} objects at 1000 per page")
    print(f"readback: {len(got)} rows identical to the local dump; {len(reqs)} signed requests "
          f"({len(lists)} list page, {len(reqs) - len(lists)} reads), all signatures verified")


def test_list_split(binary, tmp, srv, layout, local):
    """--list-split on: one delimiter listing per prefix, then its parts in parallel; same rows.

    Uses prefixes whose parts hold objects directly: s3rver (unlike S3) drops a
    CommonPrefix whose objects all lie two or more levels down, which is why
    `auto` splits only on AWS itself."""
    env = clean_env(tmp)
    prefixes = ["samples/", "odd keys/"] + (["corpus/image-tiff/"] if os.path.isdir(CORPUS) else [])
    cfg = write_config(tmp, "split", f"s3://{BUCKET}", creds(srv), prefixes=prefixes, chunk=7)
    srv.reset_log()
    r, split_out = headers(binary, tmp, "split-on", [cfg, "--list-split", "on"], env, expect=(0, 3))
    lists = [q for q in srv.requests() if "list-type=2" in q["query"]]
    check(sum("delimiter=" in q["query"] for q in lists) >= len(prefixes), f"no delimiter listings: {lists[:3]}")
    r, plain_out = headers(binary, tmp, "split-off", [cfg, "--list-split", "off"], env, expect=(0, 3))
    got, want = rows(split_out), rows(plain_out)
    n = sum(1 for k in layout if is_tiff(k) and any(k.startswith(p) for p in prefixes))
    check(len(want) == n and got == want, f"split listing gave {len(got)} rows, plain {len(want)}, expected {n}")
    print(f"list_split: {n} rows either way; {len(lists)} list requests with the split")


def test_paging(binary, tmp, srv, layout, local):
    """list_chunk_size 10, 7, 1000, 1: pages of max-keys, every row once."""
    env = clean_env(tmp)
    n = sum(1 for k in layout if is_tiff(k))
    for chunk in (10, 7, 1000, 1):
        srv.reset_log()
        cfg = write_config(tmp, f"paging{chunk}", f"s3://{BUCKET}", creds(srv), chunk=chunk)
        r, out = headers(binary, tmp, f"page{chunk}", [cfg], env, expect=(0, 3))
        count = duckdb(f"SELECT count(*) AS n, count(DISTINCT path) AS d FROM read_parquet('{out}/*.parquet')")[0]
        check(int(count["n"]) == n and int(count["d"]) == n, f"chunk {chunk}: {count} rows, expected {n}")
        lists = [q for q in srv.requests() if "list-type=2" in q["query"]]
        want_pages = math.ceil(len(layout) / min(chunk, 1000))
        check(len(lists) == want_pages, f"chunk {chunk}: {len(lists)} list pages, expected {want_pages}")
        check(all(f"max-keys={chunk}" in q["query"] for q in lists), f"chunk {chunk}: max-keys not passed")
        check(sum("continuation-token=" in q["query"] for q in lists) == want_pages - 1, "continuation tokens")
        print(f"paging: list_chunk_size {chunk}: {n} rows from {len(layout)} objects in {len(lists)} pages")


def test_prefixes(binary, tmp, srv, layout, local):
    """store.prefixes and a prefix in the URL (the store's root, as in obstore)."""
    env = clean_env(tmp)
    cfg = write_config(tmp, "pfx", f"s3://{BUCKET}", creds(srv), prefixes=["samples/", "odd keys/", "nested/a"])
    r, out = headers(binary, tmp, "pfx", [cfg], env, expect=0)
    want = sorted(k for k in layout if is_tiff(k) and k.startswith(("samples/", "odd keys/", "nested/a")))
    got = [x["path"] for x in duckdb(f"SELECT path FROM read_parquet('{out}/*.parquet') ORDER BY path")]
    check(got == want, f"prefix rows {got} != {want}")
    # Root prefix in the URL: keys are relative to it, and prefixes apply inside it.
    cfg = write_config(tmp, "root", f"s3://{BUCKET}/odd keys", creds(srv), prefixes=["plus"])
    r, out = headers(binary, tmp, "root", [cfg], env, expect=0)
    got = [x["path"] for x in duckdb(f"SELECT path FROM read_parquet('{out}/*.parquet')")]
    check(got == ["plus+sign (1).tiff"], f"rooted rows {got}")
    # The awkward keys' rows equal the local dump's.
    local_rc, local_out = local_dump(binary, tmp, local, env)
    cfg = write_config(tmp, "odd", f"s3://{BUCKET}/odd keys/", creds(srv))
    r, out = headers(binary, tmp, "odd", [cfg], env, expect=0)
    want_rows = duckdb(f"SELECT * EXCLUDE ({EXCLUDED}, path) FROM read_parquet('{local_out}/*.parquet') "
                       "WHERE path LIKE 'odd keys/%' ORDER BY path")
    got_rows = duckdb(f"SELECT * EXCLUDE ({EXCLUDED}, path) FROM read_parquet('{out}/*.parquet') ORDER BY path")
    check(got_rows == want_rows and len(got_rows) == 2, "odd-key rows differ from the local dump")
    if os.path.isdir(CORPUS):
        cfg = write_config(tmp, "corpus", f"s3://{BUCKET}/corpus", creds(srv), prefixes=["image-tiff/geotiff/"])
        r, out = headers(binary, tmp, "corpus", [cfg], env, expect=(0, 3))
        got = [x["path"] for x in duckdb(f"SELECT path FROM read_parquet('{out}/*.parquet') ORDER BY path")]
        want = sorted(k[len("corpus/"):] for k in layout if is_tiff(k) and k.startswith("corpus/image-tiff/geotiff/"))
        check(got == want, f"corpus prefix rows {got} != {want}")
    print(f"prefixes: {len(want)} + 1 + 2 rows under prefixes, keys relative to the URL's root")


def test_anonymous(binary, tmp, srv, layout, local):
    """skip_signature sends unsigned requests; a private bucket then says what to configure."""
    env = clean_env(tmp)
    opts = {"endpoint": srv.endpoint(), "aws_allow_http": "True", "skip_signature": "True",
            "aws_access_key_id": "IGNORED", "aws_secret_access_key": "IGNORED"}
    cfg = write_config(tmp, "anon", f"s3://{BUCKET}", opts, prefixes=["samples/"])
    r, out = headers(binary, tmp, "anon", [cfg], env, expect=0)
    check(all(q["auth"] == "anonymous" for q in srv.requests()), "skip_signature still signed")
    n = len(duckdb(f"SELECT path FROM read_parquet('{out}/*.parquet')"))
    check(n == sum(1 for k in layout if k.startswith("samples/")), f"{n} anonymous rows")
    print(f"anonymous: {n} rows with skip_signature, every request unsigned")


def test_private(binary, tmp, srv, layout, local):
    """A bucket refusing unsigned requests, with no credentials anywhere: a clear failure."""
    env = clean_env(tmp)
    cfg = write_config(tmp, "nocreds", f"s3://{BUCKET}", {"endpoint": srv.endpoint(), "allow_http": "1"})
    r, _ = headers(binary, tmp, "nocreds", [cfg], env, expect=1)
    check("AccessDenied" in r.stderr and "no AWS credentials were found" in r.stderr and "skip_signature" in r.stderr,
          f"unhelpful message: {r.stderr}")
    print("private: " + r.stderr.strip().splitlines()[-1])
    cfg = write_config(tmp, "withcreds", f"s3://{BUCKET}", creds(srv), prefixes=["samples/"])
    headers(binary, tmp, "withcreds", [cfg], env, expect=0)


def test_errors(binary, tmp, srv, layout, local):
    env = clean_env(tmp)
    secret = "wrong-secret-Zq9"
    cases = [
        ("badsecret", creds(srv, aws_secret_access_key=secret), BUCKET, 1, ["SignatureDoesNotMatch", "HTTP 403"]),
        ("badkeyid", creds(srv, aws_access_key_id="NOBODY"), BUCKET, 1, ["InvalidAccessKeyId"]),
        ("nobucket", creds(srv), "no-such-bucket", 1, ["NoSuchBucket", "HTTP 404"]),
        ("region", creds(srv, region="eu-west-1"), BUCKET, 1,
         ["AuthorizationHeaderMalformed", "is in region us-east-1", "set region: us-east-1"]),
        ("nohttp", {k: v for k, v in creds(srv).items() if k != "allow_http"}, BUCKET, 2, ["allow_http"]),
        ("badbool", creds(srv, skip_signature="perhaps"), BUCKET, 2, ["skip_signature"]),
    ]
    for name, opts, bucket, code, needles in cases:
        cfg = write_config(tmp, name, f"s3://{bucket}", opts)
        r, _ = headers(binary, tmp, name, [cfg], env, expect=code)
        for needle in needles:
            check(needle in r.stderr, f"{name}: {needle!r} not in: {r.stderr}")
        check(secret not in r.stderr and "Signature=" not in r.stderr, f"{name}: a secret leaked: {r.stderr}")
        print(f"errors: {name}: exit {r.returncode}: " + r.stderr.strip().splitlines()[-1][:220])


def test_env(binary, tmp, srv, layout, local):
    """Settings from AWS_* variables and ~/.aws files, and their precedence."""
    home = os.path.join(tmp, "home")
    aws = os.path.join(home, ".aws")
    os.makedirs(aws, exist_ok=True)
    pfx = ["samples/"]
    n = sum(1 for k in layout if k.startswith("samples/"))

    def dump(name, options, env, expect):
        cfg = write_config(tmp, name, f"s3://{BUCKET}", options, prefixes=pfx)
        r, out = headers(binary, tmp, name, [cfg], env, expect=expect)
        if expect == 0:
            got = len(duckdb(f"SELECT path FROM read_parquet('{out}/*.parquet')"))
            check(got == n, f"{name}: {got} rows")
        return r

    good_env = dict(AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET, AWS_ENDPOINT_URL=srv.endpoint(),
                    AWS_ALLOW_HTTP="true", AWS_REGION="us-east-1")
    dump("env", {}, clean_env(tmp, **good_env), 0)
    with open(os.path.join(aws, "credentials"), "w") as f:
        f.write(f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = file-secret-bad\n"
                f"[good]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    with open(os.path.join(aws, "config"), "w") as f:
        f.write(f"[default]\nregion = us-east-1\n[profile good]\nregion = us-east-1\nendpoint_url = {srv.endpoint()}\n")
    endpoint_only = {"endpoint": srv.endpoint(), "allow_http": "true"}
    r = dump("files-bad", endpoint_only, clean_env(tmp), 1)
    check("SignatureDoesNotMatch" in r.stderr and "profile 'default'" in r.stderr, r.stderr)
    dump("env-beats-files", endpoint_only,
         clean_env(tmp, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=SECRET), 0)
    dump("profile", {"allow_http": "true"}, clean_env(tmp, AWS_PROFILE="good"), 0)
    dump("options-beat-env", creds(srv), clean_env(tmp, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY="env-bad"), 0)
    r = dump("env-bad", endpoint_only, clean_env(tmp, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY="env-bad"), 1)
    check("environment" in r.stderr, r.stderr)
    moved = os.path.join(tmp, "elsewhere-credentials")
    shutil.move(os.path.join(aws, "credentials"), moved)
    with open(moved, "a") as f:
        f.write(f"[moved]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {SECRET}\n")
    dump("moved-files", endpoint_only, clean_env(tmp, AWS_PROFILE="moved", AWS_SHARED_CREDENTIALS_FILE=moved), 0)
    r = dump("no-profile", endpoint_only, clean_env(tmp, AWS_PROFILE="absent"), 2)
    check("AWS_PROFILE=absent" in r.stderr, r.stderr)
    print(f"env: AWS_* variables, ~/.aws files, AWS_PROFILE, AWS_SHARED_CREDENTIALS_FILE; options > env > files "
          f"({n} rows each)")


def test_vhost(binary, tmp, srv, layout, local):
    """Virtual-hosted addressing: tiffs.s3.localhost (curl resolves *.localhost to loopback)."""
    env = clean_env(tmp)
    opts = creds(srv, aws_endpoint=f"http://s3.localhost:{srv.port}", virtual_hosted_style_request="true")
    cfg = write_config(tmp, "vhost", f"s3://{BUCKET}", opts, prefixes=["odd keys/", "samples/"], chunk=3)
    r, out = headers(binary, tmp, "vhost", [cfg], env, expect=0)
    n = len(duckdb(f"SELECT path FROM read_parquet('{out}/*.parquet')"))
    want = sum(1 for k in layout if is_tiff(k) and k.startswith(("odd keys/", "samples/")))
    check(n == want, f"{n} rows, expected {want}")
    reqs = srv.requests()
    check(reqs and all(not q["path"].startswith(f"/{BUCKET}") for q in reqs), "path-style request in vhost mode")
    print(f"vhost: {n} rows via http://{BUCKET}.s3.localhost:{srv.port}/, {len(reqs)} verified requests")


def test_keys(binary, tmp, srv, layout, local):
    """--keys with full s3:// URLs and plain keys (no listing)."""
    help_text = run([binary, "headers", "--help"]).stdout
    if "--keys" not in help_text:
        print("SKIP: this tiff-dumper has no --keys")
        return SKIP
    env = clean_env(tmp)
    keys = os.path.join(tmp, "keys.txt")
    with open(keys, "w") as f:
        f.write(f"s3://{BUCKET}/samples/{sorted(os.listdir(SAMPLES))[0]}\n")
        f.write("odd keys/with space \u00e9+~%=&;.tif\nmissing/nothing.tif\nempty.tif\n")
    cfg = write_config(tmp, "keys", f"s3://{BUCKET}", creds(srv))
    r, out = headers(binary, tmp, "keys", [cfg, "--keys", keys], env, expect=3)
    got = duckdb(f"SELECT path, size, etag IS NOT NULL AS e, error_kind, error FROM read_parquet('{out}/*.parquet') ORDER BY path")
    check(len(got) == 4, f"keys rows: {got}")
    by_path = {g["path"]: g for g in got}
    missing = by_path["missing/nothing.tif"]
    check(missing["error_kind"] == "not_found" and "NoSuchKey" in missing["error"], f"missing key row: {missing}")
    empty = by_path["empty.tif"]
    check(empty["error_kind"] == "not_tiff" and empty["size"] == "0", f"empty object row (416 path): {empty}")
    # Size and etag of listed-less keys come from the ranged GET's headers.
    ok_rows = [g for g in got if g["error_kind"] is None]
    check(len(ok_rows) == 2 and all(g["size"] is not None and g["e"] for g in ok_rows),
          f"size/etag from the ranged GET: {got}")
    check(f"s3://{BUCKET}/samples/{sorted(os.listdir(SAMPLES))[0]}" in by_path, f"URL line's row: {got}")
    check(not any("list-type" in q["query"] for q in srv.requests()), "--keys listed the bucket")
    check(any(q["status"] == 416 for q in srv.requests()), "no 416 for the empty object")
    print(f"keys: 4 rows from a key list (1 not_found, 1 empty via 416), no listing")


def test_info(binary, tmp, srv, layout, local):
    """`info s3://bucket/key --config`: the same header as `info` on the local copy."""
    env = clean_env(tmp)
    cfg = write_config(tmp, "info", f"s3://{BUCKET}", creds(srv))
    keys = [k for k in layout if k.startswith(("samples/", "odd keys/"))]
    for key in keys:
        r = run([binary, "info", f"s3://{BUCKET}/{key}", "--config", cfg], env=env)
        check(r.returncode == 0, f"info {key}: exit {r.returncode}: {r.stderr}")
        got = json.loads(r.stdout)
        want = json.loads(run([binary, "info", os.path.join(local, key)], env=env).stdout)
        check(got["etag"] and got["size"] == want["size"], f"info {key}: metadata {got['etag']} {got['size']}")
        for k in ("path", "etag", "last_modified", "requests", "bytes_read"):
            got.pop(k, None)
            want.pop(k, None)
        check(got == want, f"info {key}: differs from the local file's")
    r = run([binary, "info", f"s3://{BUCKET}/samples/absent.tif", "--config", cfg], env=env)
    check(r.returncode == 3 and "not_found" in (r.stdout + r.stderr), f"absent key: {r.returncode} {r.stdout} {r.stderr}")
    print(f"info: {len(keys)} s3:// objects match `info` on the local copies; a missing key is not_found")


def test_flaky(binary, tmp, srv, layout, local):
    """Every 5th request gets 503 SlowDown: every retry passes the signature check, the run completes."""
    env = clean_env(tmp)
    local_rc, local_out = local_dump(binary, tmp, local, env)
    cfg = write_config(tmp, "flaky", f"s3://{BUCKET}", creds(srv), chunk=10)
    r, out = headers(binary, tmp, "flaky", [cfg], env, expect=local_rc)
    check(rows(out) == rows(local_out), "rows differ from the local dump after retries")
    reqs = srv.requests()
    throttled = sum(q["status"] == 503 for q in reqs)
    check(throttled >= 10, f"only {throttled} throttled requests")
    check(all(q["status"] != 403 for q in reqs), "a retried request failed its signature check")
    print(f"flaky: {throttled} of {len(reqs)} requests throttled (503), all retried (each attempt signed and verified); rows intact")


def test_gcs_hmac(binary, tmp, srv, layout, local):
    """gs:// with HMAC keys goes to the XML API through this S3 code (region "auto"):
    here pointed at the test server, whose proxy expects region "auto"."""
    env = clean_env(tmp)
    local_rc, local_out = local_dump(binary, tmp, local, env)
    cfg = write_config(tmp, "gcs", f"gs://{BUCKET}", creds(srv), chunk=10)
    r, out = headers(binary, tmp, "gcs", [cfg], env, expect=local_rc)
    check(rows(out) == rows(local_out), "gs:// (HMAC) rows differ from the local dump")
    reqs = srv.requests()
    check(reqs and all(q["auth"] == "signed" for q in reqs), "unsigned request")
    print(f"gcs_hmac: {len(rows(out))} rows via gs:// + HMAC keys (SigV4, region auto), {len(reqs)} verified requests")


TESTS = {name[5:]: fn for name, fn in globals().items() if name.startswith("test_")}
SERVER_OPTIONS = {"private": {"require_auth": True}, "flaky": {"fail_every": 5}, "gcs_hmac": {"region": "auto"}}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in TESTS:
        print(f"usage: {sys.argv[0]} TIFF_DUMPER {{{','.join(TESTS)}}}", file=sys.stderr)
        return 2
    binary, name = sys.argv[1], sys.argv[2]
    if not os.path.isdir(os.path.join(JS, "node_modules", "s3rver")):
        print("SKIP: tests/js/node_modules (s3rver) is missing; run scripts/install-deps")
        return SKIP
    tmp = tempfile.mkdtemp(prefix=f"s3test-{name}-")
    try:
        layout, local = make_layout(tmp)
        with Server(tmp, **SERVER_OPTIONS.get(name, {})) as srv:
            srv.upload(layout)
            srv.reset_log()
            rc = TESTS[name](binary, tmp, srv, layout, local)
        print(f"PASS {name}")
        return rc or 0
    except AssertionError as e:
        print(f"FAIL {name}: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
