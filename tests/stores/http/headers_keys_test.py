#!/usr/bin/python3
"""`tiff-dumper headers --keys` over nginx: the Parquet rows equal the local
dump's, apart from path, etag, last_modified and the read cost (DuckDB).

  local  headers --store ROOT                      (listing a directory)
  http   headers --keys URLS                       (store taken from the first URL)
  https  headers CONFIG --keys KEYS                (store.name https://..., obstore_config.ca_bundle)
  noca   headers --store https://... --keys KEYS   (no CA: every row a certificate error)

ROOT holds samples/ and, when present, the shared corpus (../shared/corpus).

usage: headers_keys_test.py TIFF_DUMPER
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
sys.path.insert(0, os.path.join(REPO, "tests", "servers"))

from nginx import Nginx  # noqa: E402
from tls import make_test_pki  # noqa: E402

JS = os.path.join(REPO, "tests", "js")
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SKIP = 77
COST = "path, etag, last_modified, requests, bytes_read"


def on_signal(signum, frame):
    raise SystemExit(f"killed by signal {signum}")


def duckdb(sql):
    r = subprocess.run(["node", os.path.join(JS, "query.mjs"), "--json", sql], capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def headers(binary, args, env):
    r = subprocess.run([binary, "headers", *args], capture_output=True, text=True, timeout=300, env=env)
    return r


def rel_key(path_sql):
    """SQL: the part of a path from samples/ or corpus/ on, to join rows of the different runs."""
    return f"regexp_extract({path_sql}, '(samples|corpus)/.*$')"


def compare(name, out, local):
    """Rows of `out` minus rows of `local` and the reverse, excluding COST columns; both must be empty."""
    def rows(d):
        return f"SELECT * EXCLUDE ({COST}), {rel_key('path')} AS k FROM read_parquet('{d}/*.parquet')"
    extra = duckdb(f"SELECT k FROM ({rows(out)} EXCEPT ALL {rows(local)}) ORDER BY k")
    missing = duckdb(f"SELECT k FROM ({rows(local)} EXCEPT ALL {rows(out)}) ORDER BY k")
    if extra or missing:
        raise AssertionError(f"{name}: rows differ from the local dump: {extra[:5]} / {missing[:5]}")
    # Metadata from the responses: etag present, same size, same second.
    bad = duckdb(f"""
        SELECT {rel_key('h.path')} AS k FROM read_parquet('{out}/*.parquet') h
        JOIN read_parquet('{local}/*.parquet') l ON {rel_key('h.path')} = {rel_key('l.path')}
        WHERE h.etag IS NULL OR h.size IS DISTINCT FROM l.size
           OR date_trunc('second', h.last_modified) IS DISTINCT FROM date_trunc('second', l.last_modified)""")
    if bad:
        raise AssertionError(f"{name}: etag/size/last_modified wrong for {bad[:5]}")
    n = duckdb(f"SELECT count(*) AS n, count(error) AS errors, sum(requests) AS requests "
               f"FROM read_parquet('{out}/*.parquet')")[0]
    return n


def main():
    binary = sys.argv[1]
    if not os.path.isdir(os.path.join(JS, "node_modules")):
        print("SKIP: tests/js/node_modules is missing (run scripts/install-deps); DuckDB is needed")
        return SKIP
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        print("SKIP: nginx or openssl not installed (scripts/install-deps)")
        return SKIP
    help_text = subprocess.run([binary, "headers", "--help"], capture_output=True, text=True).stdout
    if "--keys" not in help_text:
        print("SKIP: this tiff-dumper has no `headers --keys` yet")
        return SKIP
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(580)
    tmp = tempfile.mkdtemp(prefix="td-http-keys-")
    try:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        os.symlink(os.path.join(REPO, "samples"), os.path.join(root, "samples"))
        if os.path.isdir(CORPUS):
            os.symlink(CORPUS, os.path.join(root, "corpus"))
        else:
            print(f"note: {CORPUS} is absent; testing samples/ only")
        keys = sorted(os.path.relpath(os.path.join(d, n), root)
                      for d, _, names in os.walk(root, followlinks=True) for n in names
                      if n.lower().endswith((".tif", ".tiff")))
        env = {k: v for k, v in os.environ.items()
               if k not in ("SSL_CERT_FILE", "CURL_CA_BUNDLE") and "proxy" not in k.lower()}
        outs = {n: os.path.join(tmp, "out-" + n) for n in ("local", "http", "https", "noca")}
        for d in outs.values():
            os.makedirs(d)
        r = headers(binary, ["--store", root, outs["local"], "--quiet"], env)
        if r.returncode != 0:
            raise AssertionError(f"local headers failed ({r.returncode}): {r.stderr}")
        pki = make_test_pki(os.path.join(tmp, "pki"))
        with Nginx(os.path.join(tmp, "nginx")) as ng:
            plain = ng.add_site("plain", root)
            tls = ng.add_site("tls", root, tls=pki)
            ng.start()
            urls_file = os.path.join(tmp, "urls.txt")
            with open(urls_file, "w") as f:
                f.write("".join(plain.url + k + "\n" for k in keys))
            keys_file = os.path.join(tmp, "keys.txt")
            with open(keys_file, "w") as f:
                f.write("".join(k + "\n" for k in keys))
            config = os.path.join(tmp, "https.yaml")
            with open(config, "w") as f:
                f.write(f"store:\n  name: {tls.url}\n  obstore_config:\n    ca_bundle: {pki['ca']}\n"
                        f"    timeout: 30s\n    connect_timeout: 5s\n")

            runs = {
                "http": ["--keys", urls_file, outs["http"], "--quiet", "--concurrency", "16"],
                "https": [config, outs["https"], "--keys", keys_file, "--quiet"],
            }
            for name, args in runs.items():
                r = headers(binary, args, env)
                if r.returncode != 0:
                    raise AssertionError(f"{name}: headers {args} failed ({r.returncode}): {r.stderr}")
                n = compare(name, outs[name], outs["local"])
                site = plain if name == "http" else tls
                entries = site.access_entries()
                print(f"{name}: {n['n']} rows identical to the local dump ({n['errors']} error rows in both), "
                      f"{n['requests']} requests in rows; nginx saw {len(entries)} requests on "
                      f"{len({e['connection'] for e in entries})} connections ({entries[0]['server_protocol']})")

            r = headers(binary, ["--store", tls.url, "--keys", keys_file, outs["noca"], "--quiet"], env)
            # Exit 1: an untrusted certificate fails the run at once with one clear
            # error, and no part file claims success.
            if r.returncode != 1:
                raise AssertionError(f"noca: expected exit 1 (run failed), got {r.returncode}: {r.stderr}")
            if "certificate" not in r.stderr or "ca_bundle" not in r.stderr:
                raise AssertionError(f"noca: expected a certificate error naming ca_bundle: {r.stderr}")
            left = [f for f in os.listdir(outs["noca"]) if f.endswith(".parquet")]
            if left:
                raise AssertionError(f"noca: a failed run left {left}")
            print(f"noca: exit 1: {r.stderr.strip().splitlines()[-1]}")
        return 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except AssertionError as e:
        print(f"FAIL: {e}")
        sys.exit(1)
