#!/usr/bin/python3
"""Listing benchmark: how fast tiff-dumper lists one big prefix with and without
--list-split, against s3rver behind added per-request latency.

    /usr/bin/python3 bench/listing.py [--keys N] [--latency-ms MS[,MS...]] [--repeat R]

Starts s3rver with its SigV4-verifying proxy (tests/stores/s3/s3_server.mjs) and
tests/servers/fault_proxy.py in front of it adding latency to every request,
uploads N empty objects data/p00/0.dat ... data/p39/N-1.dat (one big prefix
data/, 40 parts), then, at each latency, times `tiff-dumper headers` listing
data/ three ways: --list-split off, --list-split on, and as 4 prefixes.
The keys end in .dat, so the default .tif/.tiff suffix filter skips every one:
no object is read and the runs measure listing alone. Every run must count
exactly N keys as "skipped (suffix)" and read nothing, or the script fails.
Prints a markdown table and saves it to bench/results/listing.md.

Default latencies 0, 30 and 200 ms: s3rver's own time per page is serialised
(one Node thread), so 0 ms shows that floor, and the split can only hide
latency, which takes a latency well above s3rver's page time to see.

Needs tests/js/node_modules (s3rver) and a built build-bench/src/cli/tiff-dumper.
Everything else lives in a temporary directory, removed at the end.
"""
import argparse
import concurrent.futures
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests", "stores", "s3"))
sys.path.insert(0, os.path.join(REPO, "tests", "servers"))
from s3_server_test import BUCKET, JS, Server, clean_env, creds, write_config  # noqa: E402
from fault_proxy import FaultProxy  # noqa: E402

PARTS = 40
PAGE = 1000  # s3rver, like S3, returns at most 1,000 keys a page
SUMMARY = re.compile(r"summary: listed (\d+), ok \d+, errors \d+, skipped \(suffix\) (\d+), requests (\d+)")

# (label, configured prefixes, --list-split)
RUNS = [
    ("one prefix `data/`, `--list-split off`", ["data/"], "off"),
    ("one prefix `data/`, `--list-split on`", ["data/"], "on"),
    ("4 prefixes `data/p0` … `data/p3`, `--list-split off`", [f"data/p{d}" for d in range(4)], "off"),
]


def log(msg):
    print(f"listing: {msg}", file=sys.stderr, flush=True)


def upload(srv, n, workers=16):
    """Empty objects, PUT over several connections at once (s3rver overlaps their file writes)."""
    keys = [f"data/p{i % PARTS:02d}/{i}.dat" for i in range(n)]
    shares = [dict.fromkeys(keys[w::workers]) for w in range(workers)]  # None: an empty body
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(srv.upload, shares))


