#!/usr/bin/python3
"""Array-job environments without a scheduler: the shard a `tiff-dumper headers`
run picks from Kubernetes Indexed Jobs (JOB_COMPLETION_INDEX + --shard-count N)
and AWS Batch array jobs (AWS_BATCH_JOB_ARRAY_INDEX / _SIZE), as each of the N
containers would see it.

For each scheduler, N runs into one directory must log their shard, write N
_SUCCESS-sNNNN.json with shards == N, hold every key exactly once, split the
keys exactly as --shard i/N does, and together equal one unsharded run.
Also: the clear refusals (index without a count, index out of range, a count
without an index) and --shard winning over the environment.

usage: env_shards_test.py TIFF_DUMPER
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
JS = os.path.join(REPO, "tests", "js")
SAMPLES = os.path.join(REPO, "samples")
SKIP = 77
N = 4
SCHEDULER_VARS = ("SLURM_", "JOB_COMPLETION_INDEX", "AWS_BATCH_")
EXCLUDED = "requests, bytes_read"


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def duckdb(sql):
    r = subprocess.run(["node", os.path.join(JS, "query.mjs"), "--json", sql], capture_output=True, text=True,
                       timeout=120)
    if r.returncode != 0:
        raise AssertionError(f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def clean_env(**extra):
    """The caller's environment minus any scheduler's (ctest may itself run in a Slurm job)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCHEDULER_VARS)}
    env.update(extra)
    return env


