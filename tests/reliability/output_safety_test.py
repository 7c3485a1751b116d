#!/usr/bin/python3
"""Output safety of `headers`: what happens to OUT_DIR when runs collide, the
machine loses power, OUT_DIR holds odd names, or the run is signalled.

  lock         two runs started at once on one empty OUT_DIR, 8 times: exactly one
               writes, the other exits 2 at once naming the holder's pid; the parts
               read back (DuckDB) with every key once, keys records without
               duplicates. Shards of one directory run side by side, the same shard
               twice does not. A holder killed with -9 leaves no lock: --resume works.
  durability   strace: every committed file (part, keys record, manifest) is fsynced
               before its rename and the directory after it. Stray names in OUT_DIR
               (huge digits, part-abc.parquet, a directory named like a part,
               leftovers) never crash --resume or --overwrite; a part without its keys
               record is refused (exit 2), never guessed.
  signals      SIGINT / SIGTERM mid-run (a slow store: nginx behind a delaying proxy):
               exit 130 / 143, one line on stderr, no temporaries, no _SUCCESS, the
               committed parts readable, --resume completes with every row once. A
               stdout+stderr pipe closed after one line (`--loud 2>&1 | head -1`) does
               not end the run: exit 0 and a complete output.

Usage: output_safety_test.py TIFF_DUMPER {lock,durability,signals}
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (Skip, check, clean_env, duckdb, headers, main_for, make_tree, need_node_modules,  # noqa: E402
                    parts, write_config)
from fault_proxy import FaultProxy  # noqa: E402
from nginx import Nginx  # noqa: E402


def keys_file(path, base_url, keys):
    with open(path, "w") as f:
        for k in keys:
            f.write(base_url + k + "\n")
    return path


def rows_of(out, files=None):
    """(rows, distinct paths) of OUT_DIR's parts (or of the named files)."""
    files = files or [os.path.join(out, p) for p in parts(out)]
    check(files, f"no part files in {out}: {sorted(os.listdir(out))}")
    lst = "[" + ", ".join(f"'{f}'" for f in files) + "]"
    r = duckdb(f"SELECT count(*) AS n, count(DISTINCT path) AS d FROM read_parquet({lst})")[0]
    return int(r["n"]), int(r["d"])


def keys_records(out):
    """Every key of every committed keys record, in order (duplicates kept)."""
    keys = []
    for name in sorted(os.listdir(out)):
        if re.fullmatch(r"\.part-(s\d{4}-)?\d{5,9}\.parquet\.keys", name):
            with open(os.path.join(out, name)) as f:
                keys += [line for line in f.read().splitlines()]
    return keys


def default_signals():
    # A test started in the background (a non-interactive shell's `cmd &`)
    # inherits SIGINT ignored, which the binary rightly keeps ignored: give
    # the run a terminal's default, as a user pressing Ctrl-C would have.
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def start(binary, args, out, env, **kw):
    os.makedirs(out, exist_ok=True)
    return subprocess.Popen([binary, "headers", *args, out], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=default_signals, **kw)


