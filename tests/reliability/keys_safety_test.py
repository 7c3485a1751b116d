#!/usr/bin/python3
"""Reliability: object keys that are not UTF-8, and keys that name things that
are not files, with the real binary on local trees made here.

usage: keys_safety_test.py TIFF_DUMPER TEST
  non_utf8   a local tree whose file names are not UTF-8 and would collide under
             a Latin-1 re-encoding (b'caf\\xe9.tif' vs 'café.tif'), plus names
             holding the escape character itself: every key gets a distinct
             `path`, unescape(path) is the on-disk name, rows == the manifest's
             rows == the files; after dropping the last parts (a crash after
             part 1), --resume writes no key twice; the same through --keys.
             (Local only: s3rver does not hold keys that are not UTF-8 — it keeps
             b'caf\\xe9.tif' as the text 'caf%E9.tif' and lists it so.)
  not_files  a FIFO, a unix socket, a directory and a symlink to /dev/null in a
             listed tree (skipped, each with a warning) and named in --keys
             (error rows `not_a_file`, exit 3): every run, --resume and `info`
             on the FIFO finish in < 20 s
"""
import json
import os
import re
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import (SAMPLES, check, clean_env, duckdb, headers, main_for, need_node_modules, parts,  # noqa: E402
                    run, write_config)

FAST = 20.0  # seconds: each run must finish well before any watchdog


def unescape(path):
    """The documented inverse of the `path` escaping (README, "Reliability
    guarantees"): `\\\\` -> `\\`, `\\xHH` -> byte 0xHH, anything else as is."""
    return re.sub(rb"\\(\\|x([0-9A-F]{2}))",
                  lambda m: b"\\" if m.group(1) == b"\\" else bytes([int(m.group(2), 16)]),
                  path.encode("utf-8"))


def sample_bytes():
    with open(os.path.join(SAMPLES, "utm-uint16-cog.tif"), "rb") as f:
        return f.read()


def rows_of(out):
    return duckdb(f"SELECT path, error_kind, error FROM read_parquet('{out}/*.parquet') ORDER BY path")


def manifest(out):
    with open(os.path.join(out, "_SUCCESS.json")) as f:
        return json.load(f)


def keys_records(out):
    lines = []
    for n in sorted(os.listdir(out)):
        if n.endswith(".parquet.keys"):
            with open(os.path.join(out, n), "rb") as f:
                lines += f.read().splitlines()
    return lines


def drop_parts_after(out, keep):
    """What a crash after part `keep - 1` leaves: parts 0..keep-1 and their records."""
    for n in parts(out)[keep:]:
        os.remove(os.path.join(out, n))
        os.remove(os.path.join(out, "." + n + ".keys"))
    os.remove(os.path.join(out, "_SUCCESS.json"))


def timed_headers(binary, args, out, env, expect, name):
    try:
        r, elapsed = headers(binary, args, out, env, expect=expect, timeout=60, quiet=False)
    except Exception as e:  # subprocess.TimeoutExpired: the run blocked
        raise AssertionError(f"{name}: {type(e).__name__}: {str(e)[:300]}")
    check(elapsed < FAST, f"{name}: took {elapsed:.1f} s (>= {FAST} s)")
    return r, elapsed


def check_output(out, want_keys, name):
    """Rows == manifest rows == want_keys; paths distinct; each reverses to its key."""
    rows = rows_of(out)
    paths = [r["path"] for r in rows]
    m = manifest(out)
    check(len(rows) == m["rows"], f"{name}: {len(rows)} rows but the manifest says {m['rows']}")
    check(len(set(paths)) == len(paths), f"{name}: {len(paths) - len(set(paths))} duplicate paths: "
          f"{sorted(p for p in paths if paths.count(p) > 1)[:6]}")
    got = sorted(unescape(p) for p in paths)
    check(got == sorted(want_keys), f"{name}: paths do not reverse to the keys: "
          f"missing {sorted(set(want_keys) - set(got))[:4]}, extra {sorted(set(got) - set(want_keys))[:4]}")
    for line in keys_records(out):
        key = json.loads(line)
        check("\ufffd" not in key, f"{name}: a keys record lost bytes: {line!r}")
    return rows


