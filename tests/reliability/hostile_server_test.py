#!/usr/bin/python3
"""Servers that misbehave on purpose, against the real binary: a small HTTP
server of this test's own (the misbehaviour is the point), counting what it
sends and who connects.

usage: hostile_server_test.py TIFF_DUMPER {bodies,slow,redirects}
  bodies     a server that ignores Range (200 from byte 0): a strip TIFF whose IFD
             sits after 3 MiB of data is read, `bytes_read` counts every byte
             received (discarded ones too, never more than the server sent); one
             whose IFD is 96 MiB in (past --max-discard-bytes) becomes a
             limit_exceeded error row while the run goes on (exit 3), the server
             sends a few MiB, not 96, and peak RSS stays small; a 300 MiB S3
             listing page fails the run with a clear error, RSS below it
  slow       a server trickling 2 bytes per second: with no `timeout` option the
             object becomes an io error row ("timed out") and the run ends with
             exit 3 before the watchdog (--stall-timeout 24) would; a trickling
             S3 listing with `timeout: 1s` fails the run with a clear error
  redirects  a redirect to ftp:// (no connection reaches the FTP port), from https
             to http (not followed), to another port (followed, with no
             Authorization there although the first server got one); a signed S3
             request's redirect is not followed at all
"""
import json
import os
import socket
import ssl
import struct
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import SERVERS, check, check_memory, clean_env, duckdb, headers, main_for, need_node_modules, run, write_config  # noqa: E402

sys.path.insert(0, SERVERS)
from tls import make_test_pki  # noqa: E402

CHUNK = 1 << 16


def strip_tiff_tail(width, height):
    """A classic little-endian strip TIFF laid out as header, image data, IFD: the
    bytes after the (zero) data, and the data's length. The IFD is the file's end."""
    data_len = width * height
    ifd_offset = 8 + data_len
    entries = [(256, 4, 1, width), (257, 4, 1, height), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
               (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, height), (279, 4, 1, data_len)]
    ifd = struct.pack("<H", len(entries))
    for tag, typ, count, value in entries:
        ifd += struct.pack("<HHI", tag, typ, count) + (struct.pack("<HH", value, 0) if typ == 3
                                                       else struct.pack("<I", value))
    ifd += struct.pack("<I", 0)
    head = b"II*\x00" + struct.pack("<I", ifd_offset)
    return head, data_len, ifd


class Virtual:
    """A file of `head`, `zeros` zero bytes and `tail`, streamed without being held."""

    def __init__(self, head, zeros, tail):
        self.head, self.zeros, self.tail = head, zeros, tail
        self.size = len(head) + zeros + len(tail)

    def read(self, start, end):
        """Yields the bytes [start, end) in chunks."""
        pos = start
        while pos < end:
            n = min(CHUNK, end - pos)
            buf = bytearray(n)
            for base, part in ((0, self.head), (len(self.head) + self.zeros, self.tail)):
                lo, hi = max(pos, base), min(pos + n, base + len(part))
                if hi > lo:
                    buf[lo - pos:hi - pos] = part[lo - base:hi - base]
            yield bytes(buf)
            pos += n


def tiff_file(width, height):
    head, data_len, ifd = strip_tiff_tail(width, height)
    return Virtual(head, data_len, ifd)


