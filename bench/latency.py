#!/usr/bin/python3
"""Latency regime: headers/s when every request waits, against the bound.

    /usr/bin/python3 bench/latency.py [--binary PATH] [--tree-n 100000]
        [--delays-ms 20,100] [--consumers 256,1000] [--seconds 10]

Serves the bench corpus (bench.py's tree of hard links) with nginx (one worker)
and the Lua module (Debian's libnginx-mod-http-lua), one server block per delay:
`access_by_lua_block { ngx.sleep(D) }` holds every request D seconds before
it is answered (timers: nginx's CPU does not grow with D). For each n_consumers
(`--concurrency`), tiff-dumper first reads the corpus with no delay (the
zero-delay rate of the same run), then with each delay. The bound of a cell is
min(n_consumers / delay, zero-delay rate); the target is >= 0.8 x the bound.
Each cell reads enough objects to last about --seconds at its bound (at most
the tree's size). While a run lasts, the established client connections to
nginx are sampled every 0.2 s (`ss`): their peak shows how many requests the
engine kept in flight. Prints one table, saved to bench/results/latency.md.
"""
import argparse
import math
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench  # noqa: E402

LUA_MODULES = ["/usr/lib/nginx/modules/ndk_http_module.so", "/usr/lib/nginx/modules/ngx_http_lua_module.so"]


def log(msg):
    print(f"latency: {msg}", file=sys.stderr, flush=True)


class ConnSampler:
    """Peak and mean count of established TCP connections to a port (client side)."""

    def __init__(self, port):
        self.port, self.samples, self._stop = port, [], threading.Event()
        self._t = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            r = subprocess.run(["ss", "-Htn", "state", "established", f"( dport = :{self.port} )"],
                               capture_output=True, text=True)
            self.samples.append(len([x for x in r.stdout.splitlines() if x.strip()]))
            self._stop.wait(0.2)

    def __enter__(self):
        self._t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._t.join()

    def peak(self):
        return max(self.samples, default=0)

    def median(self):
        s = sorted(self.samples)
        return s[len(s) // 2] if s else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(REPO, "build-bench", "src", "cli", "tiff-dumper"))
    ap.add_argument("--tree-n", type=int, default=100000, help="objects in the corpus tree (bench.py's; default 100000)")
    ap.add_argument("--delays-ms", default="20,100")
    ap.add_argument("--consumers", default="256,1000")
    ap.add_argument("--seconds", type=float, default=10.0, help="each delayed cell: objects for this long at its bound")
    ap.add_argument("--zero-n", type=int, default=50000, help="objects for each zero-delay run")
    ap.add_argument("--out", default=os.path.join(HERE, "results", "latency.md"))
    args = ap.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    for m in LUA_MODULES:
        if not os.path.exists(m):
            sys.exit(f"latency: {m} missing (apt-get install libnginx-mod-http-lua; scripts/install-deps)")
    for tool in ("nginx", "ss"):
        if shutil.which(tool) is None:
            sys.exit(f"latency: {tool} is not installed")
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"latency: no tiff-dumper at {args.binary} (bench/run builds it)")
    delays = [int(x) for x in args.delays_ms.split(",") if x]
    consumers = [int(x) for x in args.consumers.split(",") if x]

    os.makedirs(bench.CACHE, exist_ok=True)
    stems = bench.sources()
    n = args.tree_n
    root = bench.build_tree(n, stems)
    keys = [bench.key_of(i, n, stems) for i in range(n)]
    work = tempfile.mkdtemp(prefix="td-latency-")
    sites = ["d0"] + [f"d{d}" for d in delays]
    extra = {f"d{d}": f"access_by_lua_block {{ ngx.sleep({d / 1000.0:.3f}) }}" for d in delays}
    ng = bench.Nginx(os.path.join(work, "nginx"), root, sites, extra=extra, modules=LUA_MODULES)
    cells = []
    try:
        ng.start()
        workers = ng.worker_pids()

        def td_run(site, objects, c):
            keyfile = bench.write_lines(os.path.join(work, f"keys-{site}-{objects}.txt"),
                                        [f"{ng.url(site)}/{bench.BUCKET}/{keys[i]}" for i in range(objects)])
            out = os.path.join(work, f"out-{len(os.listdir(work))}")
            os.makedirs(out)
            ng.flush_logs()
            open(ng.log(site), "w").close()  # this run's lines only
            cmd = [args.binary, "headers", "--keys", keyfile, "--quiet", "--concurrency", str(c), out]
            with ConnSampler(ng.ports[site]) as cs:
                r = bench.run_measured(cmd, servers=workers)
            s = bench.td_summary(r)
            if s["ok"] != objects:
                raise RuntimeError(f"{s['ok']} ok of {objects}: {r['stderr'][-1500:]}")
            shutil.rmtree(out)
            os.unlink(keyfile)
            st = ng.stats(site)
            return {"objects": objects, "wall": r["wall"], "rate": objects / r["wall"], "cpu": r["cpu"],
                    "rss": r["rss_mib"], "server_cpu": r["server_cpu"], "requests": st["requests"],
                    "statuses": st["statuses"], "conn_peak": cs.peak(), "conn_median": cs.median()}

        for c in consumers:
            n0 = min(n, args.zero_n)
            log(f"n_consumers {c}: zero delay, {n0:,} objects")
            z = td_run("d0", n0, c)
            log(f"  {z['rate']:,.0f} headers/s, peak {z['conn_peak']} connections")
            cells.append({"c": c, "delay": 0, "bound": None, **z})
            for d in delays:
                bound = min(c / (d / 1000.0), z["rate"])
                objects = min(n, max(2000, int(math.ceil(bound * args.seconds))))
                log(f"n_consumers {c}, delay {d} ms: bound {bound:,.0f}/s, {objects:,} objects")
                x = td_run(f"d{d}", objects, c)
                log(f"  {x['rate']:,.0f} headers/s ({x['rate'] / bound:.2f} x bound), {x['wall']:.1f} s, "
                    f"peak {x['conn_peak']} connections")
                cells.append({"c": c, "delay": d, "bound": bound, **x})
    finally:
        ng.stop()
        shutil.rmtree(work, ignore_errors=True)

    text = render(args, n, stems, cells)
    print(text)
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    log(f"saved to {args.out}")


