#!/usr/bin/python3
"""Starts the servers http_server_tests needs, runs it, and always stops them.

  nginx "plain"   HTTP/1.1 on a free 127.0.0.1 port
  nginx "tls"     HTTPS (HTTP/2) with a certificate from a throwaway CA (openssl)
  nginx "norange" HTTP with `max_ranges 0;` (ignores Range, sends whole files)
  fault server    tests/servers/fault_server.py (503/429/reset/stall/500)

The served directory holds big.bin (8 MiB random), small.bin (1000 bytes),
empty.bin, dir/with space%.bin. Figures printed by the tests ([figure] lines)
are repeated in a summary at the end.

usage: run_server_tests.py HTTP_SERVER_TESTS [gtest args...]
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

from fault_server import FaultServer  # noqa: E402
from nginx import Nginx  # noqa: E402
from tls import make_test_pki  # noqa: E402

SKIP = 77


def on_signal(signum, frame):
    raise SystemExit(f"killed by signal {signum}")


def make_data(root):
    os.makedirs(os.path.join(root, "dir"))
    with open(os.path.join(root, "big.bin"), "wb") as f:
        f.write(os.urandom(8 << 20))
    with open(os.path.join(root, "small.bin"), "wb") as f:
        f.write(bytes((i * 7 + 3) % 256 for i in range(1000)))
    open(os.path.join(root, "empty.bin"), "wb").close()
    with open(os.path.join(root, "dir", "with space%.bin"), "wb") as f:
        f.write(b"odd name " * 20)


def main():
    binary = sys.argv[1]
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        print("SKIP: nginx or openssl not installed (scripts/install-deps)")
        return SKIP
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGALRM, on_signal)
    signal.alarm(280)  # hard limit, below CTest's timeout, so cleanup still runs
    tmp = tempfile.mkdtemp(prefix="td-http-")
    try:
        data = os.path.join(tmp, "data")
        make_data(data)
        pki = make_test_pki(os.path.join(tmp, "pki"))
        with Nginx(os.path.join(tmp, "nginx")) as ng, FaultServer() as fault:
            plain = ng.add_site("plain", data)
            tls = ng.add_site("tls", data, tls=pki)
            norange = ng.add_site("norange", data, extra="max_ranges 0;")
            ng.start()
            env = dict(os.environ)
            for k in ("SSL_CERT_FILE", "CURL_CA_BUNDLE", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                      "ALL_PROXY", "all_proxy"):
                env.pop(k, None)
            env.update(TD_HTTP_URL=plain.url, TD_HTTPS_URL=tls.url, TD_NORANGE_URL=norange.url, TD_FAULT_URL=fault.url,
                       TD_CA_PEM=pki["ca"], TD_DATA_DIR=data, TD_HTTP_LOG=plain.access_log,
                       TD_HTTPS_LOG=tls.access_log, TD_NORANGE_LOG=norange.access_log)
            r = subprocess.run([binary, *sys.argv[2:]], env=env, capture_output=True, text=True, timeout=240)
            sys.stdout.write(r.stdout)
            sys.stderr.write(r.stderr)
            figures = re.findall(r"^\[figure\] (.*)$", r.stdout, re.M)
            print("\n== figures ==")
            for f in figures:
                print("  " + f)
            served = sum(len(s.access_entries()) for s in (plain, tls, norange))
            print(f"  nginx requests logged = {served}")
            if r.returncode != 0:
                print("nginx error log:\n" + ng.error_log()[-3000:])
            return 1 if r.returncode != 0 else 0
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
