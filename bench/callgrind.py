#!/usr/bin/python3
"""Instructions per object: tiff-dumper under callgrind on a fixed local run.

    /usr/bin/python3 bench/callgrind.py [--binary PATH] [--objects 3600] [--out FILE]

Runs `tiff-dumper headers --store DIR OUT --quiet --concurrency 4` under
`valgrind --tool=callgrind` on the bench corpus (the distinct GDAL-made TIFFs
of bench/make_corpus.py, hard-linked to 3,600 names in bench/.cache/cg-3600,
each source one run of consecutive keys as in bench.py), and prints one table:
total instructions (Ir) / objects, and the inclusive cost of the main parts —
TIFF parsing (td::tiff::), row building (td::row::), Parquet writing
(td::parquet::), memset/memcpy/read — and the rest. The whole process is
counted (start-up, listing, threads, exit). Instruction counts do not depend on
the machine's speed or load, so they compare across commits and machines;
--concurrency is fixed (the local store's thread count otherwise follows the
core count). Saves the table to bench/results/callgrind.md (--out) and the
callgrind output next to it in bench/.cache/.

Inclusive cost of a part = the sum, over call edges from a function outside the
part to a function inside it, of the edge's inclusive cost (read from the
callgrind file; callgrind_annotate --inclusive=yes lists the top functions).
The three td:: parts are disjoint unless one calls another's functions (then
the callee's cost counts in both; the table shows how much crosses);
memset/memcpy/read overlaps them (it is shown on its own and inside them).
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import bench  # noqa: E402  (corpus helpers)

PARTS = [
    ("TIFF parsing", "td::tiff::"),
    ("row building", "td::row::"),
    ("Parquet writing", "td::parquet::"),
]
MEM = re.compile(r"^(__)?(memset|memcpy|memmove|mempcpy|read|pread|pread64|__libc_pread|__libc_read)"
                 r"(_[a-z0-9_]+)?(\b|$)")


def log(msg):
    print(f"callgrind: {msg}", file=sys.stderr, flush=True)


def qualified_name(fn):
    """The function's qualified name from a demangled signature: what follows
    the last space outside <> before the argument list (template functions are
    demangled with their return type first)."""
    depth, start = 0, 0
    for i, ch in enumerate(fn):
        if ch == "<":
            depth += 1
        elif ch == ">":
            depth -= 1
        elif ch == "(" and depth == 0:
            break
        elif ch == " " and depth == 0:
            start = i + 1
    return fn[start:]


def part_of(fn):
    q = qualified_name(fn)
    for name, prefix in PARTS:
        if q.startswith(prefix):
            return name
    if MEM.match(fn):
        return "memset/memcpy/read"
    return None


def parse(path):
    """(total Ir, {fn: self Ir}, [(caller, callee, inclusive Ir)]) from an
    uncompressed callgrind file (--compress-strings=no --compress-pos=no)."""
    total = 0
    self_cost = {}
    edges = {}
    fn = cfn = None
    pending_call = False
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line:
                continue
            c = line[0]
            if c.isdigit() or c in "+-*":
                parts = line.split()
                if len(parts) < 2:
                    continue
                cost = int(parts[1])
                if pending_call:
                    edges[(fn, cfn)] = edges.get((fn, cfn), 0) + cost
                    pending_call = False
                else:
                    self_cost[fn] = self_cost.get(fn, 0) + cost
                continue
            if line.startswith("fn="):
                fn = line[3:]
            elif line.startswith("cfn="):
                cfn = line[4:]
            elif line.startswith("calls="):
                pending_call = True
            elif line.startswith(("summary:", "totals:")):
                total = max(total, int(line.split()[1]))
    if not total:
        total = sum(self_cost.values())
    return total, self_cost, [(a, b, c) for (a, b), c in edges.items()]


def breakdown(total, self_cost, edges):
    cat = {}
    for fn in set(self_cost) | {a for a, _, _ in edges} | {b for _, b, _ in edges}:
        cat[fn] = part_of(fn)
    incl = {name: 0 for name, _ in PARTS}
    incl["memset/memcpy/read"] = 0
    cross = {}  # td part -> cost entered from another td part
    for a, b, c in edges:
        pb = cat.get(b)
        if pb is None or cat.get(a) == pb:
            continue
        incl[pb] += c
        pa = cat.get(a)
        if pa in dict(PARTS) and pb in dict(PARTS):
            cross[(pa, pb)] = cross.get((pa, pb), 0) + c
    # A part's functions that nothing calls (a thread's entry point): their self cost.
    called = {b for _, b, _ in edges}
    for fn, s in self_cost.items():
        p = cat.get(fn)
        if p and fn not in called:
            incl[p] += s
    return incl, cross


def corpus(n):
    stems = bench.sources()
    root = os.path.join(bench.CACHE, f"cg-{n}")
    done = os.path.join(root, ".complete")
    if os.path.exists(done) and open(done).read() == ",".join(stems):
        return root, stems
    shutil.rmtree(root, ignore_errors=True)
    for s in stems:
        os.makedirs(os.path.join(root, bench.BUCKET, s))
    for i in range(n):
        s = bench.stem_of(i, n, stems)
        os.link(os.path.join(bench.SRC, s + ".tif"), os.path.join(root, bench.BUCKET, s, f"{i:07d}.tif"))
    with open(done, "w") as f:
        f.write(",".join(stems))
    return root, stems


def run(binary, n=3600, concurrency=4, out=None, quiet=False):
    """Runs the measurement; returns a dict of the figures and the table text."""
    if shutil.which("valgrind") is None or shutil.which("callgrind_annotate") is None:
        sys.exit("callgrind: valgrind is not installed (apt-get install valgrind; scripts/install-deps)")
    binary = os.path.abspath(binary)
    os.makedirs(bench.CACHE, exist_ok=True)
    root, stems = corpus(n)
    work = tempfile.mkdtemp(prefix="td-callgrind-")
    os.makedirs(os.path.join(work, "out"))
    cg_file = os.path.join(bench.CACHE, f"callgrind.out.{n}")
    cmd = ["valgrind", "--tool=callgrind", f"--callgrind-out-file={cg_file}", "--compress-strings=no",
           "--compress-pos=no", "--fair-sched=yes",
           binary, "headers", "--store", os.path.join(root, bench.BUCKET), os.path.join(work, "out"),
           "--quiet", "--concurrency", str(concurrency)]
    log(" ".join(cmd))
    t0 = time.time()
    r = subprocess.run(cmd, capture_output=True, text=True)
    m = bench.SUMMARY.search(r.stderr)
    if r.returncode != 0 or not m or int(m.group(2)) != n:
        sys.exit(f"callgrind: run failed (rc {r.returncode}):\n{r.stderr[-3000:]}")
    log(f"ran in {time.time() - t0:.0f} s")
    shutil.rmtree(work, ignore_errors=True)
    total, self_cost, edges = parse(cg_file)
    incl, cross = breakdown(total, self_cost, edges)
    ann = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", cg_file],
                         capture_output=True, text=True).stdout
    top = []
    for line in ann.splitlines():
        mm = re.match(r"^\s*([\d,]+)\s+\(\s*([\d.]+)%\)\s+(.*?)\s*(\[[^\]]*\])?$", line)
        if mm and len(top) < 25 and "PROGRAM TOTALS" not in line:
            fn = mm.group(3)
            i = fn.find(":")  # "file:function" ("???:" when unknown)
            if i >= 0 and fn[i + 1:i + 2] != ":":
                fn = fn[i + 1:]
            top.append((int(mm.group(1).replace(",", "")), fn))

    per = total / n
    # A part calling another's functions counts that cost in both: once here.
    td_sum = sum(incl[name] for name, _ in PARTS) - sum(cross.values())
    rows = [(name, incl[name]) for name, _ in PARTS]
    rows.append(("other (total − the three above, overlaps counted once)", total - td_sum))
    rows.append(("memset/memcpy/read (overlaps the rows above)", incl["memset/memcpy/read"]))
    lines = [f"# Instructions per object (callgrind) — {n:,} local objects\n",
             f"`bench/callgrind.py` ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
             f"commit {git_rev()}): `tiff-dumper headers --store DIR OUT --quiet --concurrency {concurrency}` "
             f"under `valgrind --tool=callgrind`, {len(stems)} distinct bench TIFFs hard-linked to {n:,} names. "
             "Instruction counts (Ir) of the whole process (start-up, listing, every thread, exit) divided by "
             "the objects; inclusive cost of each part.\n",
             "| part | Ir | Ir/object | share |", "|---|---:|---:|---:|",
             f"| **total** | {total:,} | **{per:,.0f}** | 100 % |"]
    for name, v in rows:
        lines.append(f"| {name} | {v:,} | {v / n:,.0f} | {100.0 * v / total:.1f} % |")
    lines.append("")
    if cross:
        lines.append("Counted in two parts (one part's function calling another's): " + "; ".join(
            f"{a} → {b} {v / n:,.0f} Ir/object" for (a, b), v in sorted(cross.items())) + ".\n")
    lines.append(f"| target | figure | |\n|---|---|---|\n| instructions per object ≤ 45,000 | {per:,.0f} | "
                 f"{'met' if per <= 45000 else 'MISSED'} |\n")
    lines.append("Top functions by inclusive cost (`callgrind_annotate --inclusive=yes`), Ir/object:\n")
    lines.append("| Ir/object | function |\n|---:|---|")
    for v, fn in top[:20]:
        fn = fn.replace("|", "\\|")
        if len(fn) > 110:
            fn = fn[:107] + "..."
        lines.append(f"| {v / n:,.0f} | `{fn}` |")
    lines.append("")
    lines.append(f"Command: `bench/callgrind.py --binary {os.path.relpath(binary, REPO)} --objects {n}`\n")
    text = "\n".join(lines) + "\n"
    if not quiet:
        print(text)
    if out:
        os.makedirs(os.path.dirname(out), exist_ok=True)
        with open(out, "w") as f:
            f.write(text)
        log(f"saved to {out}")
    return {"total": total, "objects": n, "per_object": per, "parts": incl, "text": text}


def git_rev():
    try:
        return subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or "?"
    except OSError:
        return "?"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", default=os.path.join(REPO, "build-bench", "src", "cli", "tiff-dumper"))
    ap.add_argument("--objects", type=int, default=3600)
    ap.add_argument("--concurrency", type=int, default=4)
    ap.add_argument("--out", default=os.path.join(HERE, "results", "callgrind.md"))
    args = ap.parse_args()
    if not os.access(args.binary, os.X_OK):
        sys.exit(f"callgrind: no tiff-dumper at {args.binary} (bench/run builds it into build-bench/)")
    run(args.binary, args.objects, args.concurrency, args.out)


if __name__ == "__main__":
    main()