def test_lock(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    root = os.path.join(tmp, "root")
    n = 3000
    make_tree(root, n, bad=False, corpus=False)
    cfg = write_config(os.path.join(tmp, "local.yaml"), root, n_consumers=8, list_chunk=100, write_chunk=1000)
    conflicts = 0
    for attempt in range(8):
        out = os.path.join(tmp, f"out-{attempt}")
        os.makedirs(out)
        a = start(binary, [cfg, "--quiet"], out, env)
        b = start(binary, [cfg, "--quiet"], out, env)
        t0 = time.monotonic()
        ended = {}
        while len(ended) < 2 and time.monotonic() - t0 < 120:
            for p in (a, b):
                if p.pid not in ended and p.poll() is not None:
                    ended[p.pid] = time.monotonic() - t0
            time.sleep(0.005)
        results = {}
        for p in (a, b):
            so, se = p.communicate(timeout=120)
            results[p.pid] = (p.returncode, se, ended.get(p.pid, -1.0))
        codes = sorted(r[0] for r in results.values())
        check(codes == [0, 2], f"try {attempt}: exit codes {codes} (expected one 0 and one 2): "
                               f"{[r[1][-500:] for r in results.values()]}")
        loser_pid = next(pid for pid, r in results.items() if r[0] == 2)
        winner_pid = next(pid for pid, r in results.items() if r[0] == 0)
        msg = results[loser_pid][1]
        if "in use by another tiff-dumper run" in msg:
            conflicts += 1
            check(f"(pid {winner_pid} on host " in msg, f"try {attempt}: the message does not name pid {winner_pid}: {msg}")
            check(len(msg.strip().splitlines()) == 1, f"try {attempt}: more than one line: {msg}")
        else:
            check("is not empty" in msg, f"try {attempt}: unexpected refusal: {msg}")
        rows, distinct = rows_of(out)
        check(rows == n and distinct == n, f"try {attempt}: {rows} rows, {distinct} distinct, expected {n}")
        recorded = keys_records(out)
        check(len(recorded) == n and len(set(recorded)) == n,
              f"try {attempt}: keys records hold {len(recorded)} keys, {len(set(recorded))} distinct, expected {n}")
        left = sorted(x for x in os.listdir(out) if x.endswith((".tmp", ".lock")))
        check(not left, f"try {attempt}: left behind: {left}")
        print(f"lock/try {attempt}: exits {codes}, loser after {results[loser_pid][2]:.2f}s: "
              f"{msg.strip()[:160]}")
    check(conflicts >= 1, "no try overlapped: the lock was never exercised")
    print(f"lock: {conflicts} of 8 tries met the lock, the others found the output complete")

    # Shards share a directory; the same shard twice does not; nor does an unsharded run.
    out = os.path.join(tmp, "out-shards")
    os.makedirs(out)
    procs = [start(binary, [cfg, "--quiet", "--shard", s], out, env) for s in ("0/2", "1/2")]
    codes = [p.wait(timeout=120) for p in procs]
    check(codes == [0, 0], f"shards 0/2 and 1/2 side by side: exits {codes}: {[p.stderr.read() for p in procs]}")
    rows, distinct = rows_of(out)
    check(rows == n and distinct == n, f"two shards: {rows} rows, {distinct} distinct")
    out = os.path.join(tmp, "out-same-shard")
    os.makedirs(out)
    procs = [start(binary, [cfg, "--quiet", "--shard", "1/2"], out, env) for _ in range(2)]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    check(sorted(r[0] for r in results) == [0, 2], f"one shard twice: {results}")
    print(f"lock/shards: 0/2 and 1/2 together exit [0, 0]; 1/2 twice exits {sorted(r[0] for r in results)}")

    # kill -9 of the holder: the kernel drops the lock; --resume proceeds.
    slow_root = os.path.join(tmp, "slow-root")
    keys = make_tree(slow_root, 400, bad=False, corpus=False)
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", slow_root)
        ng.start()
        with FaultProxy(("127.0.0.1", site.port), latency=(1.0, 0.06)) as proxy:
            base = proxy.url + "/"
            kf = keys_file(os.path.join(tmp, "keys.txt"), base, keys)
            scfg = write_config(os.path.join(tmp, "slow.yaml"), base, {"allow_http": "true"}, n_consumers=4,
                                list_chunk=50, write_chunk=50)
            out = os.path.join(tmp, "out-kill")
            holder = start(binary, [scfg, "--keys", kf, "--quiet"], out, env)
            deadline = time.monotonic() + 60
            while not parts(out) and time.monotonic() < deadline and holder.poll() is None:
                time.sleep(0.05)
            contender = subprocess.run([binary, "headers", scfg, "--keys", kf, "--resume", "--quiet", out],
                                       env=env, capture_output=True, text=True, timeout=60)
            check(contender.returncode == 2 and f"pid {holder.pid} on host" in contender.stderr,
                  f"--resume beside a live run: exit {contender.returncode}: {contender.stderr}")
            holder.kill()
            holder.wait()
            kept = parts(out)
            check(kept and not os.path.exists(os.path.join(out, "_SUCCESS.json")), f"after kill -9: {os.listdir(out)}")
            r, _ = headers(binary, [scfg, "--keys", kf, "--resume"], out, env, expect=0, timeout=120)
            rows, distinct = rows_of(out)
            check(rows == len(keys) and distinct == len(keys), f"after kill -9 + --resume: {rows} rows, {distinct}")
            print(f"lock/kill-9: a live holder refused --resume (exit 2, its pid named); after kill -9 "
                  f"({len(kept)} parts committed) --resume completed: {rows} rows, {distinct} distinct")

            # OUT_DIR renamed mid-run and a new directory made in its place: the old run
            # must never commit there (it locked the old one; another run may own the new).
            out = os.path.join(tmp, "out-moved")
            os.makedirs(out)
            mover = start(binary, [scfg, "--keys", kf, "--quiet"], out, env)
            deadline = time.monotonic() + 60
            while not parts(out) and time.monotonic() < deadline and mover.poll() is None:
                time.sleep(0.05)
            os.rename(out, out + ".old")
            os.makedirs(out)
            _, err = mover.communicate(timeout=120)
            # It fails at its next commit ("was moved or replaced") or, when the new
            # directory is not there yet, at its next open: either way, exit 1.
            check(mover.returncode == 1, f"the moved run: exit {mover.returncode}: {err[-500:]}")
            check(os.listdir(out) == [], f"the moved run wrote into the new directory: {os.listdir(out)}")
            print(f"lock/moved: the renamed run failed (exit 1: {err.strip()[-120:]}) and left the new "
                  f"directory empty")

    # A lock file that is a symbolic link is never written through (it would
    # truncate the file it names); the run refuses with exit 2.
    for name, extra in ((".tiff-dumper.lock", []), (".tiff-dumper-s0000.lock", ["--shard", "0/2"])):
        out = os.path.join(tmp, "out-link" + name)
        os.makedirs(out)
        victim = os.path.join(tmp, "victim" + name)
        with open(victim, "w") as f:
            f.write("precious\n")
        os.symlink(victim, os.path.join(out, name))
        r, _ = headers(binary, [cfg, *extra], out, env, expect=2, timeout=60)
        check(open(victim).read() == "precious\n", f"{name}: the file a symlinked lock names was changed")
        check("symbolic link" in r.stderr, f"{name}: unclear refusal: {r.stderr}")
        print(f"lock/symlink {name}: refused (exit 2), the linked file unchanged")


def trace_calls(path):
    """[(call, [paths])] from `strace -f -y` output: fsync/fdatasync fds and rename paths."""
    calls = []
    pending = {}  # pid -> the first half of a call another thread's call interrupted
    for line in open(path):
        pid = line.split(" ", 1)[0]
        if "<unfinished ...>" in line:
            pending[pid] = line.split("<unfinished ...>")[0]
            continue
        if "resumed>" in line and pid in pending:
            line = pending.pop(pid) + line.split("resumed>", 1)[1]
        m = re.search(r"\b(fsync|fdatasync|rename|renameat2?)\((.*)\)\s+=\s+(-?\d+)", line)
        if not m or m.group(3) != "0":
            continue
        name, args = m.group(1), m.group(2)
        if name in ("fsync", "fdatasync"):
            fd = re.match(r"\d+<(.*)>", args)
            calls.append(("fsync", [fd.group(1)] if fd else []))
        else:
            calls.append(("rename", re.findall(r'"((?:[^"\\]|\\.)*)"', args)))
    return calls


def check_durable(calls, out, final_name):
    """The file renamed to OUT/final_name was fsynced before, and OUT after, the rename."""
    target = os.path.join(out, final_name)
    at = next((i for i, (c, a) in enumerate(calls) if c == "rename" and a and a[-1] == target), None)
    check(at is not None, f"no rename to {final_name}")
    source = calls[at][1][0]
    check(any(c == "fsync" and a == [source] for c, a in calls[:at]), f"{final_name}: not fsynced before its rename")
    check(any(c == "fsync" and a == [out] for c, a in calls[at + 1:]),
          f"{final_name}: the directory was not fsynced after the rename")


def test_durability(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    root = os.path.join(tmp, "root")
    n = 120
    make_tree(root, n, bad=False, corpus=False)
    cfg = write_config(os.path.join(tmp, "local.yaml"), root, n_consumers=4, list_chunk=50, write_chunk=50)
    out = os.path.realpath(os.path.join(tmp, "out-strace"))
    os.makedirs(out)
    if shutil.which("strace") is None:
        raise Skip("strace is not installed (scripts/install-deps installs it)")
    trace = os.path.join(tmp, "trace.txt")
    r = subprocess.run(["strace", "-f", "-y", "-qq", "-e", "trace=fsync,fdatasync,rename,renameat,renameat2",
                        "-o", trace, binary, "headers", cfg, "--quiet", out],
                       env=env, capture_output=True, text=True, timeout=120)
    if r.returncode != 0 and "ptrace" in r.stderr:
        raise Skip(f"strace cannot trace here: {r.stderr.strip()[:200]}")
    check(r.returncode == 0, f"traced run: exit {r.returncode}: {r.stderr[-1000:]}")
    calls = trace_calls(trace)
    committed = parts(out)
    check(len(committed) == 3, f"expected 3 parts of <= 50 rows: {committed}")
    for p in committed:
        check_durable(calls, out, p)
        check_durable(calls, out, "." + p + ".keys")
    check_durable(calls, out, "_SUCCESS.json")
    print(f"durability/fsync: {len(committed)} parts, their keys records and _SUCCESS.json each fsynced before "
          f"the rename, the directory after ({sum(1 for c in calls if c[0] == 'fsync')} fsyncs in all)")

    # Stray names: --resume and --overwrite leave what is not theirs alone and never crash.
    out = os.path.join(tmp, "out-stray")
    headers(binary, [cfg], out, env, expect=0)
    os.remove(os.path.join(out, "_SUCCESS.json"))
    os.remove(os.path.join(out, "part-00002.parquet"))  # the last part was never committed
    strays = {
        "part-99999999999999999999.parquet": "x", "part-abc.parquet": "x", "part-+0001.parquet": "x",
        "part-000001.parquet": "x", "part-1000000000.parquet": "x",
        ".part-99999999999999999999.parquet.keys": "\"x\"\n", "part-.parquet": "x", "part-00001.parquet.bak": "x",
        "_SUCCESS.json.old": "{}",
    }
    for name, text in strays.items():
        with open(os.path.join(out, name), "w") as f:
            f.write(text)
    os.makedirs(os.path.join(out, "part-00007.parquet"))          # a directory named like a part
    os.makedirs(os.path.join(out, ".part-00009.parquet.keys"))    # ... and like a keys record
    leftovers = [".part-00003.parquet.tmp", ".part-00003.parquet.keys.tmp", ".part-00004.parquet.1-2.tmp",
                 "_SUCCESS.json.77-ab.tmp"]
    for name in leftovers:
        open(os.path.join(out, name), "w").close()
    r, _ = headers(binary, [cfg, "--resume"], out, env, quiet=False)
    check(r.returncode == 0, f"--resume among stray names: exit {r.returncode}: {r.stderr[-1500:]}")
    manifest = json.load(open(os.path.join(out, "_SUCCESS.json")))
    files = [os.path.join(out, f) for f in manifest["files"]]
    check(all(re.fullmatch(r"part-\d{5}\.parquet", f) for f in manifest["files"]), f"manifest files: {manifest}")
    rows, distinct = rows_of(out, files)
    check(rows == n and distinct == n and manifest["rows"] == n, f"after --resume: {rows} rows, {distinct} distinct")
    check(all(os.path.exists(os.path.join(out, s)) for s in strays), f"a stray file was removed: {os.listdir(out)}")
    check(not any(os.path.exists(os.path.join(out, s)) for s in leftovers), f"leftovers kept: {os.listdir(out)}")
    check("part-99999999999999999999.parquet" in r.stderr and "warning" in r.stderr,
          f"the stray names are not reported: {r.stderr}")
    check(os.path.exists(os.path.join(out, "part-00010.parquet")), f"new part not numbered past the strays: "
                                                                   f"{sorted(os.listdir(out))}")
    print(f"durability/stray: --resume among {len(strays) + 2} stray names: exit 0, {rows} rows "
          f"(new part numbered past the directories in the way), strays kept and reported")
    r, _ = headers(binary, [cfg, "--overwrite"], out, env, quiet=True)
    check(r.returncode == 0, f"--overwrite among stray names: exit {r.returncode}: {r.stderr[-1500:]}")
    manifest = json.load(open(os.path.join(out, "_SUCCESS.json")))
    rows, distinct = rows_of(out, [os.path.join(out, f) for f in manifest["files"]])
    check(rows == n and distinct == n, f"after --overwrite: {rows} rows")
    # A part without its keys record: its objects are unknown, so --resume refuses.
    os.remove(os.path.join(out, "." + manifest["files"][0] + ".keys"))
    r, _ = headers(binary, [cfg, "--resume"], out, env)
    check(r.returncode == 2 and "no keys record" in r.stderr, f"part without keys: exit {r.returncode}: {r.stderr}")
    print("durability/stray: --overwrite exit 0; a part without keys record refused with exit 2")


def test_signals(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    root = os.path.join(tmp, "root")
    keys = make_tree(root, 400, bad=False, corpus=False)
    n = len(keys)
    with Nginx(os.path.join(tmp, "nginx")) as ng:
        site = ng.add_site("plain", root)
        ng.start()
        with FaultProxy(("127.0.0.1", site.port), latency=(1.0, 0.06)) as proxy:
            base = proxy.url + "/"
            kf = keys_file(os.path.join(tmp, "keys.txt"), base, keys)
            cfg = write_config(os.path.join(tmp, "slow.yaml"), base, {"allow_http": "true"}, n_consumers=4,
                               list_chunk=50, write_chunk=50)
            for sig, code in ((signal.SIGINT, 130), (signal.SIGTERM, 143)):
                out = os.path.join(tmp, f"out-{sig.name}")
                p = start(binary, [cfg, "--keys", kf], out, env)
                deadline = time.monotonic() + 60
                while not parts(out) and time.monotonic() < deadline and p.poll() is None:
                    time.sleep(0.05)
                time.sleep(0.3)  # mid-part: a temporary is open
                if p.poll() is not None:
                    raise AssertionError(f"{sig.name}: the run ended before the signal: {p.communicate()}")
                p.send_signal(sig)
                t0 = time.monotonic()
                so, se = p.communicate(timeout=30)
                took = time.monotonic() - t0
                names = sorted(os.listdir(out))
                lines = se.strip().splitlines()
                check(p.returncode == code, f"{sig.name}: exit {p.returncode}, expected {code}: {se}")
                check(len(lines) == 1 and sig.name in lines[0], f"{sig.name}: stderr is not one line: {se!r}")
                check(not any(x.endswith(".tmp") for x in names), f"{sig.name}: temporaries left: {names}")
                check(not any(x.startswith("_SUCCESS") for x in names), f"{sig.name}: a manifest: {names}")
                check(not any(x.endswith(".lock") for x in names), f"{sig.name}: lock file left: {names}")
                kept = parts(out)
                rows, _ = rows_of(out)
                check(rows == 50 * len(kept), f"{sig.name}: {len(kept)} committed parts hold {rows} rows")
                r, _ = headers(binary, [cfg, "--keys", kf, "--resume"], out, env, expect=0, timeout=120)
                check(f"already done (resumed) {rows}" in r.stderr, f"{sig.name} resume: {r.stderr}")
                rows, distinct = rows_of(out)
                check(rows == n and distinct == n, f"{sig.name}: after --resume {rows} rows, {distinct} distinct")
                print(f"signals/{sig.name}: exit {p.returncode} {took:.2f}s after the signal with {len(kept)} parts "
                      f"committed; stderr: {lines[0]!r}; --resume completed: {rows} rows, {distinct} distinct")

            # `--loud 2>&1 | head -1`: the pipe closes after one line; the run goes on.
            out = os.path.join(tmp, "out-pipe")
            os.makedirs(out)
            p = subprocess.Popen([binary, "headers", cfg, "--keys", kf, "--loud", out], env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            first = p.stdout.readline()
            p.stdout.close()
            rc = p.wait(timeout=120)
            check(rc == 0, f"closed pipe: exit {rc} (first line {first!r})")
            check(os.path.exists(os.path.join(out, "_SUCCESS.json")), f"closed pipe: no manifest: {os.listdir(out)}")
            rows, distinct = rows_of(out)
            check(rows == n and distinct == n, f"closed pipe: {rows} rows, {distinct} distinct")
            print(f"signals/pipe: stdout+stderr closed after one line: exit {rc}, {rows} rows, complete")


if __name__ == "__main__":
    sys.exit(main_for({"lock": test_lock, "durability": test_durability, "signals": test_signals}, sys.argv))
