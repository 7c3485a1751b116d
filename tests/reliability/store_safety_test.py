#!/usr/bin/python3
"""Reliability: the object-store backends fail alike and safely.

usage: store_safety_test.py TIFF_DUMPER TEST
  listing_progress  a server of the test's own serves S3 ListObjectsV2 XML, Azure
                    List Blobs XML and GCS JSON pages that never advance: a token
                    that repeats, keys that come again, "more follows" without a
                    token, 150 empty pages in a row that each say more follows.
                    Every store must stop with exit 1, an error naming the prefix
                    and what repeated, no _SUCCESS, and no key written twice.
  error_kinds       the same server answer gives the same error_kind in S3, Azure,
                    GCS and HTTP: 401/403 permission_denied, 404/410 not_found,
                    500 (after retries) io, as object rows; an untrusted TLS
                    certificate and an unreachable host stop the run with kind
                    config (listings and reads).
  secrets           distinctive secrets planted in config, environment, URL query,
                    user info and credentials files, for every store, in good and
                    failing runs at every log level: never in stdout, stderr, any
                    Parquet column or _SUCCESS*.json (nor URL-encoded). An Azure
                    SAS URL as the store name works (its query is the SAS token).
"""
import base64
import concurrent.futures
import glob
import http.server
import json
import os
import re
import ssl
import sys
import threading
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (BUCKET, KEY_ID, S3Server, Skip, check, clean_env, duckdb, main_for,  # noqa: E402
                    make_tree, need_node_modules, parts, run, write_config)
from net_util import free_port  # noqa: E402
from tls import make_test_pki  # noqa: E402

STATUSES = (401, 403, 404, 410, 500)
EXPECTED_KIND = {401: "permission_denied", 403: "permission_denied", 404: "not_found", 410: "not_found", 500: "io"}


class OwnServer:
    """A threaded HTTP server on 127.0.0.1 answering with `handler(request) -> (status, headers, body)`."""

    def __init__(self, handler, tls=None):
        outer = self

        class H(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def answer(self):
                outer.requests.append((self.command, self.path))
                status, headers, body = handler(self)
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_HEAD = answer

        self.requests = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.httpd.daemon_threads = True
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls["cert"], tls["key"])
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *a):
        self.httpd.shutdown()
        self.httpd.server_close()


def store_options(kind, origin):
    """(store URL, options) of each backend, pointed at `origin` (scheme://127.0.0.1:port), anonymous."""
    allow = {"allow_http": "true"} if origin.startswith("http://") else {}
    if kind == "s3":
        return f"s3://{BUCKET}", {"endpoint": origin, "skip_signature": "true", "region": "us-east-1", **allow}
    if kind == "azure":
        return "az://tiffs", {"account_name": "acct", "endpoint": origin + "/acct", "skip_signature": "true", **allow}
    if kind == "gcs":
        return "gs://tiffs", {"endpoint": origin, **allow}
    return origin + "/base/", {}


def run_headers(binary, args, out, env, timeout=120, level="--quiet"):
    os.makedirs(out, exist_ok=True)
    return run([binary, "headers", *args, out] + ([level] if level else []), env=env, timeout=timeout)


def error_line(stderr):
    lines = [x for x in stderr.splitlines() if x.startswith("error: ")]
    return lines[-1] if lines else ""


# --- listing progress -----------------------------------------------------------------------
def page_s3(keys, token, more):
    items = "".join(f"<Contents><Key>{k}</Key><Size>10</Size><ETag>&quot;e&quot;</ETag>"
                    f"<LastModified>2024-01-01T00:00:00.000Z</LastModified></Contents>" for k in keys)
    tok = f"<NextContinuationToken>{token}</NextContinuationToken>" if token else ""
    body = (f'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>{BUCKET}</Name><KeyCount>{len(keys)}'
            f"</KeyCount><IsTruncated>{'true' if more else 'false'}</IsTruncated>{tok}{items}</ListBucketResult>")
    return 200, [("Content-Type", "application/xml")], body.encode()


