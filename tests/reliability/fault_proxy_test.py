#!/usr/bin/python3
"""Self-test of tests/servers/fault_proxy.py against a tiny threaded upstream
(no tiff-dumper, no node): every fault kind does what it says, Host, Range and
other headers arrive unchanged, decisions are reproducible from the seed,
faults stop after max_consecutive, rules, the lifetime limit, loopback only,
and the program form (PORT line, exit when stdin closes, counts file).
"""
import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "servers"))
from fault_proxy import KINDS, FaultProxy, Rule  # noqa: E402

BODY = bytes(range(256)) * 64  # 16 KiB


class Upstream(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def log_message(self, *a):
        pass

    def do_GET(self):
        Upstream.seen.append({"path": self.path, "host": self.headers.get("Host"),
                              "range": self.headers.get("Range"), "x": self.headers.get("X-Custom")})
        body = BODY
        status = 200
        headers = []
        rng = self.headers.get("Range")
        if rng:
            a, b = rng.split("=")[1].split("-")
            a, b = int(a), min(int(b), len(BODY) - 1)
            body = BODY[a:b + 1]
            status = 206
            headers.append(("Content-Range", f"bytes {a}-{b}/{len(BODY)}"))
        if self.path.startswith("/chunked"):
            self.send_response(status)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(body), 1000):
                part = body[i:i + 1000]
                self.wfile.write(f"{len(part):x}\r\n".encode() + part + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
            return
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_HEAD(self):
        self.send_response(200)
        self.send_header("Content-Length", str(len(BODY)))
        self.end_headers()


def check(cond, msg):
    if not cond:
        raise AssertionError(msg)


def get(port, path, headers=None, timeout=5):
    """(status, body, error name) with a fresh connection."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request("GET", path, headers=headers or {})
        r = c.getresponse()
        try:
            body = r.read()
        except http.client.IncompleteRead as e:
            return r.status, e.partial, "IncompleteRead"
        return r.status, body, None
    except (ConnectionResetError, http.client.RemoteDisconnected) as e:
        return None, b"", type(e).__name__
    except socket.timeout:
        return None, b"", "timeout"
    finally:
        c.close()


def main():
    up = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    up.daemon_threads = True
    threading.Thread(target=up.serve_forever, daemon=True).start()
    upstream = ("127.0.0.1", up.server_address[1])
    try:
        # Forwarding: Host, Range and other headers unchanged; keep-alive works.
        with FaultProxy(upstream) as p:
            c = http.client.HTTPConnection("127.0.0.1", p.port, timeout=5)
            for i in range(3):
                c.request("GET", f"/obj{i}", headers={"Host": "signed.example:1234", "Range": "bytes=10-19",
                                                      "X-Custom": "v"})
                r = c.getresponse()
                check(r.status == 206 and r.read() == BODY[10:20], "ranged GET through the proxy")
            c.close()
            check(all(s["host"] == "signed.example:1234" and s["range"] == "bytes=10-19" and s["x"] == "v"
                      for s in Upstream.seen[-3:]), f"headers changed: {Upstream.seen[-3:]}")
            status, body, _ = get(p.port, "/chunked")
            check(status == 200 and body == BODY, "chunked body through the proxy")
            check(p.counts()["forwarded"] == 4, f"counts {p.counts()}")
        with FaultProxy(upstream, rates={"truncate_unframed": 1.0}) as p:
            status, body, err = get(p.port, "/chunked")
            check(status == 200 and err is None and body == BODY[:len(BODY) // 2], "unframed cut of a chunked body")
        print("forwarding: Host, Range and headers unchanged; keep-alive; chunked")

        # Each kind, always on for the first attempt, then spared (max_consecutive=1).
        expect = {"503": lambda s, b, e: s == 503, "429": lambda s, b, e: s == 429,
                  "reset": lambda s, b, e: s is None and e in ("ConnectionResetError", "RemoteDisconnected"),
                  "reset_mid": lambda s, b, e: e in ("IncompleteRead", "ConnectionResetError"),
                  "truncate": lambda s, b, e: e == "IncompleteRead" and 0 < len(b) < len(BODY),
                  "truncate_unframed": lambda s, b, e: s == 206 and e is None and len(b) == 50,
                  "stall": lambda s, b, e: e in ("timeout", "IncompleteRead", "ConnectionResetError")}
        for kind in KINDS:
            with FaultProxy(upstream, rates={kind: 1.0}, max_consecutive=1, stall_seconds=3, retry_after="7") as p:
                t0 = time.monotonic()
                s, b, e = get(p.port, "/k", headers={"Range": "bytes=0-99"}, timeout=2)
                check(expect[kind](s, b, e), f"{kind}: status {s}, {len(b)} bytes, {e}")
                s2, b2, _ = get(p.port, "/k", headers={"Range": "bytes=0-99"})
                check(s2 == 206 and b2 == BODY[:100], f"{kind}: the retry was not spared: {s2}")
                check(p.counts().get(kind) == 1 and p.counts().get("spared") == 1, f"{kind}: {p.counts()}")
                print(f"{kind}: first attempt -> status {s}, {len(b)} bytes, {e or 'complete'}; retry ok "
                      f"({time.monotonic() - t0:.1f}s)")
        with FaultProxy(upstream, rates={"503": 1.0}, retry_after="7") as p:
            c = http.client.HTTPConnection("127.0.0.1", p.port, timeout=5)
            c.request("GET", "/x")
            r = c.getresponse()
            r.read()
            check(r.getheader("Retry-After") == "7", "Retry-After missing")
            c.request("GET", "/x")  # the same connection stays usable after a 503
            check(c.getresponse().status == 503, "keep-alive after 503")
            c.close()

        # Reproducible: the same seed picks the same faults, whatever the order.
        def decisions(seed, order):
            with FaultProxy(upstream, rates={"503": 0.3, "429": 0.2}, seed=seed) as p:
                out = {}
                for i in order:
                    out[i] = get(p.port, f"/r{i}")[0]
                return out
        a = decisions(5, list(range(40)))
        b = decisions(5, list(reversed(range(40))))
        c_ = decisions(6, list(range(40)))
        check(a == b, "decisions depend on request order")
        check(a != c_, "the seed changes nothing")
        check(30 > sum(v != 200 for v in a.values()) > 5, f"rate ~50 %: {a}")
        print(f"reproducible: seed 5 -> {sum(v != 200 for v in a.values())}/40 faults in any order; seed 6 differs")

        # Streak cap: never more than max_consecutive faults in a row for one request.
        with FaultProxy(upstream, rates={"503": 1.0}, max_consecutive=3) as p:
            seq = [get(p.port, "/same")[0] for _ in range(8)]
            check(seq == [503, 503, 503, 200, 503, 503, 503, 200], f"streaks: {seq}")

        # Rules: permanent, before random faults; no upstream needed for them.
        with FaultProxy(None, rules=[Rule(r"^/gone\.tif$", "404"), Rule("^/hang", "hang", methods=None)]) as p:
            check(get(p.port, "/gone.tif")[0] == 404 and get(p.port, "/gone.tif")[0] == 404, "404 rule")
            check(get(p.port, "/other")[0] == 502, "no upstream: 502")
            t0 = time.monotonic()
            check(get(p.port, "/hang", timeout=1)[2] == "timeout" and time.monotonic() - t0 < 3, "hang rule")
            check(p.counts()[r"rule:404:^/gone\.tif$"] == 2, f"rule counts {p.counts()}")

        # Bounded: loopback only; stops by itself after max_lifetime.
        try:
            FaultProxy(("8.8.8.8", 80))
            raise AssertionError("a non-loopback upstream was accepted")
        except ValueError:
            pass
        p = FaultProxy(upstream, max_lifetime=1).start()
        time.sleep(2)
        try:
            socket.create_connection(("127.0.0.1", p.port), timeout=1).close()
            raise AssertionError("still listening after max_lifetime")
        except OSError:
            pass
        p.stop()
        print("rules, streak cap, loopback only, max_lifetime: ok")

        # As a program: PORT line, counts file, exits when its stdin (the parent) closes.
        with tempfile.TemporaryDirectory() as tmp:
            counts = os.path.join(tmp, "counts.json")
            proc = subprocess.Popen([sys.executable, os.path.join(HERE, "..", "servers", "fault_proxy.py"),
                                     "--upstream", f"127.0.0.1:{upstream[1]}", "--rate", "503=1.0",
                                     "--counts", counts], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            port = int(proc.stdout.readline().split()[1])
            check(get(port, "/p")[0] == 503, "program: 503")
            proc.stdin.close()
            out = proc.stdout.read()
            check(proc.wait(10) == 0, "program did not exit when stdin closed")
            saved = json.load(open(counts))
            check(saved["faults"] == {"503": 1} and json.loads(out)["faults_injected"] == 1, f"counts: {saved} {out}")
        print("program: PORT line, counts written and printed, exits with its parent's pipe")
        print("PASS fault_proxy")
        return 0
    except AssertionError as e:
        print(f"FAIL fault_proxy: {e}")
        return 1
    finally:
        up.shutdown()


if __name__ == "__main__":
    sys.exit(main())