def test_non_utf8(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    root = os.path.join(tmp, "tree").encode()
    data = sample_bytes()
    special = [
        b"a-caf\xe9.tif",            # Latin-1 e-acute: not UTF-8
        b"a-caf\xc3\xa9.tif",        # UTF-8 e-acute: what Latin-1 decoding made of the one above
        b"a-caf\\xE9.tif",           # the escape written literally
        b"a-caf\\\\xE9.tif",         # and escaped twice
        b"a-win\\dir.tif",           # a lone backslash (kept as it is)
        b"a-\xff\xfe\\\xe9.tif",     # invalid bytes around a backslash
        b"a-sub\xe9/x.tif",          # a directory whose name is not UTF-8
        b"a-sub\xc3\xa9/x.tif",
    ]
    keys = list(special) + [f"b/obj{i:03d}.tif".encode() for i in range(20)] + [b"z-\xe9\xe9.tif"]
    for k in keys:
        p = os.path.join(root, k)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(data)
    n = len(keys)
    config = write_config(os.path.join(tmp, "c.yaml"), root.decode("utf-8", "surrogateescape"),
                          n_consumers=1, list_chunk=4, write_chunk=4)

    # Listing: distinct, reversible paths; rows == manifest == files.
    out = os.path.join(tmp, "out")
    timed_headers(binary, [config], out, env, 0, "listing")
    rows = check_output(out, keys, "listing")
    for r in rows:
        check(r["error_kind"] is None, f"listing: {r}")
    by_key = {unescape(r["path"]): r["path"] for r in rows}
    check(by_key[b"a-caf\xc3\xa9.tif"] == "a-caf\u00e9.tif", f"a UTF-8 key changed: {by_key[b'a-caf' + bytes([0xc3, 0xa9]) + b'.tif']!r}")
    check(by_key[b"a-win\\dir.tif"] == "a-win\\dir.tif", "a key with a lone backslash changed")
    print(f"listing: {len(rows)} rows, {len(set(r['path'] for r in rows))} distinct paths, manifest {manifest(out)['rows']}")

    # A crash after part 1 (8 rows kept, all the special keys among them), then --resume.
    drop_parts_after(out, 2)
    r, _ = timed_headers(binary, [config, "--resume"], out, env, 0, "listing --resume")
    check_output(out, keys, "listing --resume")
    m = manifest(out)
    check(m["resumed"] == 8 and m["rows"] == n, f"listing --resume: manifest {m}, expected 8 resumed of {n}")
    print(f"listing --resume: {m['rows']} rows ({m['resumed']} kept)")

    # --keys: the lines (bytes) are the keys; same guarantees.
    keys_file = os.path.join(tmp, "keys.txt")
    with open(keys_file, "wb") as f:
        f.write(b"\n".join(keys) + b"\n")
    out2 = os.path.join(tmp, "out2")
    cfg2 = write_config(os.path.join(tmp, "c2.yaml"), root.decode("utf-8", "surrogateescape"),
                        n_consumers=1, list_chunk=4, write_chunk=4)
    timed_headers(binary, [cfg2, "--keys", keys_file], out2, env, 0, "--keys")
    check_output(out2, keys, "--keys")
    drop_parts_after(out2, 2)
    timed_headers(binary, [cfg2, "--keys", keys_file, "--resume"], out2, env, 0, "--keys --resume")
    check_output(out2, keys, "--keys --resume")
    m = manifest(out2)
    check(m["resumed"] == 8 and m["rows"] == n, f"--keys --resume: manifest {m}")
    print(f"--keys and --resume: {m['rows']} rows ({m['resumed']} kept)")


def test_not_files(binary, tmp):
    need_node_modules()
    env = clean_env(tmp)
    root = os.path.join(tmp, "tree")
    os.makedirs(root)
    with open(os.path.join(root, "a.tif"), "wb") as f:
        f.write(sample_bytes())
    os.mkfifo(os.path.join(root, "fifo.tif"))
    os.mkdir(os.path.join(root, "dir.tif"))
    os.symlink("/dev/null", os.path.join(root, "null.tif"))
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(os.path.join(root, "sock.tif"))
    try:
        # --keys naming each of them (the FIFO last, after the others): error rows, exit 3.
        names = ["a.tif", "dir.tif", "null.tif", "sock.tif", "fifo.tif"]
        keys_file = os.path.join(tmp, "keys.txt")
        with open(keys_file, "w") as f:
            f.write("".join(os.path.join(root, n) + "\n" for n in names))
        cfg = write_config(os.path.join(tmp, "c.yaml"), root, n_consumers=1, list_chunk=1, write_chunk=1)
        out2 = os.path.join(tmp, "out2")
        r, elapsed = timed_headers(binary, [cfg, "--keys", keys_file], out2, env, 3, "--keys")
        rows = {os.path.basename(x["path"]): x for x in rows_of(out2)}
        check(sorted(rows) == sorted(names), f"--keys: rows for {sorted(rows)}")
        check(rows["a.tif"]["error_kind"] is None, f"--keys: a.tif {rows['a.tif']}")
        for n in names[1:]:
            check(rows[n]["error_kind"] == "not_a_file" and "not a regular file" in rows[n]["error"],
                  f"--keys: {n}: {rows[n]}")
        check(manifest(out2)["errors"] == 4, f"--keys: manifest {manifest(out2)}")
        print(f"--keys: 5 rows, 4 not_a_file, exit 3, {elapsed:.1f} s")

        # --resume after losing the part that held the FIFO's row: read again, no hang.
        fifo_part = [p for p in parts(out2)
                     if b"fifo.tif" in open(os.path.join(out2, "." + p + ".keys"), "rb").read()]
        check(len(fifo_part) == 1, f"--keys: FIFO row in parts {fifo_part}")
        os.remove(os.path.join(out2, fifo_part[0]))
        os.remove(os.path.join(out2, "." + fifo_part[0] + ".keys"))
        os.remove(os.path.join(out2, "_SUCCESS.json"))
        r, elapsed = timed_headers(binary, [cfg, "--keys", keys_file, "--resume"], out2, env, 3, "--keys --resume")
        m = manifest(out2)
        check(m["rows"] == 5 and m["resumed"] == 4 and len(rows_of(out2)) == 5, f"--keys --resume: manifest {m}")
        print(f"--keys --resume: 5 rows (4 kept), {elapsed:.1f} s")

        # Listing: the non-files are skipped, each with a warning; exit 0.
        out = os.path.join(tmp, "out")
        r, elapsed = timed_headers(binary, ["--store", root], out, env, 0, "listing")
        rows = rows_of(out)
        check([x["path"] for x in rows] == ["a.tif"], f"listing: rows {rows}")
        for name in ("fifo.tif", "sock.tif", "null.tif"):
            check(re.search(rf"warn.*{name}.*not a regular file", r.stderr),
                  f"listing: no warning for {name}: {r.stderr[-1500:]}")
        print(f"listing: 1 row, 3 warnings, {elapsed:.1f} s")

        # info on each: a clear not_a_file error, exit 3, at once.
        for n in names[1:]:
            t0 = time.monotonic()
            try:
                r = run([binary, "info", os.path.join(root, n)], timeout=30, env=env)
            except Exception as e:
                raise AssertionError(f"info {n}: {type(e).__name__}")
            took = time.monotonic() - t0
            check(r.returncode == 3 and "not_a_file" in r.stderr and took < FAST,
                  f"info {n}: exit {r.returncode} in {took:.1f} s: {r.stderr[-500:]}")
        print("info: 4 x not_a_file, exit 3")
    finally:
        sock.close()


if __name__ == "__main__":
    sys.exit(main_for({"non_utf8": test_non_utf8, "not_files": test_not_files}, sys.argv))