class Hostile:
    """The test's own server. Paths:
      /norange/NAME      200 with the whole file, Range ignored
      /range/NAME        honours Range (206), like a well-behaved server
      /trickle/NAME      200, Content-Length 1,000,000, 2 bytes per second
      /redirect/NAME     302 to self.redirects[NAME]
      /s3/...?list-type  an S3 ListObjectsV2 page: self.listing ("huge": 300 MiB of
                         padding inside a valid document; "trickle": 2 bytes/s)
    sent[path]: body bytes handed to the socket; hits[path]; auth[path]: the
    Authorization headers received."""

    def __init__(self, files, tls=None):
        self.files, self.redirects, self.listing = files, {}, "huge"
        self.sent, self.hits, self.auth = {}, {}, {}
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        hostile = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *a):
                pass

            def do_GET(self):
                try:
                    hostile.serve(self)
                except (BrokenPipeError, ConnectionResetError, ssl.SSLError, OSError):
                    self.close_connection = True

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda *a: None  # clients hanging up mid-body is the point here
        self.scheme = "http"
        if tls:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls["cert"], tls["key"])
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
            self.scheme = "https"
        self.port = self.httpd.server_address[1]
        self.url = f"{self.scheme}://127.0.0.1:{self.port}/"

    def __enter__(self):
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def _count(self, path, n):
        with self.lock:
            self.sent[path] = self.sent.get(path, 0) + n

    def _stream(self, h, path, chunks):
        for c in chunks:
            h.wfile.write(c)
            self._count(path, len(c))

    def _trickle(self, h, path):
        h.send_response(200)
        h.send_header("Content-Length", "1000000")
        h.end_headers()
        h.wfile.flush()
        while not self.stopping.wait(1.0):
            h.wfile.write(b"ab")
            h.wfile.flush()
            self._count(path, 2)

    def serve(self, h):
        url = urllib.parse.urlsplit(h.path)
        path = url.path
        with self.lock:
            self.hits[path] = self.hits.get(path, 0) + 1
            self.auth.setdefault(path, []).append(h.headers.get("Authorization"))
        kind, _, name = path.lstrip("/").partition("/")
        if kind == "bkt":  # an S3 request (path style): the key picks the behaviour
            kind, _, name = name.partition("/")
        if "list-type=2" in url.query:
            if self.listing == "trickle":
                return self._trickle(h, path)
            start = (b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/'
                     b'doc/2006-03-01/"><Name>bkt</Name><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>')
            end = b"</ListBucketResult>"
            doc = Virtual(start, 300 << 20, end)  # zeros stand for padding; never parsed by a correct client
            h.send_response(200)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Content-Length", str(doc.size))
            h.end_headers()
            return self._stream(h, path, (c.replace(b"\0", b" ") for c in doc.read(0, doc.size)))
        if kind == "redirect" and name in self.redirects:
            h.send_response(302)
            h.send_header("Location", self.redirects[name])
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        if kind == "trickle":
            return self._trickle(h, path)
        f = self.files.get(name)
        if f is None or kind not in ("norange", "range"):
            h.send_response(404)
            h.send_header("Content-Length", "0")
            h.end_headers()
            return
        start, end = 0, f.size
        rng = h.headers.get("Range")
        if kind == "range" and rng and rng.startswith("bytes="):
            a, _, b = rng[6:].partition("-")
            start, end = int(a), min(f.size, int(b) + 1 if b else f.size)
            h.send_response(206)
            h.send_header("Content-Range", f"bytes {start}-{end - 1}/{f.size}")
        else:
            h.send_response(200)
        h.send_header("Content-Length", str(end - start))
        h.end_headers()
        self._stream(h, path, f.read(start, end))


def run_measured(binary, args, out, env, timeout=200):
    """headers ARGS OUT under /usr/bin/time -v: (CompletedProcess, seconds, max RSS in KiB)."""
    os.makedirs(out, exist_ok=True)
    t0 = time.monotonic()
    r = run(["/usr/bin/time", "-v", binary, "headers", *args, out, "--quiet"], timeout=timeout, env=env)
    elapsed = time.monotonic() - t0
    rss = [int(line.split(":")[1]) for line in r.stderr.splitlines() if "Maximum resident set size" in line]
    return r, elapsed, rss[0] if rss else 0


def rows(out):
    return {r["path"]: r for r in duckdb(f"SELECT path, error_kind, error, bytes_read, requests, image_width, "
                                         f"image_height FROM read_parquet('{out}/*.parquet')")}


def write_keys(path, lines):
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return path