def headers(binary, args, env, expect):
    r = subprocess.run([binary, "headers", *args], capture_output=True, text=True, timeout=300, env=env)
    if r.returncode != expect:
        raise AssertionError(f"headers {args} with {({k: v for k, v in env.items() if k.startswith(SCHEDULER_VARS)})} "
                             f"exited {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def make_store(src, n=300):
    """n hard links to the samples under varied keys (the shards get ~n/N each)."""
    samples = sorted(os.path.join(SAMPLES, f) for f in os.listdir(SAMPLES) if f.lower().endswith((".tif", ".tiff")))
    for i in range(n):
        d = os.path.join(src, f"region-{i % 7}", f"{i // 50:02d}")
        os.makedirs(d, exist_ok=True)
        os.link(samples[i % len(samples)], os.path.join(d, f"scene {i:04d}.tif"))
    return n


def shard_split(out):
    """{shard number: sorted paths} read from the part-sNNNN-*.parquet names."""
    rows = duckdb(f"SELECT path, regexp_extract(filename, 'part-s(\\d+)-', 1)::INT AS shard "
                  f"FROM read_parquet('{out}/*.parquet', filename=true) ORDER BY path")
    split = {}
    for r in rows:
        split.setdefault(r["shard"], []).append(r["path"])
    return split


def check_union(out, whole, n_keys, label):
    names = sorted(os.listdir(out))
    manifests = [n for n in names if n.startswith("_SUCCESS-s")]
    check(manifests == [f"_SUCCESS-s{i:04d}.json" for i in range(N)], f"{label}: manifests {manifests}")
    rows = 0
    for i, name in enumerate(manifests):
        with open(os.path.join(out, name)) as f:
            m = json.load(f)
        check(m["complete"] is True and m["shard"] == i and m["shards"] == N, f"{label}: {name}: {m}")
        rows += m["rows"]
    check(rows == n_keys, f"{label}: manifests count {rows} rows, {n_keys} keys")
    a = f"SELECT * EXCLUDE ({EXCLUDED}) FROM read_parquet('{out}/*.parquet')"
    b = f"SELECT * EXCLUDE ({EXCLUDED}) FROM read_parquet('{whole}/*.parquet')"
    d = duckdb(f"SELECT (SELECT count(*) FROM ({a} EXCEPT ALL {b})) AS extra, "
               f"(SELECT count(*) FROM ({b} EXCEPT ALL {a})) AS missing, "
               f"(SELECT count(*) FROM ({a})) AS n, (SELECT count(DISTINCT path) FROM ({a})) AS keys")[0]
    check(int(d["extra"]) == 0 and int(d["missing"]) == 0, f"{label}: union differs from the unsharded run: {d}")
    check(int(d["n"]) == int(d["keys"]) == n_keys, f"{label}: {d['n']} rows, {d['keys']} distinct keys, {n_keys} keys")


def main():
    binary = sys.argv[1]
    if not os.path.isdir(os.path.join(JS, "node_modules")):
        print("SKIP: tests/js/node_modules missing (run scripts/install-deps)")
        sys.exit(SKIP)
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "store")
        n_keys = make_store(src)
        whole = os.path.join(tmp, "whole")
        os.makedirs(whole)
        headers(binary, ["--store", src, whole, "--quiet"], clean_env(), 0)

        explicit = os.path.join(tmp, "explicit")
        os.makedirs(explicit)
        for i in range(N):
            headers(binary, ["--store", src, explicit, "--quiet", "--shard", f"{i}/{N}"], clean_env(), 0)
        reference = shard_split(explicit)
        check(sorted(reference) == list(range(N)) and all(len(v) > n_keys // (3 * N) for v in reference.values()),
              f"--shard i/{N} split: { {k: len(v) for k, v in reference.items()} }")

        cases = {
            # Kubernetes Indexed Job: the index from the pod, the count from the flag.
            "kubernetes": ("JOB_COMPLETION_INDEX", lambda i: ({"JOB_COMPLETION_INDEX": str(i)}, ["--shard-count", str(N)])),
            # AWS Batch array job: index and size both from the environment.
            "aws-batch": ("AWS_BATCH_JOB_ARRAY_INDEX",
                          lambda i: ({"AWS_BATCH_JOB_ARRAY_INDEX": str(i), "AWS_BATCH_JOB_ARRAY_SIZE": str(N)}, [])),
        }
        for label, (source, task) in cases.items():
            out = os.path.join(tmp, label)
            os.makedirs(out)
            for i in range(N):
                env, flags = task(i)
                r = headers(binary, ["--store", src, out, *flags], clean_env(**env), 0)
                check(f"shard {i}/{N} (from {source})" in r.stderr, f"{label} task {i} logged:\n{r.stderr}")
            check_union(out, whole, n_keys, label)
            check(shard_split(out) == reference, f"{label}: keys split differently from --shard i/{N}")
            print(f"OK {label}: {N} tasks logged 'shard i/{N} (from {source})', same split as --shard i/{N}, "
                  f"union == unsharded run ({n_keys} keys, each once)")

        # Refusals: exit 2 with a message naming what is missing, nothing written.
        bad = os.path.join(tmp, "bad")
        os.makedirs(bad)
        refusals = [
            ({"JOB_COMPLETION_INDEX": "1"}, [], "--shard-count"),
            ({"JOB_COMPLETION_INDEX": "4"}, ["--shard-count", str(N)], "bad shard"),
            ({}, ["--shard-count", str(N)], "JOB_COMPLETION_INDEX"),
            ({"AWS_BATCH_JOB_ARRAY_INDEX": "1"}, [], "AWS_BATCH_JOB_ARRAY_SIZE"),
            ({"AWS_BATCH_JOB_ARRAY_INDEX": "4", "AWS_BATCH_JOB_ARRAY_SIZE": str(N)}, [], "bad shard"),
        ]
        for env, flags, needle in refusals:
            r = headers(binary, ["--store", src, bad, *flags], clean_env(**env), 2)
            check(needle in r.stderr, f"{env} {flags}: expected '{needle}' in:\n{r.stderr}")
        check(os.listdir(bad) == [], f"a refused run wrote {os.listdir(bad)}")
        print(f"OK refusals: {len(refusals)} misconfigurations exit 2 with a clear message")

        # --shard wins over the environment.
        r = headers(binary, ["--store", src, bad, "--shard", f"2/{N}", "--shard-count", "9"],
                    clean_env(JOB_COMPLETION_INDEX="1", AWS_BATCH_JOB_ARRAY_INDEX="0", AWS_BATCH_JOB_ARRAY_SIZE="2"), 0)
        check(f"shard 2/{N} (from --shard)" in r.stderr, r.stderr)
        check(shard_split(bad) == {2: reference[2]}, "--shard 2/4 under array-job variables read a different shard")
        print("OK precedence: --shard overrides JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX")


if __name__ == "__main__":
    main()