def page_azure(keys, token, more):
    items = "".join(f"<Blob><Name>{k}</Name><Properties><Content-Length>10</Content-Length><Etag>0x1</Etag>"
                    f"<Last-Modified>Mon, 01 Jan 2024 00:00:00 GMT</Last-Modified></Properties></Blob>" for k in keys)
    body = (f'<?xml version="1.0" encoding="utf-8"?><EnumerationResults ContainerName="tiffs"><Blobs>{items}</Blobs>'
            f"<NextMarker>{token if more else ''}</NextMarker></EnumerationResults>")
    return 200, [("Content-Type", "application/xml")], body.encode()


def page_gcs(keys, token, more):
    body = {"kind": "storage#objects"}
    if keys:
        body["items"] = [{"name": k, "size": "10", "updated": "2024-01-01T00:00:00.000Z", "etag": "e"} for k in keys]
    if more and token:
        body["nextPageToken"] = token
    return 200, [("Content-Type", "application/json")], json.dumps(body).encode()


def scenario_pages(scenario, token):
    """(keys, next token, more follows) for the page asked with `token` ("" = first)."""
    first = [f"data/k{i:03d}.tif" for i in range(5)]
    second = [f"data/k{i:03d}.tif" for i in range(5, 10)]
    if scenario == "repeat_token":  # page 2 hands back the token that led to it: a loop
        return (first, "T1", True) if not token else (second, "T1", True)
    if scenario == "keys_again":  # a fresh token, but the same keys again, then the end
        return (first, "T1", True) if not token else (first, "", False)
    if scenario == "backwards":
        return (second, "T1", True) if not token else (first, "", False)
    if scenario == "no_token":  # more follows, but no token to ask for it
        return first, "", True
    if scenario == "empty":  # 150 empty pages, each saying more follows with a new token, then the last keys
        n = int(token[1:]) if token else 0
        if n == 0:
            return first, "E1", True
        if n < 150:
            return [], f"E{n + 1}", True
        return second, "", False
    raise AssertionError(scenario)


def listing_handler(kind, scenario):
    def handle(req):
        u = urllib.parse.urlsplit(req.path)
        q = dict(urllib.parse.parse_qsl(u.query))
        if kind == "s3" and q.get("list-type") == "2":
            return page_s3(*scenario_pages(scenario, q.get("continuation-token", "")))
        if kind == "azure" and q.get("comp") == "list":
            return page_azure(*scenario_pages(scenario, q.get("marker", "")))
        if kind == "gcs" and u.path.endswith("/o"):
            return page_gcs(*scenario_pages(scenario, q.get("pageToken", "")))
        return 404, [], b""  # object reads: error rows are fine, the listing is the point
    return handle