def test_bodies(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    near = tiff_file(1536, 2048)        # IFD after 3 MiB of strip data
    far = tiff_file(8192, 12288)        # IFD after 96 MiB
    cap = 1 << 20                        # --max-header-bytes: the discard budget is 4 MiB
    with Hostile({"near.tif": near, "far.tif": far}) as srv:
        kf = write_keys(os.path.join(tmp, "keys.txt"), [srv.url + "norange/near.tif", srv.url + "norange/far.tif"])
        cfg = write_config(os.path.join(tmp, "c.yaml"), srv.url, {"timeout": "20s"}, n_consumers=2)
        out = os.path.join(tmp, "out")
        r, elapsed, rss_kib = run_measured(binary, [cfg, "--keys", kf, "--max-header-bytes", str(cap)], out, env)
        got = rows(out) if r.returncode in (0, 3) else {}
        sent_near, sent_far = srv.sent.get("/norange/near.tif", 0), srv.sent.get("/norange/far.tif", 0)
        n, f = got.get(srv.url + "norange/near.tif"), got.get(srv.url + "norange/far.tif")
        print(f"bodies: exit {r.returncode} in {elapsed:.1f}s, max RSS {rss_kib} KiB; near: {n}, server sent "
              f"{sent_near} (file {near.size}); far: {f}, server sent {sent_far} (file {far.size})")
        check(r.returncode == 3, f"exit {r.returncode}, expected 3 (the far object an error row): {r.stderr[-2000:]}")
        check(n and n["error_kind"] is None and int(n["image_width"]) == 1536 and int(n["image_height"]) == 2048,
              f"near.tif not read right: {n}")
        # Two reads: the first read's 64 KiB (and what arrived with it), then the whole
        # prefix up to the IFD streamed past. All of it is counted, never more than sent.
        need = (64 << 10) + near.size - len(near.tail)
        check(need <= int(n["bytes_read"]) <= sent_near,
              f"near.tif bytes_read {n['bytes_read']}: expected every received byte, in [{need}, {sent_near}]")
        check(f and f["error_kind"] == "limit_exceeded" and "ignored Range" in (f["error"] or ""),
              f"far.tif: expected a limit_exceeded row saying the server ignored Range, got {f}")
        check(sent_far < 16 << 20, f"far.tif: the server sent {sent_far} bytes; the client did not stop")
        check_memory(rss_kib < 64 << 10, f"max RSS {rss_kib} KiB for objects whose IFD is 3 and 96 MiB in")

        # A listing page far past the cap: a clear error, not a 300 MiB buffer.
        cfg = write_config(os.path.join(tmp, "s3.yaml"), "s3://bkt",
                           {"endpoint": srv.url.rstrip("/"), "allow_http": "true", "skip_signature": "true",
                            "region": "us-east-1", "timeout": "20s"})
        out = os.path.join(tmp, "out-list")
        r, elapsed, rss_list = run_measured(binary, [cfg], out, env)
        last = r.stderr.strip().splitlines()
        msg = next((line for line in last if line.startswith("error")), last[-1] if last else "")
        print(f"bodies/listing: exit {r.returncode} in {elapsed:.1f}s, max RSS {rss_list} KiB: {msg}")
        check(r.returncode == 1 and "exceeds 67108864 bytes" in r.stderr,
              f"a 300 MiB listing page: exit {r.returncode}, expected 1 with a clear error: {r.stderr[-2000:]}")
        check_memory(rss_list < 200 << 10, f"listing: max RSS {rss_list} KiB")
        print(json.dumps({"rss_kib": rss_kib, "near_bytes_read": int(n["bytes_read"]), "near_server_sent": sent_near,
                          "far_server_sent": sent_far, "listing_rss_kib": rss_list}))


def test_slow(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    ok = tiff_file(64, 64)
    stall = 24
    with Hostile({"ok.tif": ok}) as srv:
        kf = write_keys(os.path.join(tmp, "keys.txt"), [srv.url + "range/ok.tif", srv.url + "trickle/slow.tif"])
        cfg = write_config(os.path.join(tmp, "c.yaml"), srv.url, {}, n_consumers=2)
        out = os.path.join(tmp, "out")
        r, elapsed = headers(binary, [cfg, "--keys", kf, "--stall-timeout", str(stall)], out, env, timeout=200)
        print(f"slow: exit {r.returncode} after {elapsed:.1f}s (stall timeout {stall}s): "
              f"{r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ''}")
        check(r.returncode == 3, f"exit {r.returncode}, expected 3 (one error row, before the watchdog): "
                                 f"{r.stderr[-2000:]}")
        got = rows(out)
        s, o = got.get(srv.url + "trickle/slow.tif"), got.get(srv.url + "range/ok.tif")
        print(f"slow: rows {s} / {o}")
        check(o and o["error_kind"] is None, f"ok.tif: {o}")
        check(s and s["error_kind"] == "io" and "timed out" in (s["error"] or "").lower(), f"slow.tif: {s}")
        check(elapsed < stall, f"took {elapsed:.1f}s, not less than the stall timeout {stall}s")

        # A listing that trickles: the `timeout` option ends it with a clear error.
        srv.listing = "trickle"
        cfg = write_config(os.path.join(tmp, "s3.yaml"), "s3://bkt",
                           {"endpoint": srv.url.rstrip("/"), "allow_http": "true", "skip_signature": "true",
                            "region": "us-east-1", "timeout": "1s"})
        out = os.path.join(tmp, "out-list")
        r, elapsed = headers(binary, [cfg, "--stall-timeout", "60"], out, env, timeout=200)
        print(f"slow/listing: exit {r.returncode} after {elapsed:.1f}s")
        check(r.returncode == 1 and "timed out" in r.stderr.lower() and elapsed < 30,
              f"trickling listing: exit {r.returncode} after {elapsed:.1f}s: {r.stderr[-2000:]}")


class ConnectionCounter:
    """A listening socket that counts connections (answers an FTP 421 and closes)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.count = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            self.count += 1
            try:
                c.sendall(b"421 not a real server\r\n")
            finally:
                c.close()

    def close(self):
        self.sock.close()


def test_redirects(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    pki = make_test_pki(os.path.join(tmp, "pki"))
    ok = tiff_file(64, 64)
    ftp = ConnectionCounter()
    try:
        with Hostile({"ok.tif": ok}) as a, Hostile({"ok.tif": ok}) as b, Hostile({"ok.tif": ok}, tls=pki) as s:
            a.redirects = {"ftp.tif": f"ftp://127.0.0.1:{ftp.port}/x.tif",
                           "cross.tif": f"http://127.0.0.1:{b.port}/range/ok.tif"}
            s.redirects = {"down.tif": f"http://127.0.0.1:{b.port}/range/down.tif",
                           "up.tif": f"https://127.0.0.1:{s.port}/range/ok.tif"}
            b.files["down.tif"] = ok
            # Plain store with credentials in its URL (Basic auth to a's host and port only).
            base = f"http://user:s3cret@127.0.0.1:{a.port}/"
            kf = write_keys(os.path.join(tmp, "keys-a.txt"), ["redirect/ftp.tif", "redirect/cross.tif", "range/ok.tif"])
            cfg = write_config(os.path.join(tmp, "a.yaml"), base, {"timeout": "10s"}, n_consumers=2)
            out = os.path.join(tmp, "out-a")
            r, elapsed = headers(binary, [cfg, "--keys", kf], out, env, timeout=120)
            got = {k.rsplit("/", 2)[-2] + "/" + k.rsplit("/", 1)[-1]: v for k, v in rows(out).items()} \
                if r.returncode in (0, 3) else {}
            print(f"redirects/http: exit {r.returncode}; ftp connections {ftp.count}; rows {got}; "
                  f"Authorization at a: {a.auth.get('/redirect/cross.tif')}, at b: {b.auth.get('/range/ok.tif')}")
            check(ftp.count == 0, f"{ftp.count} connection(s) reached the ftp:// redirect target")
            fr = got.get("redirect/ftp.tif")
            check(fr and fr["error_kind"] == "io" and "only to http" in (fr["error"] or ""), f"ftp redirect row: {fr}")
            check("s3cret" not in (fr["error"] or ""), "the password shows in an error")
            cr = got.get("redirect/cross.tif")
            check(cr and cr["error_kind"] is None and int(cr["image_width"]) == 64, f"cross-port redirect row: {cr}")
            check(any(v and v.startswith("Basic ") for v in a.auth.get("/redirect/cross.tif", [])),
                  f"the first server got no credentials: {a.auth}")
            check(b.auth.get("/range/ok.tif") and not any(b.auth["/range/ok.tif"]),
                  f"credentials followed the redirect to another port: {b.auth}")
            check(r.returncode == 3, f"exit {r.returncode}, expected 3: {r.stderr[-2000:]}")

            # A signed store (S3) follows no redirect: the object is an error row, and
            # the other host sees no request at all (so no credentials).
            a.redirects["s3.tif"] = f"http://127.0.0.1:{b.port}/range/s3.tif"
            cfg = write_config(os.path.join(tmp, "s3.yaml"), "s3://bkt",
                               {"endpoint": a.url.rstrip("/"), "allow_http": "true", "region": "us-east-1",
                                "access_key_id": "AKIDEXAMPLE", "secret_access_key": "s3cretkey", "timeout": "10s"})
            kf = write_keys(os.path.join(tmp, "keys-s3.txt"), ["redirect/s3.tif"])
            out = os.path.join(tmp, "out-s3")
            r, _ = headers(binary, [cfg, "--keys", kf], out, env, timeout=120)
            got = list(rows(out).values()) if r.returncode in (0, 3) else []
            print(f"redirects/s3: exit {r.returncode}; hits at the other host {b.hits.get('/range/s3.tif', 0)}; "
                  f"Authorization at a: {[v[:16] + '...' for v in a.auth.get('/bkt/redirect/s3.tif', []) if v]}; "
                  f"rows {got}")
            check(any(v and v.startswith("AWS4-HMAC-SHA256") for v in a.auth.get("/bkt/redirect/s3.tif", [])),
                  f"the S3 request was not signed: {a.auth}")
            check(b.hits.get("/range/s3.tif", 0) == 0, "the S3 store followed a redirect to another host")
            check(len(got) == 1 and got[0]["error_kind"] is not None and "s3cretkey" not in (got[0]["error"] or ""),
                  f"S3 redirect row: {got}")

            # HTTPS store: never down to http; https to https is followed.
            kf = write_keys(os.path.join(tmp, "keys-s.txt"), ["redirect/down.tif", "redirect/up.tif"])
            cfg = write_config(os.path.join(tmp, "s.yaml"), s.url, {"timeout": "10s", "ca_bundle": pki["ca"]},
                               n_consumers=2)
            out = os.path.join(tmp, "out-s")
            r, _ = headers(binary, [cfg, "--keys", kf], out, env, timeout=120)
            got = {k.rsplit("/", 1)[-1]: v for k, v in rows(out).items()} if r.returncode in (0, 3) else {}
            print(f"redirects/https: exit {r.returncode}; hits at the http target {b.hits.get('/range/down.tif', 0)}; "
                  f"rows {got}")
            check(b.hits.get("/range/down.tif", 0) == 0, "an https store followed a redirect down to http")
            dn = got.get("down.tif")
            check(dn and dn["error_kind"] == "io" and "only to https" in (dn["error"] or ""), f"down row: {dn}")
            up = got.get("up.tif")
            check(up and up["error_kind"] is None and int(up["image_width"]) == 64, f"https->https row: {up}")
            check(r.returncode == 3, f"exit {r.returncode}, expected 3: {r.stderr[-2000:]}")
    finally:
        ftp.close()


TESTS = {"bodies": test_bodies, "slow": test_slow, "redirects": test_redirects}

if __name__ == "__main__":
    sys.exit(main_for(TESTS, sys.argv))
