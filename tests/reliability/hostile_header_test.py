"""Memory from hostile headers (reliability_hostile_header_memory).

Writes small headers that expand into much larger decoded memory, with bytes built
here: the issue's example (65,535 ASCII tags sharing one 250-byte value, 786 KB) as
200 hard links, plus 1,000 IFDs repeating one 16 KiB value, 300 BYTE arrays of 1,024
sharing one value, and a valid control file. Runs `headers` over them at the default
concurrency under /usr/bin/time -v and checks

  * every hostile object stops at the budget: since issue 15 its row is kept with a
    metadata_budget_reached warning (what did not fit is not loaded), or, when even the
    row would pass its own budget, it is an error row limit_exceeded naming the budget;
  * the control file is a normal row;
  * peak RSS stays under the README's bound,
        64 MiB + min(objects, concurrency) x (17 x bytes read + 128 KiB)
    with bytes read taken from the rows' bytes_read column.

Before the decoded-memory budget each copy of the example decoded ~40 MB and the run
aborted with std::bad_alloc (or ran out of the address-space cap set here, which keeps
a failing binary from taking the shared machine's memory).

usage: hostile_header_test.py TIFF_DUMPER memory
"""
import os
import re
import resource
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import SANITIZED, SKIP, Skip, check, check_memory, clean_env, duckdb, main_for, need_node_modules  # noqa: E402

COPIES = 200
MIB = 1 << 20
TIME = "/usr/bin/time"


def classic(ifds, tail=b"", tail_at=None):
    """A little-endian classic TIFF: `ifds` is a list of entry lists [(code, type, count,
    value_field_bytes)], written back to back after the header, then `tail` at tail_at."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for i, entries in enumerate(ifds):
        start = len(out)
        nxt = start + 2 + 12 * len(entries) + 4 if i + 1 < len(ifds) else 0
        out += struct.pack("<H", len(entries))
        for code, typ, count, field in sorted(entries, key=lambda e: e[0]):
            out += struct.pack("<HHI", code, typ, count) + field.ljust(4, b"\x00")
        out += struct.pack("<I", nxt)
    if tail_at is not None:
        assert len(out) <= tail_at
        out += b"\x00" * (tail_at - len(out))
    return bytes(out + tail)


def short(v):
    return struct.pack("<H", v)


def offset(v):
    return struct.pack("<I", v)


def example_shared_ascii():
    # The file: 65,535 ASCII tags, each pointing at the same 250-byte value.
    value_at = 8 + 2 + 12 * 65535 + 4
    data = classic([[(code, 2, 250, offset(value_at)) for code in range(1, 65536)]],
                   b"v" * 249 + b"\x00", value_at)
    check(len(data) == 786434 + 250, f"example is {len(data)} bytes")
    return data


def many_ifds_one_value():
    value_at = 64 * 1024
    ifd = [(256, 3, 1, short(1)), (270, 2, 16384, offset(value_at))]
    return classic([ifd] * 1000, b"d" * 16383 + b"\x00", value_at)


def shared_byte_arrays():
    value_at = 8192
    ifd = [(256, 3, 1, short(1)), (257, 3, 1, short(1))]
    ifd += [(40000 + i, 1, 1024, offset(value_at)) for i in range(300)]
    return classic([ifd], bytes(range(256)) * 4, value_at)


def control():
    ifd = [(256, 3, 1, short(16)), (257, 3, 1, short(16)), (258, 3, 1, short(8)), (259, 3, 1, short(1)),
           (262, 3, 1, short(1)), (270, 2, 4, b"ok!\x00"), (273, 4, 1, offset(256)), (277, 3, 1, short(1)),
           (278, 3, 1, short(16)), (279, 4, 1, offset(256))]
    return classic([ifd], bytes(256), 256)


def peak_rss_kib(stderr):
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    check(m is not None, f"no peak RSS in /usr/bin/time output:\n{stderr[-2000:]}")
    return int(m.group(1))


def test_memory(binary, tmp):
    if not os.access(TIME, os.X_OK):
        raise Skip(f"{TIME} (GNU time) is missing")
    need_node_modules()
    store = os.path.join(tmp, "store")
    os.makedirs(store)
    example = os.path.join(tmp, "example.tif")
    with open(example, "wb") as f:
        f.write(example_shared_ascii())
    for i in range(COPIES):
        os.link(example, os.path.join(store, f"shared_ascii_{i:03d}.tif"))
    hostile = {f"shared_ascii_{i:03d}.tif" for i in range(COPIES)}
    for name, data in (("many_ifds.tif", many_ifds_one_value()), ("byte_arrays.tif", shared_byte_arrays())):
        with open(os.path.join(store, name), "wb") as f:
            f.write(data)
        hostile.add(name)
    with open(os.path.join(store, "control.tif"), "wb") as f:
        f.write(control())

    out = os.path.join(tmp, "out")
    os.makedirs(out)
    env = clean_env(tmp)
    # A binary without the budget would take ~40 MB per object and more: cap its address
    # space (the test then fails on the abort) rather than let it take the machine's memory.
    cap = 4 << 30

    def limit():
        if not SANITIZED:  # ASan's shadow memory needs terabytes of address space
            resource.setrlimit(resource.RLIMIT_AS, (cap, cap))

    cmd = [TIME, "-v", binary, "headers", "--store", store, "--quiet", out]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env, preexec_fn=limit)
    peak = peak_rss_kib(r.stderr)
    print(f"peak RSS {peak / 1024:.1f} MiB, exit {r.returncode}")
    rows = duckdb(f"SELECT path, error_kind, error, bytes_read, image_width, "
                  f"list_transform(warnings, w -> w.kind) AS warning_kinds "
                  f"FROM read_parquet('{out}/*.parquet') ORDER BY path")
    errors = sum(1 for row in rows if row["error_kind"])
    check(r.returncode == (3 if errors else 0), f"exit {r.returncode} with {errors} error rows:\n{r.stderr[-3000:]}")
    check(len(rows) == len(hostile) + 1, f"{len(rows)} rows for {len(hostile) + 1} objects")
    by_path = {row["path"]: row for row in rows}
    for name in sorted(hostile):
        row = by_path.get(name)
        check(row is not None, f"no row for {name}")
        budget_error = row["error_kind"] == "limit_exceeded" and "bytes of memory" in (row["error"] or "")
        budget_warning = row["error_kind"] is None and "metadata_budget_reached" in (row["warning_kinds"] or [])
        check(budget_error or budget_warning, f"{name}: {row['error_kind']}: {row['error']}, warnings {row['warning_kinds']}")
    ok = by_path.get("control.tif")
    check(ok is not None and ok["error_kind"] is None and int(ok["image_width"]) == 16, f"control row: {ok}")

    # The README's bound, with the bytes each object actually cost.
    concurrency = 1000  # n_consumers' default
    in_flight = sorted((int(row["bytes_read"]) for row in rows), reverse=True)[:concurrency]
    bound = 64 * MIB + sum(17 * b + 128 * 1024 for b in in_flight)
    print(f"bound {bound / MIB:.1f} MiB over {len(in_flight)} objects "
          f"(example: {by_path['shared_ascii_000.tif']['bytes_read']} bytes read)")
    check_memory(peak * 1024 <= bound, f"peak RSS {peak / 1024:.1f} MiB over the bound {bound / MIB:.1f} MiB")


TESTS = {"memory": test_memory}

if __name__ == "__main__":
    sys.exit(main_for(TESTS, sys.argv))