def render(args, n, stems, cells):
    load = open("/proc/loadavg").read().split()[:3]
    lines = [f"# Latency regime — nginx + Lua `ngx.sleep` per request\n",
             f"`bench/latency.py` on {os.cpu_count()} cores (load average at the end {' '.join(load)}), "
             f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}: tiff-dumper over HTTP (`--keys` of URLs, listing "
             f"order) against nginx (one worker, 127.0.0.1) holding every request for the delay "
             f"(`access_by_lua_block {{ ngx.sleep(D) }}`); {len(stems)} distinct GDAL-made TIFFs hard-linked to "
             f"{n:,} names. Bound = min(n_consumers / delay, zero-delay rate at the same n_consumers, same run). "
             "Connections: established client connections to nginx, sampled every 0.2 s (peak / median).\n",
             "| n_consumers | delay | objects | seconds | headers/s | bound | × bound | requests/object | "
             "client CPU µs/object | peak RSS MiB | connections peak / median |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    targets = []
    for x in cells:
        b = x["bound"]
        ratio = x["rate"] / b if b else None
        lines.append(f"| {x['c']:,} | {x['delay']} ms | {x['objects']:,} | {x['wall']:.1f} | {x['rate']:,.0f} | "
                     f"{f'{b:,.0f}' if b else '—'} | {f'{ratio:.2f}' if ratio else '—'} | "
                     f"{x['requests'] / x['objects']:.3f} | {x['cpu'] / x['objects'] * 1e6:.0f} | {x['rss']:.0f} | "
                     f"{x['conn_peak']} / {x['conn_median']} |")
        if b:
            targets.append((f"{x['c']:,} consumers, {x['delay']} ms: headers/s ≥ 0.8 × bound",
                            f"{x['rate']:,.0f} / {b:,.0f} = {ratio:.2f}", ratio >= 0.8))
    lines.append("")
    lines.append("| target | figure | |\n|---|---|---|")
    for name, fig, ok in targets:
        lines.append(f"| {name} | {fig} | {'met' if ok else 'MISSED'} |")
    lines.append("")
    lines.append("Command: `" + " ".join(["bench/latency.py"] + sys.argv[1:]) + "`\n")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
