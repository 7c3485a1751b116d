#!/usr/bin/python3
"""A fault-injecting HTTP/1.1 proxy for tests: it sits between tiff-dumper and a
real server (nginx, s3rver behind tests/stores/s3/s3_server.mjs, Azurite) and,
at configured rates, misbehaves the way object stores do under load.

    with FaultProxy(("127.0.0.1", nginx_port), rates=MIX_10, seed=7) as p:
        ... point the store at p.url (e.g. obstore_config.endpoint) ...
    print(p.summary())          # {"requests": ..., "faults": {"503": n, ...}, ...}

Faults (a per-request choice; `rates` maps a kind to its probability):
  503            answers 503 with Retry-After (not forwarded)
  429            answers 429 with Retry-After (not forwarded)
  reset          resets the connection (RST) before any answer
  reset_mid      forwards, sends the headers and half the body, then RST
  truncate       forwards, sends the headers (Content-Length intact) and half the
                 body, then closes cleanly: the body ends before Content-Length
  truncate_unframed  like truncate, but drops Content-Length / chunked framing
                 (says Connection: close instead): only Content-Range, or the
                 document's own end, tells the body is short
  stall          forwards, sends the headers and half the body, then stays silent
                 for stall_seconds (set it past the client's timeout), then closes
and, independently, `latency` = (probability, max seconds): an added delay
before forwarding (not a failure; counted as "latency").

`pattern_rates` = [(regex, rates), ...] gives requests whose target matches
other rates (e.g. more faults on listing pages).

Rules make permanent failures for chosen objects: Rule(pattern, action) applies
`action` to every request whose target matches the regex `pattern`
(re.search), before any random fault: "404" (S3-style NoSuchKey body),
"403", "500", "503", "stall" (as above, every time), "hang" (read the request,
never answer) or "reset". A proxy without an upstream serves rules only
(unmatched requests get 502).

Reproducible: a request's fate depends only on the seed, its method, target
and Range, and how many times that same request was seen before, never on the
interleaving of concurrent requests. Transient: after `max_consecutive` faults
in a row for one request, its next attempt is always forwarded unharmed (a
client retrying a few times always gets through).

Headers, Range and the Host header are forwarded unchanged (SigV4 signs Host:
the client signs the proxy's host:port, which s3_server.mjs checks as it
arrives). Plain HTTP only (no TLS termination).

Bounded: 127.0.0.1 only (the upstream must be loopback too), at most
`max_connections` client connections served at once, request heads <= 64 KiB,
bodies buffered up to `max_buffer` bytes (larger responses stream through
unharmed), and it stops by itself after `max_lifetime` seconds. In-process it
runs on a daemon thread (it dies with the test); as a program it also exits
when its parent dies or stdin closes.

Counts of requests, forwarded requests and each injected fault are kept in
counts() / summary(), written as JSON to `counts_path` on stop, and printed
by the program on exit.

As a program:
  fault_proxy.py --upstream 127.0.0.1:8080 [--rate 503=0.03 --rate reset=0.02 ...]
                 [--mix10] [--seed N] [--rule 'REGEX=404'] [--stall-seconds S]
                 [--latency P:MAXS] [--retry-after V] [--counts FILE] [--max-lifetime S]
prints "PORT <n>" once listening.
"""
import argparse
import asyncio
import collections
import ctypes
import ipaddress
import json
import os
import random
import re
import signal
import socket
import stat
import struct
import sys
import threading
import time

KINDS = ("503", "429", "reset", "reset_mid", "truncate", "truncate_unframed", "stall")
RULE_ACTIONS = ("404", "403", "500", "503", "stall", "hang", "reset")

# About 10 % transient faults, every kind represented.
MIX_10 = {"503": 0.025, "429": 0.02, "reset": 0.02, "reset_mid": 0.01, "truncate": 0.01, "truncate_unframed": 0.005,
          "stall": 0.01}

