#!/usr/bin/python3
"""An HTTP/1.1 server that misbehaves on purpose, to test client retries.

The first path segment picks the behaviour; hits are counted per full path,
so each test uses its own path (e.g. /503x2/test-7):

  /ok/...       200 with the body "payload:<path>"
  /503x2/...    503 with Retry-After: 1 on the first two hits, then 200
  /429x1/...    429 (no Retry-After) on the first hit, then 200
  /reset1/...   the first hit: the connection is reset (RST) with no answer; then 200
  /stall1/...   the first hit: headers and 2 of 10 body bytes, then silence
                for STALL_SECONDS (past a client's low-speed timeout); then 200
  /500/...      always 500
  /_hits/PATH   the number of hits PATH has had, as text (not counted itself)

Use in-process (FaultServer(...).start() / .stop()) or run it: it prints
"PORT <n>" and serves until killed.
"""
import socket
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

STALL_SECONDS = 10


class _Reset(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, so resets hit reused connections too

    def log_message(self, fmt, *args):  # quiet
        pass

    def _send(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _reset(self):
        # SO_LINGER 0 makes close() send RST instead of FIN.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        raise _Reset()

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except _Reset:
            self.close_connection = True
            try:
                self.connection.close()
            except OSError:
                pass
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        server = self.server
        if path.startswith("/_hits/"):
            target = path[len("/_hits"):]
            with server.lock:
                n = server.hits.get(target, 0)
            return self._send(200, str(n).encode())
        with server.lock:
            n = server.hits.get(path, 0) + 1
            server.hits[path] = n
        kind = path.strip("/").split("/", 1)[0]
        ok = ("payload:" + path).encode()
        if kind == "503x2" and n <= 2:
            return self._send(503, b"busy", [("Retry-After", "1")])
        if kind == "429x1" and n <= 1:
            return self._send(429, b"slow down")
        if kind == "reset1" and n <= 1:
            return self._reset()
        if kind == "stall1" and n <= 1:
            self.send_response(200)
            self.send_header("Content-Length", "10")
            self.end_headers()
            self.wfile.write(b"pa")
            self.wfile.flush()
            time.sleep(STALL_SECONDS)
            self.close_connection = True
            return
        if kind == "500":
            return self._send(500, b"broken")
        if kind in ("ok", "503x2", "429x1", "reset1", "stall1"):
            return self._send(200, ok)
        return self._send(404, b"no such scenario")


class _Server(ThreadingHTTPServer):
    # The default backlog (5) makes bursts of connections wait for a SYN-ACK
    # retransmission (1 s), which a client's low-speed timeout would blame on us.
    request_queue_size = 256


class FaultServer:
    def __init__(self, port=0):
        self.httpd = _Server(("127.0.0.1", port), _Handler)
        self.httpd.daemon_threads = True
        self.httpd.hits = {}
        self.httpd.lock = threading.Lock()
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/"
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def hits(self, path):
        with self.httpd.lock:
            return self.httpd.hits.get(path, 0)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


if __name__ == "__main__":
    s = FaultServer(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
    print("PORT", s.port, flush=True)
    s.httpd.serve_forever()