def run_once(binary, tmp, srv, proxy, n, label, prefixes, split, i):
    cfg = write_config(tmp, f"run{i}", f"s3://{BUCKET}", creds(srv, aws_endpoint=proxy.url), prefixes=prefixes,
                       chunk=PAGE)
    out = tempfile.mkdtemp(dir=tmp, prefix="out-")
    srv.reset_log()
    before = proxy.counts().get("requests", 0)
    t0 = time.perf_counter()
    r = subprocess.run([binary, "headers", cfg, out, "--list-split", split, "--quiet"], capture_output=True,
                       text=True, env=clean_env(tmp), timeout=900)
    seconds = time.perf_counter() - t0
    m = SUMMARY.search(r.stderr)
    if r.returncode != 0 or not m:
        sys.exit(f"listing: {label}: exit {r.returncode}\n{r.stderr}")
    matched, skipped, reads = map(int, m.groups())
    # Listing only, and complete: exactly n keys listed (all skipped by suffix), none read.
    if skipped != n or matched or reads:
        sys.exit(f"listing: {label}: skipped {skipped} (expected {n}), matched {matched}, reads {reads}")
    reqs = srv.requests()
    lists = [q for q in reqs if "list-type=2" in q["query"]]
    through_proxy = proxy.counts().get("requests", 0) - before
    if len(lists) != len(reqs) or through_proxy != len(reqs):
        sys.exit(f"listing: {label}: {len(reqs)} requests logged, {len(lists)} listings, {through_proxy} via the proxy")
    return {"keys": skipped, "lists": len(lists), "delimited": sum("delimiter=" in q["query"] for q in lists),
            "seconds": seconds}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--keys", type=int, default=20000, help="objects to upload (default 20,000)")
    ap.add_argument("--latency-ms", default="0,30,200",
                    help="mean added latency per request, comma-separated for several (default 0,30,200)")
    ap.add_argument("--repeat", type=int, default=2, help="runs per row; the fastest is shown (default 2)")
    ap.add_argument("--binary", default=os.path.join(REPO, "build-bench", "src", "cli", "tiff-dumper"))
    ap.add_argument("--out", default=os.path.join(HERE, "results", "listing.md"))
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(JS, "node_modules", "s3rver")):
        sys.exit("listing: tests/js/node_modules (s3rver) is missing: run `npm ci` in tests/js")
    if not os.access(a.binary, os.X_OK):
        sys.exit(f"listing: {a.binary} is missing: build it as bench/run does")
    latencies = [float(x) for x in a.latency_ms.split(",")]
    tmp = tempfile.mkdtemp(prefix="td-listing-")
    rows = []
    try:
        with Server(tmp) as srv:
            t0 = time.perf_counter()
            upload(srv, a.keys)
            log(f"uploaded {a.keys:,} objects in {time.perf_counter() - t0:.0f}s")
            for ms in latencies:
                # fault_proxy's latency is random: with probability 1, uniform
                # in [0, 2 x ms], so ms on average; no faults. Seeded.
                with FaultProxy(("127.0.0.1", srv.port), latency=(1.0, 2 * ms / 1000), seed=1,
                                max_lifetime=3600) as proxy:
                    for i, (label, prefixes, split) in enumerate(RUNS):
                        runs = [run_once(a.binary, tmp, srv, proxy, a.keys, label, prefixes, split, f"{ms}-{i}-{k}")
                                for k in range(a.repeat)]
                        log(f"{ms:g} ms, {label}: " + ", ".join(f"{x['seconds']:.2f}s" for x in runs))
                        rows.append((ms, label, sorted(runs, key=lambda x: x["seconds"])))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    lines = ["| added latency | run | keys listed | list requests (delimiter) | seconds | keys/s | speed-up vs off |",
             "|---:|---|---:|---:|---:|---:|---:|"]
    for ms, label, (b, *others) in rows:
        base = next(r[2][0]["seconds"] for r in rows if r[0] == ms)  # the first run (split off) at this latency
        other = " (" + ", ".join(f"{x['seconds']:.2f}" for x in others) + ")" if others else ""
        lines.append(f"| {ms:g} ms | {label} | {b['keys']:,} | {b['lists']} ({b['delimited']}) | "
                     f"{b['seconds']:.2f}{other} | {b['keys'] / b['seconds']:,.0f} | {base / b['seconds']:.1f}× |")
    table = "\n".join(lines)
    # The same figures, one line per latency (for the README).
    short = ["| added latency | split off | split on | 4 prefixes, split off |", "|---:|---:|---:|---:|"]
    for ms in latencies:
        s = [r[2][0]["seconds"] for r in rows if r[0] == ms]
        short.append(f"| {ms:g} ms | {s[0]:.2f} s | {s[1]:.2f} s ({s[0] / s[1]:.1f}×) | {s[2]:.2f} s ({s[0] / s[2]:.1f}×) |")
    short = "\n".join(short)
    print(table + "\n\n" + short)
    cmd = " ".join(["/usr/bin/python3", "bench/listing.py"] + sys.argv[1:])
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    text = (f"# tiff-dumper listing benchmark — {a.keys:,} keys\n\n"
            f"`{cmd}` on {os.cpu_count()} cores, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} "
            f"(load average at the end {load}; the machine is shared with other jobs).\n\n"
            f"s3rver 3.7 (behind its SigV4-verifying proxy, tests/stores/s3/s3_server.mjs) behind "
            f"tests/servers/fault_proxy.py, which delays every request by a random time uniform in [0, 2 × L] ms "
            f"(mean L, the added latency; seeded). {a.keys:,} empty objects `data/p00/…` … `data/p39/…`: one prefix "
            f"`data/` of 40 parts. Their keys end in `.dat`, so the default suffix filter skips them all and nothing "
            f"is read: only listing is timed. Pages of {PAGE:,} keys (`list_chunk_size`); with the split, tiff-dumper "
            f"lists `data/` once with a delimiter, then its 40 parts with at most 8 listers at once. Seconds are "
            f"the wall time of the whole `tiff-dumper headers` process; each row ran {a.repeat} times, the fastest "
            f"is shown (the others in parentheses). List requests are counted from the s3rver proxy's log (every "
            f"request was a listing; in parentheses those with a delimiter), and each run checked that exactly "
            f"{a.keys:,} keys were listed and none read.\n\n"
            f"s3rver is one Node thread that reads every listed key's metadata file, so its own time per key is "
            f"spent one request after another whoever asks: the 0 ms rows are a floor no client-side parallelism "
            f"lowers, and the split pays off once latency, not s3rver, dominates a page. On s3rver the split's "
            f"delimiter listing also walks every key under the prefix (on S3 it is one short page).\n\n"
            f"{table}\n\n{short}\n")
    os.makedirs(os.path.dirname(a.out), exist_ok=True)
    with open(a.out, "w") as f:
        f.write(text)
    log(f"saved {a.out}")


if __name__ == "__main__":
    main()