MAX_HEAD = 64 * 1024
REASONS = {200: "OK", 206: "Partial Content", 403: "Forbidden", 404: "Not Found", 429: "Too Many Requests",
           500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable"}
ERROR_CODES = {403: "AccessDenied", 404: "NoSuchKey", 429: "TooManyRequests", 500: "InternalError",
               502: "BadGateway", 503: "SlowDown"}


class Rule:
    """A permanent failure: `action` for every request whose target matches `pattern`."""

    def __init__(self, pattern, action, methods=("GET", "HEAD")):
        if action not in RULE_ACTIONS:
            raise ValueError(f"unknown rule action {action!r} (one of {RULE_ACTIONS})")
        self.pattern, self.regex, self.action = pattern, re.compile(pattern), action
        self.methods = tuple(m.upper() for m in methods) if methods else None

    def matches(self, method, target):
        return (self.methods is None or method in self.methods) and self.regex.search(target) is not None

    @property
    def name(self):
        return f"rule:{self.action}:{self.pattern}"


class _Head:
    """A parsed request or response head; `lines` keeps the original header lines."""

    def __init__(self, raw):
        text = raw.decode("latin-1")
        lines = text.split("\r\n")
        self.start = lines[0]
        self.headers = []
        for line in lines[1:]:
            if not line:
                continue
            name, _, value = line.partition(":")
            self.headers.append((name, value.strip()))

    def get(self, name):
        name = name.lower()
        for k, v in self.headers:
            if k.lower() == name:
                return v
        return None

    def has_token(self, name, token):
        v = self.get(name)
        return v is not None and token in [t.strip().lower() for t in v.split(",")]

    def encode(self, drop=(), add=()):
        drop = {d.lower() for d in drop}
        lines = [self.start] + [f"{k}: {v}" for k, v in self.headers if k.lower() not in drop]
        lines += [f"{k}: {v}" for k, v in add]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


class _Closed(Exception):
    """The client connection is finished (closed, reset or failed)."""


def _dechunk(raw):
    """The payload of a complete chunked body."""
    out, i = bytearray(), 0
    while True:
        eol = raw.index(b"\r\n", i)
        size = int(raw[i:eol].split(b";")[0].strip(), 16)
        if size == 0:
            return bytes(out)
        out += raw[eol + 2:eol + 2 + size]
        i = eol + 2 + size + 2


def _is_loopback(host):
    try:
        return ipaddress.ip_address(socket.gethostbyname(host)).is_loopback
    except OSError:
        return False


class FaultProxy:
    def __init__(self, upstream=None, *, rates=None, seed=0, rules=(), pattern_rates=(), retry_after="1",
                 stall_seconds=10.0,
                 latency=(0.0, 0.0), max_consecutive=3, max_lifetime=900.0, max_connections=512,
                 max_buffer=64 << 20, counts_path=None, port=0):
        if upstream is not None:
            host, uport = upstream
            if not _is_loopback(host):
                raise ValueError(f"upstream {host} is not a loopback address (tests stay on 127.0.0.1)")
            self.upstream = (host, int(uport))
        else:
            self.upstream = None
        self.rates = {}
        self.set_rates(rates or {})
        self.seed = seed
        self.rules = list(rules)
        # (regex, rates): requests whose target matches use these rates instead (first match).
        self.pattern_rates = [(re.compile(p), dict(r)) for p, r in pattern_rates]
        self.retry_after = retry_after
        self.stall_seconds = float(stall_seconds)
        self.latency = (float(latency[0]), float(latency[1]))
        self.max_consecutive = max_consecutive
        self.max_lifetime = float(max_lifetime)
        self.max_connections = max_connections
        self.max_buffer = max_buffer
        self.counts_path = counts_path
        self.enabled = True  # False: forward everything (rules still apply)
        self._port_wanted = port
        self.port = None
        self.url = None
        self._lock = threading.Lock()
        self._seen = collections.Counter()    # request identity -> times seen
        self._streak = collections.Counter()  # request identity -> consecutive faults
        self._counts = collections.Counter()
        self.events = collections.deque(maxlen=100000)  # (kind or rule name, method, target), most recent
        self._loop = None
        self._thread = None
        self._stop_event = None
        self._ready = threading.Event()
        self._stopped = threading.Event()
        self._error = None
        self._started_at = None

    # --- control (any thread) ----------------------------------------------------------
    def set_rates(self, rates):
        for k, v in rates.items():
            if k not in KINDS:
                raise ValueError(f"unknown fault kind {k!r} (one of {KINDS})")
            if not 0 <= v <= 1:
                raise ValueError(f"rate for {k} must be in [0, 1]")
        if sum(rates.values()) > 1:
            raise ValueError("fault rates add up to more than 1")
        self.rates = dict(rates)

    def start(self):
        self._thread = threading.Thread(target=self._run_thread, name="fault-proxy", daemon=True)
        self._thread.start()
        self._ready.wait(30)
        if self._error:
            raise self._error
        if self.port is None:
            raise RuntimeError("fault proxy did not start")
        return self

    def stop(self):
        if self._loop is not None and not self._stopped.is_set():
            self._loop.call_soon_threadsafe(self._stop_event.set)
            self._stopped.wait(30)
        self.write_counts()

    def counts(self):
        with self._lock:
            return dict(self._counts)

    def summary(self):
        c = self.counts()
        faults = {k: c.get(k, 0) for k in KINDS if c.get(k, 0)}
        rules = {k: v for k, v in c.items() if k.startswith("rule:")}
        return {"requests": c.get("requests", 0), "forwarded": c.get("forwarded", 0),
                "faults_injected": sum(faults.values()), "faults": faults, "rules": rules,
                "latency_added": c.get("latency", 0), "spared_after_streak": c.get("spared", 0),
                "upstream_errors": c.get("upstream_errors", 0), "seed": self.seed,
                "rates": self.rates}

    def write_counts(self):
        if not self.counts_path:
            return
        tmp = self.counts_path + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.summary(), f, indent=1, sort_keys=True)
        os.replace(tmp, self.counts_path)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # --- the event loop ------------------------------------------------------------------
    def _count(self, key, n=1):
        with self._lock:
            self._counts[key] += n

    def _run_thread(self):
        try:
            asyncio.run(self._main())
        except BaseException as e:  # noqa: BLE001 - reported to start()
            self._error = e
            self._ready.set()
        finally:
            self._stopped.set()

    async def _main(self):
        self._loop = asyncio.get_running_loop()
        self._stop_event = asyncio.Event()
        self._sem = asyncio.Semaphore(self.max_connections)
        self._tasks = set()
        server = await asyncio.start_server(self._client, "127.0.0.1", self._port_wanted, limit=MAX_HEAD,
                                            backlog=1024)
        self.port = server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._started_at = time.monotonic()
        self._ready.set()
        try:
            await asyncio.wait_for(self._stop_event.wait(), timeout=self.max_lifetime)
        except asyncio.TimeoutError:
            print(f"fault_proxy: max lifetime {self.max_lifetime:.0f}s reached; stopping", file=sys.stderr)
        server.close()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await server.wait_closed()

    async def _client(self, creader, cwriter):
        task = asyncio.current_task()
        self._tasks.add(task)
        up = [None, None]  # upstream reader, writer (kept alive across requests)
        try:
            async with self._sem:
                while True:
                    if not await self._one_request(creader, cwriter, up):
                        break
        except (_Closed, ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass
        except asyncio.CancelledError:
            pass
        finally:
            self._tasks.discard(task)
            for w in (up[1], cwriter):
                if w is not None:
                    try:
                        w.close()
                    except Exception:  # noqa: BLE001
                        pass

    # --- one request -----------------------------------------------------------------------
    async def _one_request(self, creader, cwriter, up):
        """Serves one request; False when the client connection is done."""
        try:
            raw = await creader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as e:
            if e.partial.strip():
                raise _Closed() from e
            return False  # clean close between requests
        head = _Head(raw)
        parts = head.start.split(" ")
        if len(parts) != 3:
            await self._reply(cwriter, 400, "BadRequest", close=True)
            return False
        method, target, _ = parts
        body = b""
        if head.get("transfer-encoding"):
            await self._reply(cwriter, 501, "NotImplemented", close=True)
            return False
        n = int(head.get("content-length") or 0)
        if n > self.max_buffer:
            await self._reply(cwriter, 413, "EntityTooLarge", close=True)
            return False
        if n:
            body = await creader.readexactly(n)
        client_close = head.has_token("connection", "close")
        self._count("requests")

        action, rule, delay = self._decide(method, target, head.get("range") or "")
        if rule is not None:
            self._count(rule.name)
            self.events.append((rule.name, method, target))
        elif action is not None:
            self._count(action)
            self.events.append((action, method, target))
        if delay:
            self._count("latency")
            await asyncio.sleep(delay)

        if action in ("404", "403", "500", "503", "429"):
            await self._reply(cwriter, int(action), ERROR_CODES.get(int(action), "Error"),
                              headers=[("Retry-After", self.retry_after)] if action in ("503", "429") else [],
                              head_only=method == "HEAD")
            return not client_close
        if action == "reset":
            self._rst(cwriter)
            return False
        if action == "hang":
            await self._hang(creader)
            return False
        if self.upstream is None:
            await self._reply(cwriter, 502, "BadGateway", close=True)
            return False

        # Forward, then deliver the answer whole or harmed.
        try:
            rhead_raw, rbody, up_close, streamed = await self._forward(up, raw, body, method, cwriter,
                                                                       harm=action is not None)
        except (OSError, asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
            self._count("upstream_errors")
            self._close_upstream(up)
            await self._reply(cwriter, 502, "BadGateway", close=True)
            return False
        self._count("forwarded")
        if up_close:
            self._close_upstream(up)
        if streamed:  # too big to hold: passed through unharmed
            if action is not None:
                self._count(action, -1)
                self._count("spared_large")
            return not (client_close or up_close)
        rhead = _Head(rhead_raw)
        if action is not None and (method == "HEAD" or not rbody):
            # Nothing to cut: a mid-body fault degrades to a reset before the answer.
            self._count(action, -1)
            self._count("reset")
            self._rst(cwriter)
            return False
        cut = len(rbody) // 2
        if action == "reset_mid":
            cwriter.write(rhead_raw + rbody[:cut])
            await cwriter.drain()
            self._rst(cwriter)
            return False
        if action == "truncate":
            cwriter.write(rhead_raw + rbody[:cut])
            await cwriter.drain()
            cwriter.close()
            return False
        if action == "truncate_unframed":
            payload = _dechunk(rbody) if rhead.has_token("transfer-encoding", "chunked") else rbody
            cwriter.write(rhead.encode(drop=("content-length", "transfer-encoding", "connection", "keep-alive"),
                                       add=[("Connection", "close")]) + payload[:len(payload) // 2])
            await cwriter.drain()
            cwriter.close()
            return False
        if action == "stall":
            cwriter.write(rhead_raw + rbody[:cut])
            await cwriter.drain()
            await self._stall(creader)
            self._rst(cwriter)
            return False
        cwriter.write(rhead_raw + rbody)
        await cwriter.drain()
        return not (client_close or up_close or rhead.has_token("connection", "close"))

    def _decide(self, method, target, range_):
        """(action or None, matching rule or None, added delay in seconds)."""
        ident = f"{method} {target} {range_}"
        with self._lock:
            n = self._seen[ident]
            self._seen[ident] = n + 1
        for rule in self.rules:
            if rule.matches(method, target):
                return rule.action, rule, 0.0
        if not self.enabled:
            return None, None, 0.0
        rates = next((r for regex, r in self.pattern_rates if regex.search(target)), self.rates)
        rng = random.Random(f"{self.seed}|{ident}|{n}")
        r = rng.random()
        kind = None
        acc = 0.0
        for k in KINDS:
            acc += rates.get(k, 0.0)
            if r < acc:
                kind = k
                break
        delay = 0.0
        if self.latency[0] > 0 and rng.random() < self.latency[0]:
            delay = rng.uniform(0, self.latency[1])
        with self._lock:
            if kind is not None and self._streak[ident] >= self.max_consecutive:
                self._counts["spared"] += 1
                kind = None
            if kind is None:
                self._streak.pop(ident, None)
            else:
                self._streak[ident] += 1
        return kind, None, delay

    async def _forward(self, up, raw_head, body, method, cwriter, harm):
        """Sends the request upstream; returns (response head bytes, body bytes, upstream
        closes, streamed). A body over max_buffer is streamed to the client unharmed
        (streamed=True)."""
        for attempt in (0, 1):
            fresh = up[0] is None
            if fresh:
                up[0], up[1] = await asyncio.open_connection(*self.upstream, limit=MAX_HEAD)
            try:
                up[1].write(raw_head + body)
                await up[1].drain()
                rraw = await up[0].readuntil(b"\r\n\r\n")
                break
            except (asyncio.IncompleteReadError, ConnectionError):
                # A kept-alive upstream connection closed under us: one fresh try.
                self._close_upstream(up)
                if fresh or attempt:
                    raise
        rhead = _Head(rraw)
        status = int(rhead.start.split(" ")[1])
        up_close = rhead.has_token("connection", "close")
        if method == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return rraw, b"", up_close, False
        if rhead.has_token("transfer-encoding", "chunked"):
            return rraw, await self._read_chunked(up[0]), up_close, False
        cl = rhead.get("content-length")
        if cl is None:  # delimited by close
            data = await up[0].read(self.max_buffer + 1)
            chunks = [data]
            while data:
                data = await up[0].read(1 << 20)
                chunks.append(data)
            return rraw, b"".join(chunks), True, False
        n = int(cl)
        if n <= self.max_buffer:
            return rraw, await up[0].readexactly(n), up_close, False
        cwriter.write(rraw)
        left = n
        while left:
            chunk = await up[0].read(min(left, 1 << 20))
            if not chunk:
                raise ConnectionError("upstream closed mid-body")
            cwriter.write(chunk)
            await cwriter.drain()
            left -= len(chunk)
        return rraw, None, up_close, True

    async def _read_chunked(self, reader):
        out = bytearray()
        while True:
            line = await reader.readuntil(b"\r\n")
            out += line
            size = int(line.split(b";")[0].strip(), 16)
            if size == 0:
                while True:  # trailers, then the empty line
                    t = await reader.readuntil(b"\r\n")
                    out += t
                    if t == b"\r\n":
                        return bytes(out)
            out += await reader.readexactly(size + 2)
            if len(out) > self.max_buffer:
                raise ValueError("chunked body over max_buffer")

    def _close_upstream(self, up):
        if up[1] is not None:
            try:
                up[1].close()
            except Exception:  # noqa: BLE001
                pass
        up[0] = up[1] = None

    async def _reply(self, cwriter, status, code, headers=(), close=False, head_only=False):
        body = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
                f"<Message>injected by fault_proxy</Message><RequestId>0</RequestId></Error>").encode()
        lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Error')}", "Content-Type: application/xml",
                 f"Content-Length: {len(body)}"]
        lines += [f"{k}: {v}" for k, v in headers]
        if close:
            lines.append("Connection: close")
        cwriter.write(("\r\n".join(lines) + "\r\n\r\n").encode() + (b"" if head_only else body))
        await cwriter.drain()

    def _rst(self, cwriter):
        sock = cwriter.get_extra_info("socket")
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
        cwriter.transport.abort()

    async def _stall(self, creader):
        """Silence for stall_seconds, or until the client gives up (closes)."""
        try:
            await asyncio.wait_for(creader.read(1 << 16), timeout=self.stall_seconds)
        except (asyncio.TimeoutError, ConnectionError):
            pass

    async def _hang(self, creader):
        """Never answer: wait until the client closes (or the proxy stops)."""
        try:
            while await creader.read(1 << 16):
                pass
        except ConnectionError:
            pass


# --- as a program ---------------------------------------------------------------------------
def _die_with_parent():
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except OSError:
        pass


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--upstream", help="HOST:PORT of the real server (loopback)")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--rate", action="append", default=[], metavar="KIND=P")
    ap.add_argument("--mix10", action="store_true", help="about 10 %% faults of every transient kind")
    ap.add_argument("--rule", action="append", default=[], metavar="REGEX=ACTION")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--retry-after", default="1")
    ap.add_argument("--stall-seconds", type=float, default=10.0)
    ap.add_argument("--latency", default="0:0", metavar="P:MAXSECONDS")
    ap.add_argument("--max-consecutive", type=int, default=3)
    ap.add_argument("--max-lifetime", type=float, default=900.0)
    ap.add_argument("--counts", help="write the counts here (JSON) on exit")
    a = ap.parse_args(argv)
    rates = dict(MIX_10) if a.mix10 else {}
    for r in a.rate:
        k, _, v = r.partition("=")
        rates[k] = float(v)
    rules = []
    for r in a.rule:
        pattern, _, action = r.rpartition("=")
        rules.append(Rule(pattern, action))
    upstream = None
    if a.upstream:
        host, _, port = a.upstream.rpartition(":")
        upstream = (host, int(port))
    p_lat, _, max_lat = a.latency.partition(":")
    _die_with_parent()
    parent = os.getppid()
    proxy = FaultProxy(upstream, rates=rates, seed=a.seed, rules=rules, retry_after=a.retry_after,
                       stall_seconds=a.stall_seconds, latency=(float(p_lat), float(max_lat or 0)),
                       max_consecutive=a.max_consecutive, max_lifetime=a.max_lifetime, counts_path=a.counts,
                       port=a.port).start()
    print("PORT", proxy.port, flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())

    def watch_stdin():
        try:
            while sys.stdin.read(4096):
                pass
        except (OSError, ValueError):
            pass
        done.set()

    if stat.S_ISFIFO(os.fstat(0).st_mode):  # a pipe from the parent: its end closes with the parent
        threading.Thread(target=watch_stdin, daemon=True).start()
    while not done.wait(1.0):
        if os.getppid() != parent or proxy._stopped.is_set():
            break
    proxy.stop()
    print(json.dumps(proxy.summary(), sort_keys=True), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
