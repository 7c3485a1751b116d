#!/usr/bin/python3
"""End-to-end: rows read over HTTP and HTTPS (nginx) equal the local rows.

For every file of a set (samples/, or the shared corpus ../shared/corpus),
http_e2e_driver builds each row twice, from the local directory and from
nginx serving that directory, and compares them apart from path, etag,
last_modified (whole seconds over HTTP) and the read cost. Runs:
  HTTP  with keys relative to the base URL
  HTTPS (HTTP/2, test CA via ca_bundle) with keys given as full URLs
  HTTPS without ca_bundle: must NOT match (certificate errors)

usage: e2e_test.py HTTP_E2E_DRIVER samples|corpus
"""
import os
import re
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

SETS = {"samples": os.path.join(REPO, "samples"),
        "corpus": os.path.join(os.path.dirname(REPO), "shared", "corpus")}
SKIP = 77


def on_signal(signum, frame):
    raise SystemExit(f"killed by signal {signum}")


def main():
    driver, which = sys.argv[1], sys.argv[2]
    source = SETS[which]
    if not os.path.isdir(source):
        print(f"SKIP: {source} is absent (the shared test corpus); nothing to compare")
        return SKIP
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        print("SKIP: nginx or openssl not installed (scripts/install-deps)")
        return SKIP
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(280)
    tmp = tempfile.mkdtemp(prefix="td-http-e2e-")
    try:
        root = os.path.join(tmp, "root")
        os.makedirs(root)
        os.symlink(source, os.path.join(root, which))
        keys = sorted(os.path.relpath(os.path.join(d, n), root)
                      for d, _, names in os.walk(root, followlinks=True) for n in names)
        keys_file = os.path.join(tmp, "keys.txt")
        with open(keys_file, "w") as f:
            f.write("\n".join(keys) + "\n")
        print(f"{len(keys)} files in {source}")
        pki = make_test_pki(os.path.join(tmp, "pki"))
        env = {k: v for k, v in os.environ.items()
               if k not in ("SSL_CERT_FILE", "CURL_CA_BUNDLE") and "proxy" not in k.lower()}
        failed = False
        with Nginx(os.path.join(tmp, "nginx")) as ng:
            plain = ng.add_site("plain", root)
            tls = ng.add_site("tls", root, tls=pki)
            ng.start()
            runs = [("http", [driver, root, plain.url, keys_file]),
                    ("https", [driver, root, tls.url, keys_file, "--absolute", "ca_bundle=" + pki["ca"]])]
            for name, cmd in runs:
                r = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)
                figures = dict(re.findall(r"^\[figure\] (\S+) = (.*)$", r.stdout, re.M))
                site = plain if name == "http" else tls
                entries = site.access_entries()
                conns = len({e["connection"] for e in entries})
                print(f"{name}: {figures.get('identical_rows')}/{figures.get('objects')} rows identical "
                      f"({figures.get('error_rows')} error rows in both), {figures.get('http_requests')} requests "
                      f"for rows (local: {figures.get('local_requests')}), engine attempts "
                      f"{figures.get('engine_attempts')}, retries {figures.get('engine_retries')}, "
                      f"nginx saw {len(entries)} requests on {conns} connections")
                if r.returncode != 0:
                    failed = True
                    print(f"{name}: FAILED (exit {r.returncode})\n{r.stdout[-6000:]}\n{r.stderr[-3000:]}")
            # The comparison does catch differences: without the CA every
            # HTTPS row is a certificate error, so no row matches.
            r = subprocess.run([driver, root, tls.url, keys_file], capture_output=True, text=True, timeout=240,
                               env=env)
            if r.returncode != 1 or "certificate" not in r.stdout:
                failed = True
                print(f"https without ca_bundle: expected mismatching rows with a certificate error, got exit "
                      f"{r.returncode}\n{r.stdout[-3000:]}")
            else:
                print("https without ca_bundle: every row is a certificate error, as it must be")
        return 1 if failed else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
