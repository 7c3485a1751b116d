#!/usr/bin/python3
"""Data-safety soak: misbehaving servers mixed with injected faults for a set
time, and the rows must equal a fault-free run while memory stays bounded.

    tests/long/soak.py TIFF_DUMPER [--seconds 600] [--objects 4000] [--seed 1] [--figures FILE]

One nginx serves a tree of real TIFFs (tests/reliability/common.py make_tree)
on four sites, and every round reads all objects through a key list in which
each object is reached, at random (seeded per round), one of these ways:
  plain      nginx behind the fault proxy (~10 % faults: 503/429, resets,
             truncated bodies, stalls; tests/servers/fault_proxy.py)
  norange    an nginx site that ignores Range (`max_ranges 0`: 200 with the
             whole body), also behind the fault proxy
  redirect   a same-host 302 (nginx's /redirect/ location), then faults
  hop        a 302 to another port (another site), no faults
One object in 50 is a hostile header (tests/reliability/hostile_header_test.py).
Rounds repeat until --seconds have passed. Each round must give, row for row,
the fault-free reference (every column but the read cost, the listing metadata
and the route part of `path`; `size` equal or, where a fault stripped the
length from a Range-ignoring answer, null), exit 0 or 3 as the reference did, and a peak
RSS (GNU time) under the bound the README states, computed from the round's
largest `bytes_read`.
Exit 0 on success, 1 on failure, 77 when DuckDB (tests/js/node_modules) is missing.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "reliability"))
from common import SERVERS, Skip, check, clean_env, duckdb, make_tree, need_node_modules, write_config  # noqa: E402

sys.path.insert(0, SERVERS)
from fault_proxy import MIX_10, FaultProxy  # noqa: E402
from nginx import Nginx  # noqa: E402
from hostile_header_test import example_shared_ascii, many_ifds_one_value  # noqa: E402

CONCURRENCY = 64
MAX_HEADER_BYTES = 1 << 20


def rss_bound_mib(max_bytes_read):
    """The README's bound ("Reliability guarantees"): 64 MiB + objects in flight x
    (17 x bytes read per header + 128 KiB)."""
    return 64 + CONCURRENCY * (17 * max_bytes_read + (128 << 10)) / (1 << 20)
# `size` is compared on its own (see run_round).
VOLATILE = "requests, bytes_read, etag, last_modified, path, size"


ROUTES = ("plain", "norange", "redirect/plain", "hop")


def rows_sql(out, columns=None):
    # The route part of `path` differs by round; the key after it must not.
    return (f"SELECT regexp_replace(path, '^(plain|norange|redirect/plain|hop)/', '') AS key, "
            f"{columns or f'* EXCLUDE ({VOLATILE})'} FROM read_parquet('{out}/*.parquet')")


def peak_rss_mib(stderr):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(m.group(1)) / 1024 if m else None


def run_round(binary, tmp, env, keys, store_url, seed, reference, ref_exit):
    rng = random.Random(seed)
    route_count = {}
    kf = os.path.join(tmp, f"keys-{seed}.txt")
    with open(kf, "w") as f:
        for k in keys:
            route = rng.choice(ROUTES)
            route_count[route] = route_count.get(route, 0) + 1
            f.write(f"{route}/{k}\n")
    out = os.path.join(tmp, f"out-{seed}")
    os.makedirs(out)
    cfg = write_config(os.path.join(tmp, "c.yaml"), store_url, {"timeout": "5s"}, n_consumers=CONCURRENCY,
                       list_chunk=100, write_chunk=1000)
    cmd = ["/usr/bin/time", "-v", binary, "headers", cfg, "--keys", kf, out, "--quiet",
           "--max-header-bytes", str(MAX_HEADER_BYTES)]
    t0 = time.monotonic()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=1800)
    elapsed = time.monotonic() - t0
    rss = peak_rss_mib(p.stderr)
    check(p.returncode == ref_exit, f"round {seed}: exit {p.returncode}, the reference had {ref_exit}: "
                                    f"{p.stderr[-2000:]}")
    missing = duckdb(f"SELECT key FROM ({rows_sql(reference)} EXCEPT ALL {rows_sql(out)}) ORDER BY key LIMIT 5")
    extra = duckdb(f"SELECT key FROM ({rows_sql(out)} EXCEPT ALL {rows_sql(reference)}) ORDER BY key LIMIT 5")
    # A 200 whose Content-Length a faulty proxy dropped, read only up to the
    # wanted bytes, says nothing of the object's size: null is the honest value
    # there, a different number never is.
    sizes = duckdb(f"SELECT count(*) FILTER (WHERE o.size IS NULL) AS unknown, "
                   f"count(*) FILTER (WHERE o.size <> r.size) AS wrong "
                   f"FROM ({rows_sql(out, 'size')}) o JOIN ({rows_sql(reference, 'size')}) r USING (key)")[0]
    check(int(sizes["wrong"]) == 0, f"round {seed}: {sizes['wrong']} rows with a size other than the object's")
    n = int(duckdb(f"SELECT count(*) AS n FROM read_parquet('{out}/*.parquet')")[0]["n"])
    check(n == len(keys), f"round {seed}: {n} rows for {len(keys)} keys")
    if missing or extra:
        key = (missing or extra)[0]["key"]
        diff = duckdb(f"SELECT * FROM ({rows_sql(reference)} UNION ALL {rows_sql(out)}) WHERE key = '{key}'")
        raise AssertionError(f"round {seed}: rows differ from the fault-free run: missing {missing}, "
                             f"extra {extra}; {key}: {json.dumps(diff, default=str)[:3000]}")
    max_read = int(duckdb(f"SELECT max(bytes_read) AS m FROM read_parquet('{out}/*.parquet')")[0]["m"])
    bound = rss_bound_mib(max_read)
    check(rss is not None and rss < bound, f"round {seed}: peak RSS {rss} MiB, bound {bound:.0f} MiB")
    shutil.rmtree(out)
    return {"seed": seed, "rows": n, "seconds": round(elapsed, 1), "peak_rss_mib": round(rss, 1),
            "rss_bound_mib": round(bound), "max_bytes_read": max_read, "routes": route_count,
            "size_unknown": int(sizes["unknown"])}


def soak(a, tmp):
    need_node_modules()
    binary = os.path.abspath(a.binary)
    root = os.path.join(tmp, "root")
    keys = make_tree(root, a.objects)
    # One object in 50 is a hostile header (a small file that decodes into much
    # more memory): they must stay error rows and keep memory under the bound.
    hostile = [example_shared_ascii(), many_ifds_one_value()]
    for i, k in enumerate(keys[::50]):
        os.unlink(os.path.join(root, k))
        with open(os.path.join(root, k), "wb") as f:
            f.write(hostile[i % len(hostile)])
    env = clean_env(tmp)
    ng = Nginx(os.path.join(tmp, "nginx"))
    # `other` is where /hop/ sends a client: another port, reached without faults.
    other = ng.add_site("other", root)
    site = ng.add_site("routes", root, extra=f"""
    location /plain/ {{ alias {root}/; }}
    location /norange/ {{ alias {root}/; max_ranges 0; }}
    location /hop/ {{ rewrite ^/hop/(.*)$ http://127.0.0.1:{other.port}/$1 redirect; }}""")
    ng.start()
    proxy = None
    try:
        reference = os.path.join(tmp, "reference")
        os.makedirs(reference)
        kf = os.path.join(tmp, "keys-reference.txt")
        with open(kf, "w") as f:
            f.writelines(f"plain/{k}\n" for k in keys)
        cfg = write_config(os.path.join(tmp, "c.yaml"), site.url, n_consumers=CONCURRENCY, list_chunk=100,
                           write_chunk=1000)
        r = subprocess.run([binary, "headers", cfg, "--keys", kf, reference, "--quiet"], capture_output=True,
                           text=True, env=env, timeout=1800)
        check(r.returncode in (0, 3), f"reference run: exit {r.returncode}: {r.stderr[-2000:]}")
        figures = {"objects": len(keys), "reference_exit": r.returncode, "rounds": []}
        t0 = time.monotonic()
        seed = a.seed
        while time.monotonic() - t0 < a.seconds or not figures["rounds"]:
            proxy = FaultProxy(("127.0.0.1", site.port), rates=MIX_10, seed=seed, stall_seconds=8,
                               max_lifetime=7200).start()
            fig = run_round(binary, tmp, env, keys, proxy.url + "/", seed, reference, r.returncode)
            fig["faults"] = proxy.summary()["faults_injected"]
            proxy.stop()
            proxy = None
            print("soak: " + json.dumps(fig, sort_keys=True), flush=True)
            figures["rounds"].append(fig)
            seed += 1
        figures["seconds"] = round(time.monotonic() - t0, 1)
        figures["max_peak_rss_mib"] = max(x["peak_rss_mib"] for x in figures["rounds"])
        figures["rss_bound_mib"] = min(x["rss_bound_mib"] for x in figures["rounds"])
        return figures
    finally:
        if proxy:
            proxy.stop()
        ng.stop()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--seconds", type=float, default=600)
    ap.add_argument("--objects", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--figures")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="td-soak-")
    try:
        fig = soak(a, tmp)
        if a.figures:
            with open(a.figures, "w") as f:
                json.dump(fig, f, indent=1, sort_keys=True)
        print(f"PASS soak: {len(fig['rounds'])} rounds in {fig['seconds']} s, rows equal the fault-free run, "
              f"max peak RSS {fig['max_peak_rss_mib']} MiB (bound {fig['rss_bound_mib']} MiB)")
        return 0
    except Skip as e:
        print(f"SKIP soak: {e}")
        return 77
    except AssertionError as e:
        print(f"FAIL soak: {e}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