def test_listing_progress(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    what = {"repeat_token": r"(continuation token|marker|page token) 'T1' was already seen",
            "keys_again": r"key 'data/k000\.tif' (came again|repeats or goes backwards)",
            "backwards": r"key 'data/k000\.tif' repeats or goes backwards: it came after 'data/k009\.tif'",
            "no_token": r"(says more follows but gives no|no NextContinuationToken)",
            "empty": r"100 empty pages in a row"}
    failures = []

    def one(kind, scenario):
        with OwnServer(listing_handler(kind, scenario)) as srv:
            store, opts = store_options(kind, f"http://127.0.0.1:{srv.port}")
            cfg = write_config(os.path.join(tmp, f"{kind}-{scenario}.yaml"), store, opts, list_chunk=100)
            out = os.path.join(tmp, f"out-{kind}-{scenario}")
            try:
                r = run_headers(binary, [cfg, "--prefix", "data/"], out, env, timeout=40)
            except Exception as e:  # a listing that loops forever
                return f"{kind}/{scenario}: no end within 40 s ({type(e).__name__}); {len(srv.requests)} requests"
            msg = error_line(r.stderr)
            names = os.listdir(out)
            rows = []
            if parts(out):
                rows = duckdb(f"SELECT path, count(*) AS n FROM read_parquet('{out}/*.parquet') GROUP BY path")
            dup = [x["path"] for x in rows if int(x["n"]) > 1]
            print(f"listing_progress/{kind}/{scenario}: exit {r.returncode}, {len(srv.requests)} requests, "
                  f"files {sorted(names)}: {msg[:230]}")
            problems = []
            if r.returncode != 1:
                problems.append(f"exit {r.returncode}, expected 1")
            if any(n.startswith("_SUCCESS") for n in names):
                problems.append("a _SUCCESS file")
            if dup:
                problems.append(f"keys written twice: {dup[:3]}")
            if "data/" not in msg or not re.search(what[scenario], msg):
                problems.append(f"message does not name the prefix and what repeated: {msg!r}")
            return f"{kind}/{scenario}: " + "; ".join(problems) if problems else None

    # An empty marker or page token is the end of an Azure or GCS listing: "more follows
    # without a token" exists only in S3 (IsTruncated true, no NextContinuationToken).
    jobs = [(k, s) for k in ("s3", "azure", "gcs") for s in what if s != "no_token" or k == "s3"]
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        for res in pool.map(lambda a: one(*a), jobs):
            if res:
                failures.append(res)
    check(not failures, "listings that never advance:\n  " + "\n  ".join(failures))


# --- error kinds ----------------------------------------------------------------------------
def status_handler(req):
    """Object reads of key sNNN.tif answer HTTP NNN (no body), whatever the store's request shape."""
    m = re.search(r"s(\d{3})\.tif", urllib.parse.unquote(req.path))
    if not m:
        return 400, [], b""
    return int(m.group(1)), [], b""


def test_error_kinds(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    keyfile = os.path.join(tmp, "keys.txt")
    with open(keyfile, "w") as f:
        f.writelines(f"s{s}.tif\n" for s in STATUSES)
    table, failures = {}, []

    def rows_for(kind, origin):
        store, opts = store_options(kind, origin)
        cfg = write_config(os.path.join(tmp, f"rows-{kind}.yaml"), store, opts, list_chunk=10)
        out = os.path.join(tmp, f"rows-{kind}")
        r = run_headers(binary, [cfg, "--keys", keyfile], out, env, timeout=120)
        got = {}
        if parts(out):
            for x in duckdb(f"SELECT path, error_kind FROM read_parquet('{out}/*.parquet')"):
                got[int(x["path"][1:4])] = x["error_kind"]
        return kind, r.returncode, got

    with OwnServer(status_handler) as srv:
        origin = f"http://127.0.0.1:{srv.port}"
        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            for kind, code, got in pool.map(lambda k: rows_for(k, origin), ("s3", "azure", "gcs", "http")):
                table[kind] = got
                print(f"error_kinds/{kind}: exit {code}: " + ", ".join(f"{s} {got.get(s)}" for s in STATUSES))
                for s in STATUSES:
                    if got.get(s) != EXPECTED_KIND[s]:
                        failures.append(f"{kind}: HTTP {s} gave {got.get(s)}, expected {EXPECTED_KIND[s]}")

    # Transport failures that fail every request alike stop the run with kind config.
    pki = make_test_pki(os.path.join(tmp, "pki"))

    def stop_kind(kind, origin, mode):
        store, opts = store_options(kind, origin)
        cfg = write_config(os.path.join(tmp, f"{kind}-{mode}.yaml"), store, opts, list_chunk=10)
        args = [cfg] if mode.endswith("list") else [cfg, "--keys", keyfile]
        out = os.path.join(tmp, f"out-{kind}-{mode}")
        r = run_headers(binary, args, out, env, timeout=120)
        msg = error_line(r.stderr)
        m = re.match(r"error: (\w+):", msg)
        return kind, mode, r.returncode, m.group(1) if m else None, msg

    jobs = []
    with OwnServer(status_handler, tls=pki) as tls_srv:
        tls_origin = f"https://127.0.0.1:{tls_srv.port}"
        dead_origin = f"http://127.0.0.1:{free_port()}"
        for kind in ("s3", "azure", "gcs"):
            jobs += [(kind, tls_origin, "tls-list"), (kind, dead_origin, "down-list")]
        for kind in ("s3", "azure", "gcs", "http"):
            jobs += [(kind, tls_origin, "tls-read"), (kind, dead_origin, "down-read")]
        with concurrent.futures.ThreadPoolExecutor(6) as pool:
            for kind, mode, code, k, msg in pool.map(lambda a: stop_kind(*a), jobs):
                print(f"error_kinds/{kind}/{mode}: exit {code}, kind {k}: {msg[:160]}")
                if code != 1 or k != "config":
                    failures.append(f"{kind} {mode}: exit {code}, kind {k} (expected exit 1, config): {msg[:200]}")
    check(not failures, "error kinds differ between stores:\n  " + "\n  ".join(failures))


# --- secrets --------------------------------------------------------------------------------
def encoded_forms(secret):
    return {secret, urllib.parse.quote(secret, safe=""), urllib.parse.quote_plus(secret),
            urllib.parse.quote(secret, safe="").lower()}


class Scanner:
    def __init__(self, secrets):
        self.forms = set()
        for s in secrets:
            self.forms |= {f for f in encoded_forms(s) if len(f) >= 8}
        self.outputs = 0
        self.leaks = []

    def scan(self, name, text):
        self.outputs += 1
        for f in self.forms:
            if f in text:
                self.leaks.append(f"{name}: {f[:14]}... in {text[max(0, text.find(f) - 120):text.find(f) + 40]!r}")

    def run_dir(self, name, out):
        if parts(out):
            cols = duckdb(f"SELECT * FROM read_parquet('{out}/*.parquet')")
            self.scan(name + " (every column)", json.dumps(cols))
        for p in glob.glob(os.path.join(out, "_SUCCESS*.json")) + glob.glob(os.path.join(out, ".*.keys")):
            self.scan(name + " " + os.path.basename(p), open(p, errors="replace").read())


def test_secrets(binary, tmp):
    need_node_modules("s3rver", "azurite")
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 12, bad=True)
    P = "PLANTEDs3cr3t"  # every planted secret carries this, so a grep for it alone also catches fragments
    s3_secret, s3_token = P + "-s3-secret/+=9f1c2e", P + "-s3-session-token/+=5e8d"
    s3_query, s3_userpass = P + "-s3-query-sig", P + "-s3-userinfo-pass"
    az_key = base64.b64encode((P + "-azure-account-key-0123456789").encode()).decode()
    gcs_query, http_pass, presigned = P + "-gcs-query", P + "-http-password", P + "-presigned-sig/+="
    secrets = [s3_secret, s3_token, s3_query, s3_userpass, az_key, gcs_query, http_pass, presigned, P]
    sc = Scanner(secrets)
    levels = ["--quiet", None, "--loud"]
    runs = []

    def go(name, args, env, expect):
        with concurrent.futures.ThreadPoolExecutor(len(levels)) as pool:  # the three log levels at once
            outs = [os.path.join(tmp, "out", f"{name}-{level or 'info'}".replace("--", "")) for level in levels]
            done = list(pool.map(lambda a: run_headers(binary, args, a[0], env, timeout=120, level=a[1]),
                                 zip(outs, levels)))
        for level, out, r in zip(levels, outs, done):
            runs.append((name, level, r.returncode))
            if r.returncode not in expect:  # recorded, not raised: every run is still scanned
                sc.leaks.append(f"{name} {level}: exit {r.returncode}, expected {expect}: {error_line(r.stderr)[:300]}")
            sc.scan(f"{name} {level} stdout+stderr", r.stdout + r.stderr)
            sc.run_dir(f"{name} {level}", out)
        return r

    # --- S3 (s3rver): config, environment, ~/.aws files, URL query and user info.
    with S3Server(tmp, secret=s3_secret) as s3:
        s3.upload_tree(root, keys)
        env = clean_env(tmp)
        good = s3.options(session_token=s3_token)
        wrong = s3.options(secret="wrong" + s3_secret, session_token=s3_token)
        cfg = write_config(os.path.join(tmp, "s3.yaml"), f"s3://{BUCKET}", good)
        cfg_wrong = write_config(os.path.join(tmp, "s3w.yaml"), f"s3://{BUCKET}", wrong)
        go("s3 config", [cfg], env, (3,))
        go("s3 wrong secret", [cfg_wrong], env, (1,))
        env_creds = clean_env(tmp, AWS_ACCESS_KEY_ID=KEY_ID, AWS_SECRET_ACCESS_KEY=s3_secret,
                              AWS_SESSION_TOKEN=s3_token, AWS_ENDPOINT_URL=s3.endpoint(), AWS_ALLOW_HTTP="true",
                              AWS_REGION="us-east-1")
        go("s3 env", ["--store", f"s3://{BUCKET}"], env_creds, (3,))
        home = os.path.join(tmp, "awshome")
        os.makedirs(os.path.join(home, ".aws"))
        with open(os.path.join(home, ".aws", "credentials"), "w") as f:
            f.write(f"[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {s3_secret}\n"
                    f"aws_session_token = {s3_token}\n")
        env_file = dict(clean_env(tmp), HOME=home, AWS_ENDPOINT_URL=s3.endpoint(), AWS_ALLOW_HTTP="true",
                        AWS_REGION="us-east-1")
        go("s3 ~/.aws", ["--store", f"s3://{BUCKET}"], env_file, (3,))
        cfg_q = write_config(os.path.join(tmp, "s3q.yaml"), f"s3://{BUCKET}?X-Amz-Signature={s3_query}", good)
        go("s3 URL query", [cfg_q], env, (1, 2))
        cfg_u = write_config(os.path.join(tmp, "s3u.yaml"), f"s3://{KEY_ID}:{s3_userpass}@{BUCKET}", good)
        go("s3 URL user info", [cfg_u], env, (1, 2))

    # --- Azure (Azurite): a SAS URL as the store name (must work), SAS in config and env, keys.
    from safety_test import Azurite
    az = Azurite(tmp)
    try:
        az.client.create_container("tiffs")
        for k in keys:
            az.client.put_blob("tiffs", k, open(os.path.join(root, k), "rb").read())
        sas = az.client.container_sas("tiffs", "rl")
        sig = dict(urllib.parse.parse_qsl(sas))["sig"]
        sc.forms |= {f for f in encoded_forms(sig) if len(f) >= 8}
        bad_sas = re.sub(r"sig=[^&]+", "sig=" + urllib.parse.quote(presigned, safe=""), sas)
        endpoint = {"endpoint": f"http://127.0.0.1:{az.port}/devstoreaccount1", "allow_http": "true"}
        env = clean_env(tmp)
        sas_url = f"https://devstoreaccount1.blob.core.windows.net/tiffs?{sas}"
        cfg_url = write_config(os.path.join(tmp, "az-url.yaml"), sas_url, endpoint)
        r = go("azure SAS URL", [cfg_url], env, (3,))
        if "summary: listed 12" not in r.stderr:
            sc.leaks.append(f"the SAS URL store did not list the 12 blobs: {error_line(r.stderr)[:300]}")
        cfg_url_bad = write_config(os.path.join(tmp, "az-url-bad.yaml"),
                                   f"https://devstoreaccount1.blob.core.windows.net/tiffs?{bad_sas}", endpoint)
        go("azure bad SAS URL", [cfg_url_bad], env, (1,))
        go("azure SAS config", [write_config(os.path.join(tmp, "az-sas.yaml"), "az://tiffs",
                                             dict(endpoint, account_name="devstoreaccount1", sas_token=sas))], env, (3,))
        go("azure SAS env", [write_config(os.path.join(tmp, "az-sase.yaml"), "az://tiffs",
                                          dict(endpoint, account_name="devstoreaccount1"))],
           clean_env(tmp, AZURE_STORAGE_SAS_TOKEN=bad_sas), (1,))
        go("azure wrong key", [write_config(os.path.join(tmp, "az-key.yaml"), "az://tiffs",
                                            dict(endpoint, account_name="devstoreaccount1", account_key=az_key))],
           env, (1,))
        go("azure wrong key env", [write_config(os.path.join(tmp, "az-keye.yaml"), "az://tiffs", endpoint)],
           clean_env(tmp, AZURE_STORAGE_ACCOUNT_NAME="devstoreaccount1", AZURE_STORAGE_ACCOUNT_KEY=az_key), (1,))
    finally:
        az.stop()

    # --- GCS stand-in: a credentials file through the environment, a URL query.
    from safety_test import Gcs
    import shutil
    gcs_root = os.path.join(tmp, "gcs")
    for k in keys:
        os.makedirs(os.path.dirname(os.path.join(gcs_root, "tiffs", k)), exist_ok=True)
        shutil.copyfile(os.path.join(root, k), os.path.join(gcs_root, "tiffs", k))
    g = Gcs(tmp, gcs_root)
    try:
        path, private = g.key(tmp, "sa")
        body = [x for x in private.splitlines() if x and not x.startswith("-----")]
        sc.forms |= set(body[1:-1])
        opts = {"endpoint": g.url, "allow_http": "true"}
        cfg = write_config(os.path.join(tmp, "gcs.yaml"), "gs://tiffs", opts)
        go("gcs credentials file", [cfg], clean_env(tmp, GOOGLE_APPLICATION_CREDENTIALS=path), (3,))
        other, other_private = g.key(tmp, "unregistered", register=False)
        sc.forms |= {x for x in other_private.splitlines()[2:-2] if x}
        go("gcs unknown key", [cfg], clean_env(tmp, GOOGLE_APPLICATION_CREDENTIALS=other), (1,))
        cfg_q = write_config(os.path.join(tmp, "gcsq.yaml"), f"gs://tiffs?access_token={gcs_query}", opts)
        go("gcs URL query", [cfg_q], clean_env(tmp, GOOGLE_APPLICATION_CREDENTIALS=path), (1, 2))
    finally:
        g.stop()

    # --- HTTP: presigned queries on --keys lines (good and 404), user:password@ in the store URL.
    def serve(req):
        u = urllib.parse.urlsplit(req.path)
        name = urllib.parse.unquote(u.path).split("/base/", 1)[-1]
        p = os.path.join(root, name)
        if ".." in name or not os.path.isfile(p):
            return 404, [], b""
        data = open(p, "rb").read()
        rng = re.match(r"bytes=(\d+)-(\d+)", req.headers.get("Range", ""))
        if rng and data:
            a, b = int(rng.group(1)), min(int(rng.group(2)), len(data) - 1)
            if a >= len(data):
                return 416, [("Content-Range", f"bytes */{len(data)}")], b""
            return 206, [("Content-Range", f"bytes {a}-{b}/{len(data)}")], data[a:b + 1]
        return 200, [], data
    with OwnServer(serve) as srv:
        base = f"http://127.0.0.1:{srv.port}/base/"
        kf = os.path.join(tmp, "presigned.txt")
        with open(kf, "w") as f:
            q = f"?X-Amz-Signature={urllib.parse.quote(presigned, safe='')}&X-Amz-Credential=AKID"
            f.writelines(base + k + q + "\n" for k in keys + ["missing/gone.tif"])
            f.writelines(k + q + "\n" for k in keys[:3])
        env = clean_env(tmp)
        go("http presigned keys", ["--store", base, "--keys", kf], env, (3,))
        userinfo = f"http://user:{http_pass}@127.0.0.1:{srv.port}/base/"
        kf2 = os.path.join(tmp, "plain.txt")
        with open(kf2, "w") as f:
            f.writelines(k + "\n" for k in keys + ["missing/gone.tif"])
        go("http user:password@", ["--store", userinfo, "--keys", kf2], env, (3,))
        go("http user:password@ down", ["--store", f"http://user:{http_pass}@127.0.0.1:{free_port()}/base/",
                                        "--keys", kf2], env, (1,))

    print(f"secrets: {len(runs)} runs ({len(set(r[0] for r in runs))} cases x {len(levels)} log levels), "
          f"{sc.outputs} outputs scanned for {len(sc.forms)} secret forms; exits "
          + ", ".join(sorted({f"{n}={c}" for n, _, c in runs})))
    check(not sc.leaks, f"{len(sc.leaks)} leaks or failed runs:\n  " + "\n  ".join(x[:400] for x in sc.leaks[:40]))


TESTS = {"listing_progress": test_listing_progress, "error_kinds": test_error_kinds, "secrets": test_secrets}

if __name__ == "__main__":
    sys.exit(main_for(TESTS, sys.argv))
