#!/usr/bin/python3
"""Crash safety: `kill -9` a `headers` run at random (seeded) moments, continue
it with --resume each time, and check with DuckDB that the union holds every
listed key exactly once and equals an uninterrupted run, row for row (all
columns but the read cost and listing metadata).

    tests/long/kill_resume.py TIFF_DUMPER [--objects 20000] [--kills 5] [--seed 1]
                              [--source local|nginx] [--faults] [--figures FILE]

  --source local   a directory of hard links (listed by the store)
  --source nginx   the same tree served by nginx, read with --keys URLS
  --faults         nginx only: through tests/servers/fault_proxy.py with ~10 % faults

After every kill it also checks what a crash leaves behind: each committed
part file is readable and holds exactly the keys of its keys record, and no
_SUCCESS manifest claims an unfinished run. Exit 0 on success, 1 on failure,
77 when tests/js/node_modules (DuckDB) is missing.
"""
import argparse
import json
import os
import random
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "reliability"))
from common import (Skip, check, clean_env, compare_outputs, duckdb, make_tree, need_node_modules,  # noqa: E402
                    parts, write_config)


def committed_parts_consistent(out):
    """Every part-*.parquet is readable and holds exactly the keys of its .keys record."""
    names = parts(out)
    if not names:
        return 0, 0
    per_file = duckdb(f"SELECT parse_filename(filename) AS f, list(path ORDER BY path) AS keys "
                      f"FROM read_parquet('{out}/part-*.parquet', filename=true) GROUP BY ALL")
    got = {x["f"]: x["keys"] for x in per_file}
    rows = 0
    for name in names:
        record = os.path.join(out, f".{name}.keys")
        check(os.path.exists(record), f"{name} has no keys record")
        with open(record) as f:
            want = sorted(json.loads(line) for line in f if line.strip())
        check(sorted(got.get(name, [])) == want, f"{name}: its rows and its keys record differ "
                                                  f"({len(got.get(name, []))} rows, {len(want)} keys)")
        rows += len(want)
    return len(names), rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("binary")
    ap.add_argument("--objects", type=int, default=20000)
    ap.add_argument("--kills", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--source", choices=("local", "nginx"), default="local")
    ap.add_argument("--faults", action="store_true")
    ap.add_argument("--figures")
    ap.add_argument("--workdir", help="keep the files here (default: a temporary directory, removed)")
    a = ap.parse_args()
    import shutil
    import tempfile
    tmp = a.workdir or tempfile.mkdtemp(prefix="td-kill-resume-")
    os.makedirs(tmp, exist_ok=True)
    try:
        need_node_modules()
        fig = run(a, tmp)
        if a.figures:
            with open(a.figures, "w") as f:
                json.dump(fig, f, indent=1, sort_keys=True)
        print("PASS kill_resume: " + json.dumps(fig, sort_keys=True))
        return 0
    except Skip as e:
        print(f"SKIP kill_resume: {e}")
        return 77
    except AssertionError as e:
        print(f"FAIL kill_resume: {e}")
        return 1
    finally:
        if not a.workdir:
            shutil.rmtree(tmp, ignore_errors=True)


def run(a, tmp):
    binary = os.path.abspath(a.binary)
    rng = random.Random(a.seed)
    root = os.path.join(tmp, "root")
    t0 = time.monotonic()
    keys = make_tree(root, a.objects)
    print(f"kill_resume: {a.objects} objects under {root} ({time.monotonic() - t0:.1f}s)")
    env = clean_env(tmp)
    write_chunk = max(50, a.objects // 40)
    stack = []
    try:
        if a.source == "local":
            cfg = write_config(os.path.join(tmp, "c.yaml"), root, n_consumers=16, list_chunk=50,
                               write_chunk=write_chunk)
            args = [cfg]
            expected = keys
        else:
            from nginx import Nginx
            ng = Nginx(os.path.join(tmp, "nginx"))
            stack.append(ng)
            site = ng.add_site("plain", root)
            ng.start()
            base = site.url
            if a.faults:
                from fault_proxy import MIX_10, FaultProxy
                proxy = FaultProxy(("127.0.0.1", site.port), rates=MIX_10, seed=a.seed, stall_seconds=8,
                                   max_lifetime=7200).start()
                stack.append(proxy)
                base = proxy.url + "/"
            kf = os.path.join(tmp, "keys.txt")
            with open(kf, "w") as f:
                f.writelines(base + k + "\n" for k in keys)
            cfg = write_config(os.path.join(tmp, "c.yaml"), base, {"timeout": "3s"}, n_consumers=32,
                               list_chunk=50, write_chunk=write_chunk)
            args = [cfg, "--keys", kf]
            expected = [base + k for k in keys]
        return kill_and_resume(a, binary, tmp, args, env, expected, rng, stack)
    finally:
        for s in reversed(stack):
            s.stop()


def start(binary, args, out, env, resume):
    cmd = [binary, "headers", *args, out, "--quiet"] + (["--resume"] if resume else [])
    return subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def kill_and_resume(a, binary, tmp, args, env, expected, rng, stack):
    n = len(expected)
    ref = os.path.join(tmp, "reference")
    os.makedirs(ref)
    t0 = time.monotonic()
    p = start(binary, args, ref, env, resume=False)
    _, err = p.communicate(timeout=3600)
    full = time.monotonic() - t0
    check(p.returncode in (0, 3), f"uninterrupted run: exit {p.returncode}: {err[-2000:]}")
    ref_exit = p.returncode
    print(f"kill_resume: uninterrupted run: {full:.1f}s, exit {p.returncode}: {err.strip().splitlines()[-1]}")

    out = os.path.join(tmp, "out")
    os.makedirs(out)
    events = []
    done_keys = 0
    total_parts = len(parts(ref))
    for i in range(a.kills):
        # A random moment: after a random number of further part commits (0: during
        # startup and listing), plus a random fraction of a part's time.
        now = len(parts(out))
        target = now + rng.randint(0, max(1, (total_parts - now) // 2))
        jitter = rng.uniform(0, full / max(total_parts, 1))
        p = start(binary, args, out, env, resume=i > 0)
        t0 = time.monotonic()
        while len(parts(out)) < target and p.poll() is None:
            time.sleep(0.002)
        time.sleep(jitter)
        at = time.monotonic() - t0
        if p.poll() is not None:
            _, err = p.communicate()
            raise AssertionError(f"run {i} finished (exit {p.returncode}) before kill {i + 1} "
                                 f"(target {target} parts); use more objects: {err[-500:]}")
        p.send_signal(signal.SIGKILL)
        p.communicate()
        nparts, rows = committed_parts_consistent(out)
        check(not any(name.startswith("_SUCCESS") for name in os.listdir(out)),
              f"after kill {i + 1}: a manifest claims success: {sorted(os.listdir(out))}")
        leftovers = sorted(x for x in os.listdir(out) if x.endswith(".tmp"))
        events.append({"kill": i + 1, "at_s": round(at, 3), "parts": nparts, "rows_committed": rows,
                       "leftover_tmp": len(leftovers)})
        print(f"kill_resume: kill -9 #{i + 1} at {at:.2f}s: {nparts} committed parts, {rows} rows, "
              f"{len(leftovers)} temporaries left")
        check(rows >= done_keys, f"kill {i + 1}: committed rows went down from {done_keys} to {rows}")
        done_keys = rows
    t0 = time.monotonic()
    p = start(binary, args, out, env, resume=True)
    _, err = p.communicate(timeout=3600)
    check(p.returncode == ref_exit, f"final resume: exit {p.returncode}, uninterrupted {ref_exit}: {err[-2000:]}")
    summary = err.strip().splitlines()[-1]
    print(f"kill_resume: final --resume: {time.monotonic() - t0:.1f}s: {summary}")
    check(f"already done (resumed) {done_keys}" in summary or done_keys == 0, f"resume summary: {summary}")
    check(not any(x.endswith(".tmp") for x in os.listdir(out)), f"temporaries left: {os.listdir(out)}")
    nparts, rows = committed_parts_consistent(out)
    fig = compare_outputs(out, ref, expected)
    manifest = json.load(open(os.path.join(out, "_SUCCESS.json")))
    check(manifest["rows"] == n and manifest["complete"], f"manifest: {manifest}")
    fig.update({"objects": n, "kills": events, "parts": nparts, "uninterrupted_s": round(full, 1),
                "source": a.source + (" + faults" if a.faults else ""), "seed": a.seed})
    for s in stack:
        if hasattr(s, "summary"):
            fig["proxy"] = s.summary()
    check(fig["rows"] == n and fig["distinct"] == n, f"{fig['rows']} rows, {fig['distinct']} distinct, {n} listed")
    check(fig["duplicates"] == 0 and fig["lost"] == 0, f"rows lost {fig['lost']}, duplicates {fig['duplicates']}")
    check(fig["missing_vs_reference"] == 0 and fig["extra_vs_reference"] == 0,
          f"the resumed union differs from the uninterrupted run: {fig}")
    return fig


if __name__ == "__main__":
    sys.exit(main())
