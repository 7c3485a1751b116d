#!/usr/bin/python3
"""What the `tiff-dumper` command tells its user: progress, hints, summaries.

Each test runs the real binary and checks what it prints.

  progress   a plain progress line in a log (stderr not a terminal), its interval from
             TD_PROGRESS_INTERVAL_S, an ETA once the key count is known, none with --quiet;
             on a terminal (a pty) the live line with an ETA
  stdin      `--keys -` without --store: the store from the first line read on stdin
  hints      an unknown subcommand or long flag gets "did you mean" (the flag's name only, never
             its value), a flag's value is named by the flag
  info       `info` of several files: JSON Lines; one file: unchanged
  brief      `info --brief` of the samples and a non-TIFF file: per file the lines of its row
             (values read from `info FILE`'s JSON), the non-TIFF file's error line, the others
             still printed, exit 3; --brief in `info --help`; --brief --raw refused
  summary    the output directory and sizes in the summary, a DuckDB query for the error
             rows that lists them, a warning when nothing matched
  retries    `--loud` shows each retry and its cause (fault server: 503 twice, then 200)

usage: cli_test.py TIFF_DUMPER TEST_NAME
"""
import json
import os
import pty
import re
import select
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JS = os.path.join(REPO, "tests", "js")
SAMPLES = os.path.join(REPO, "samples")
sys.path.insert(0, os.path.join(REPO, "tests", "servers"))
SKIP = 77

PROGRESS = re.compile(r"^info: progress: listed (\d+), done (\d+), errors (\d+), (\d+) headers/s, elapsed \S+"
                      r"(, (\d+) to go, ETA \S+)?$", re.M)


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 300), **kw)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def samples():
    return sorted(os.path.join(SAMPLES, n) for n in os.listdir(SAMPLES) if n.lower().endswith((".tif", ".tiff")))


def duckdb(sql):
    r = run(["node", os.path.join(JS, "query.mjs"), "--json", sql])
    if r.returncode != 0:
        raise AssertionError(f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def env_with(**kw):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in kw.items()})
    return env


def test_progress(binary):
    files = samples()
    with tempfile.TemporaryDirectory() as tmp:
        # A key list fed slowly on stdin: the run lasts ~2 s, so a 0.2 s interval
        # (the watchdog wakes every 0.5 s) gives several lines; the count is not
        # known (stdin), so no ETA until the key list ends.
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        p = subprocess.Popen([binary, "headers", "--keys", "-", out], stdin=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True, env=env_with(TD_PROGRESS_INTERVAL_S="0.2"))
        p.stdin.write(files[0] + "\n")
        p.stdin.flush()
        time.sleep(2)
        for f in files[1:]:
            p.stdin.write(f + "\n")
        p.stdin.close()
        err = p.stderr.read()
        p.wait(timeout=60)
        check(p.returncode == 0, f"exit {p.returncode}: {err}")
        lines = PROGRESS.findall(err)
        check(len(lines) >= 3, f"expected a progress line every 0.5 s: {err}")
        check(not any(m[4] for m in lines if int(m[0]) == 1), f"no ETA while stdin is open: {err}")
        check(any(int(m[0]) == 1 and int(m[1]) == 1 for m in lines), f"the first key read shows: {err}")
        check("\r" not in err and "\033" not in err, f"no terminal codes in a log: {err!r}")
        # --quiet: none.
        r = run([binary, "headers", "--keys", "-", out, "--overwrite", "--quiet"], input="\n".join(files) + "\n",
                env=env_with(TD_PROGRESS_INTERVAL_S="0.01"))
        check(r.returncode == 0 and not PROGRESS.search(r.stderr) and "progress" not in r.stderr, r.stderr)
        # The default interval is 30 s: a short run has no progress line, only the summary.
        r = run([binary, "headers", "--store", SAMPLES, out, "--overwrite"])
        check(r.returncode == 0 and "progress:" not in r.stderr and "summary:" in r.stderr, r.stderr)
        # A bad interval is a usage error.
        r = run([binary, "headers", "--store", SAMPLES, out, "--overwrite"], env=env_with(TD_PROGRESS_INTERVAL_S="soon"))
        check(r.returncode == 2 and "TD_PROGRESS_INTERVAL_S" in r.stderr, r.stderr)
        # A key-list file is counted: the lines say how many are left and when they will be done.
        keys = os.path.join(tmp, "keys.txt")
        n = 40000
        with open(keys, "w") as f:
            f.write("# many reads of a few files\n")
            for i in range(n):
                f.write(files[i % len(files)] + "\n")
        t0 = time.monotonic()
        r = run([binary, "headers", "--keys", keys, out, "--overwrite", "--concurrency", "1"],
                env=env_with(TD_PROGRESS_INTERVAL_S="0.2"))
        took = time.monotonic() - t0
        check(r.returncode == 0, r.stderr)
        lines = PROGRESS.findall(r.stderr)
        print(f"{n} keys, --concurrency 1: {took:.1f}s, {len(lines)} progress lines")
        if took > 1.0:
            with_eta = [m for m in lines if m[4]]
            check(with_eta, f"no ETA in {len(lines)} lines: {r.stderr}")
            check(all(int(m[5]) + int(m[1]) == n for m in with_eta), f"'to go' + done != {n}: {with_eta}")
        # On a terminal: the live line, rewritten in place, with its ETA.
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(binary, [binary, "headers", "--keys", keys, out, "--overwrite", "--concurrency", "1"])
        data = b""
        while True:
            ready, _, _ = select.select([fd], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        _, status = os.waitpid(pid, 0)
        text = data.decode(errors="replace")
        check(os.waitstatus_to_exitcode(status) == 0, f"pty run: {text[-2000:]}")
        check("\r\033[Klisted " in text, f"no live line on a terminal: {text[-2000:]!r}")
        check("progress:" not in text, "the plain line is for logs, not terminals")
        if took > 1.0:
            check(re.search(r"to go, ETA \d", text), f"no ETA on the terminal: {text[-2000:]!r}")
        print("OK: progress in logs and on terminals")


def test_stdin(binary):
    files = samples()
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        text = "# from find\n\n" + "\n".join(files) + "\n"
        r = run([binary, "headers", "--keys", "-", out], input=text)
        check(r.returncode == 0, f"--keys - without --store: exit {r.returncode}: {r.stderr}")
        rows = duckdb(f"SELECT path, error_kind FROM read_parquet('{out}/*.parquet') ORDER BY path")
        check([x["path"] for x in rows] == files and all(x["error_kind"] is None for x in rows), f"rows: {rows}")
        # Relative keys on stdin still need a store, and say so.
        r = run([binary, "headers", "--keys", "-", out, "--overwrite"], input="a/b.tif\n")
        check(r.returncode == 2 and "key list on stdin starts with 'a/b.tif'" in r.stderr and "--store" in r.stderr,
              r.stderr)
        r = run([binary, "headers", "--keys", "-", out, "--overwrite"], input="# nothing\n")
        check(r.returncode == 2 and "holds no keys" in r.stderr, r.stderr)
        r = run([binary, "headers", "--store", SAMPLES, "--keys", "-", out, "--overwrite"], input="# nothing\n")
        check(r.returncode == 0 and "warning: the key list on stdin holds no keys" in r.stderr, r.stderr)
        print(f"OK: --keys - read {len(rows)} keys from stdin")


def test_hints(binary):
    for typo, want in (("heders", "headers"), ("haeders", "headers"), ("inf", "info"), ("ifno", "info")):
        r = run([binary, typo, "x"])
        check(r.returncode == 2 and f"unknown subcommand '{typo}'; did you mean '{want}'?" in r.stderr,
              f"{typo}: {r.returncode} {r.stderr}")
    r = run([binary, "catalog"])
    check(r.returncode == 2 and "unknown subcommand 'catalog'" in r.stderr and "did you mean" not in r.stderr
          and "headers" in r.stderr, r.stderr)
    r = run([binary])
    check(r.returncode == 2, r.stderr)
    # A misspelled long flag gets the nearest flag of its command, even when a value follows it.
    for args, typo, want in ((["headers", "--concurency", "4", "cfg", "out"], "--concurency", "--concurrency"),
                             (["headers", "--store", SAMPLES, "--sufix=.tif", "out"], "--sufix", "--suffix"),
                             (["info", "--rwa", samples()[0]], "--rwa", "--raw"),
                             (["--verison"], "--verison", "--version")):
        r = run([binary] + args)
        check(r.returncode == 2 and f"unknown option '{typo}'; did you mean {want}?" in r.stderr,
              f"{args}: {r.returncode} {r.stderr}")
    r = run([binary, "headers", "--frobnicate=s3cret", "out"])
    check(r.returncode == 2 and "unknown option '--frobnicate' (see tiff-dumper headers --help)" in r.stderr
          and "did you mean" not in r.stderr and "s3cret" not in r.stderr, r.stderr)
    with tempfile.TemporaryDirectory() as out:
        r = run([binary, "headers", "--store", SAMPLES, out, "--concurrency", "20000"])
        check(r.returncode == 2 and "--concurrency (n_consumers) 20000 must be <= list_chunk_size (10000)" in r.stderr,
              r.stderr)
        r = run([binary, "headers", "--store", "/nonexistent/dir", out])
        check(r.returncode == 2 and "error: --store: store directory does not exist" in r.stderr, r.stderr)
        cfg = os.path.join(out, "..", os.path.basename(out) + ".yaml")
        with open(cfg, "w") as f:
            f.write(f"store:\n  name: {SAMPLES}\nconcurrency:\n  n_consumers: 20\n  list_chunk_size: 10\n"
                    "  max_buffer_size: 100\n  write_chunk_size: 10\n")
        try:
            r = run([binary, "headers", cfg, out])
            check(r.returncode == 2 and "n_consumers (20) must be <= list_chunk_size (10)" in r.stderr, r.stderr)
        finally:
            os.remove(cfg)
    print("OK: hints")


def test_info(binary):
    files = samples()[:3]
    one = run([binary, "info", files[0]])
    check(one.returncode == 0 and one.stdout.startswith("{\n  \"path\""), f"one file: pretty JSON: {one.stdout[:200]}")
    r = run([binary, "info", *files])
    check(r.returncode == 0, r.stderr)
    lines = r.stdout.splitlines()
    check(len(lines) == len(files), f"one line per file: {r.stdout[:500]}")
    docs = [json.loads(x) for x in lines]
    check([d["path"] for d in docs] == files, f"paths: {[d['path'] for d in docs]}")
    check(docs[0] == json.loads(one.stdout), "the line of a file is the document `info FILE` prints")
    # A missing file in the middle: its error on stderr, the others still printed, exit 3.
    missing = os.path.join(SAMPLES, "missing.tif")
    r = run([binary, "info", files[0], missing, files[1]])
    check(r.returncode == 3, f"exit {r.returncode}")
    check([json.loads(x)["path"] for x in r.stdout.splitlines()] == [files[0], files[1]], r.stdout[:300])
    check(re.search(r"^error: " + re.escape(missing) + ": not_found", r.stderr, re.M), r.stderr)
    r = run([binary, "info", "--raw", *files[:2]])
    docs = [json.loads(x) for x in r.stdout.splitlines()]
    check(r.returncode == 0 and [list(d)[0] for d in docs] == ["path", "path"] and docs[1]["path"] == files[1],
          r.stdout[:300])
    raw_one = json.loads(run([binary, "info", "--raw", files[1]]).stdout)
    check("path" not in raw_one and {k: v for k, v in docs[1].items() if k != "path"} == raw_one, "raw lines")
    print(f"OK: info of {len(files)} files")


def brief_blocks(text):
    """`info --brief` output -> {path: {label: [lines]}} (continuation lines under their label)."""
    blocks = {}
    for block in text.strip("\n").split("\n\n"):
        lines = block.split("\n")
        check(lines and not lines[0].startswith(" "), f"a block starts with its path: {block!r}")
        fields, label = {}, None
        for line in lines[1:]:
            m = re.match(r"^  (\S.{0,13}?)\s{2,}(\S.*)$", line) if not line.startswith(" " * 16) else None
            if m:
                label = m.group(1)
                fields[label] = [m.group(2)]
            else:
                check(label is not None and line.startswith(" " * 16), f"line under a label: {line!r}")
                fields[label].append(line.strip())
        blocks[lines[0]] = fields
    return blocks


def test_brief(binary):
    helped = run([binary, "info", "--help"])
    check(helped.returncode == 0 and re.search(r"^\s+--brief\s+\S", helped.stdout, re.M), helped.stdout)
    r = run([binary, "info", "--brief", "--raw", samples()[0]])
    check(r.returncode == 2, f"--brief with --raw: exit {r.returncode}: {r.stderr}")
    with tempfile.TemporaryDirectory() as tmp:
        not_tiff = os.path.join(tmp, "notes.tif")
        with open(not_tiff, "w") as f:
            f.write("this is not a TIFF file\n" * 4)
        files = samples()
        paths = files[:1] + [not_tiff] + files[1:]  # the bad file in the middle: the rest go on
        r = run([binary, "info", "--brief", *paths])
        check(r.returncode == 3, f"exit {r.returncode} (a file is an error): {r.stderr}")
        blocks = brief_blocks(r.stdout)
        check(list(blocks) == paths, f"one block per file, in order: {list(blocks)}")
        bad = blocks[not_tiff]
        check(bad.get("error", [""])[0].startswith("not_tiff: ") and "image" not in bad, f"non-TIFF: {bad}")
        check(bad.get("size") == ["96 bytes"], f"non-TIFF size from its row: {bad}")
        for path in files:
            row = json.loads(run([binary, "info", path]).stdout)
            got = blocks[path]
            image = got["image"][0]
            check(image.startswith(f"{row['image_width']} x {row['image_height']}, "), f"{path}: size: {image}")
            check(image.endswith(", " + row["compression_name"]), f"{path}: compression: {image}")
            check(f" of {row['data_type']}" in image, f"{path}: data type: {image}")
            if row["tiled"]:
                check(f"tiled {row['tile_width']} x {row['tile_height']}" in image, f"{path}: tiles: {image}")
            overviews = got["overviews"][0]
            want = "none" if row["overview_count"] == 0 else str(row["overview_count"])
            check(overviews.split(" ")[0] == want, f"{path}: overviews {overviews!r}, want {want}")
            check(("internal mask" in overviews) == row["has_mask"], f"{path}: mask: {overviews}")
            check(f"({row['size']} bytes)" in got["size"][0] and
                  ("BigTIFF" in got["size"][0]) == row["bigtiff"] and
                  ("big-endian" if row["byte_order"] == "MM" else "little-endian") in got["size"][0],
                  f"{path}: size line {got['size']}")
            if row["crs_epsg"] is not None:
                check(got["crs"][0] == f"EPSG:{row['crs_epsg']} {row['crs_projjson']['name']}", f"{path}: {got['crs']}")
            check(("nodata" in got) == (row["nodata"] is not None), f"{path}: nodata line {got.get('nodata')}")
            first = "no image data" if row["first_data_offset"] is None else f"first data at {row['first_data_offset']}"
            check(got["header"] == [f"header_bytes {row['header_bytes']}, {first}"],
                  f"{path}: header {got['header']}")
            if row["bbox"] is not None:
                nums = [float(x) for x in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", got["wgs84 bbox"][0])]
                b = row["bbox"]
                check(all(abs(x - y) < 1e-6 for x, y in zip(nums, [b["xmin"], b["xmax"], b["ymin"], b["ymax"]])),
                      f"{path}: wgs84 bbox {got['wgs84 bbox']} vs {b}")
            check(("warnings" in got) == (row["warnings"] is not None), f"{path}: warnings line")
            check("error" not in got, f"{path}: no error line: {got}")
        cog = blocks[os.path.join(SAMPLES, "utm-uint16-cog.tif")]
        print("utm-uint16-cog.tif:\n  " + "\n  ".join(f"{k}: {v}" for k, v in cog.items()))
        # One file: the exit code `info FILE` has (3: the file could not be read).
        one = run([binary, "info", "--brief", not_tiff])
        check(one.returncode == 3 and one.stdout.startswith(not_tiff + "\n"), f"one bad file: {one.returncode}")
        one = run([binary, "info", "--brief", files[0]])
        check(one.returncode == 0 and brief_blocks(one.stdout) == {files[0]: blocks[files[0]]}, one.stdout)
    print(f"OK: info --brief of {len(paths)} files")


def test_summary(binary):
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        for f in samples()[:2]:
            os.link(f, os.path.join(src, os.path.basename(f)))
        with open(os.path.join(src, "not-a-tiff.tif"), "w") as f:
            f.write("hello\n")
        with open(os.path.join(src, "notes.txt"), "w") as f:
            f.write("hello\n")
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        r = run([binary, "headers", "--store", src, os.path.join(tmp, ".", "out")])
        check(r.returncode == 3, r.stderr)
        summary = r.stderr.strip().splitlines()[-1]
        check(summary.startswith("summary: listed 3, ok 2, errors 1"), f"the summary is the last line: {summary}")
        check(re.search(r"bytes read \d+ \(\d+(\.\d)? (B|KiB|MiB)\)", summary), summary)
        check(re.search(r"files 1 \(\d+\.\d KiB\) in " + re.escape(out) + ",", summary), summary)
        m = re.search(r"^warning: 1 objects are error rows; list them with: duckdb -c \"(.*)\"$", r.stderr, re.M)
        check(m, f"no query for the error rows: {r.stderr}")
        rows = duckdb(m.group(1))
        check(len(rows) == 1 and rows[0]["path"] == "not-a-tiff.tif" and rows[0]["error_kind"], f"query: {rows}")
        # A clean run has no query.
        r = run([binary, "headers", "--store", SAMPLES, out, "--overwrite"])
        check(r.returncode == 0 and "duckdb" not in r.stderr and "warning:" not in r.stderr, r.stderr)
        # Nothing matched: a warning that names the prefix and the suffixes.
        r = run([binary, "headers", "--store", src, out, "--overwrite", "--prefix", "nope/"])
        check(r.returncode == 0 and "warning: --prefix 'nope/' and suffix '.tif', '.tiff' (the default) matched no object "
              "(the listing was empty)" in r.stderr, r.stderr)
        r = run([binary, "headers", "--store", src, out, "--overwrite", "--suffix", ".jp2", "--quiet"])
        check(r.returncode == 0 and "warning: the whole store and --suffix '.jp2' matched no object "
              "(4 objects listed, none with that suffix)" in r.stderr, r.stderr)
        cfg = os.path.join(tmp, "c.yaml")
        with open(cfg, "w") as f:
            f.write(f"store:\n  name: {src}\n  prefixes: [x/, y/]\n")
        r = run([binary, "headers", cfg, out, "--overwrite", "--quiet"])
        check(r.returncode == 0 and "warning: store.prefixes 'x/', 'y/' and suffix '.tif', '.tiff' (the default) "
              "matched no object (the listing was empty)" in r.stderr, r.stderr)
        print("OK: summary: " + summary)


def test_retries(binary):
    from fault_server import FaultServer
    server = FaultServer()
    server.start()
    try:
        with tempfile.TemporaryDirectory() as out:
            url = f"http://127.0.0.1:{server.port}/503x2/cli-test.tif"
            r = run([binary, "headers", "--keys", "-", out, "--loud"], input=url + "\n")
            # The body is not a TIFF: the object is an error row once the retries succeed.
            check(r.returncode == 3, f"exit {r.returncode}: {r.stderr}")
            retries = re.findall(r"^debug: retry (\d)/5 of GET (\S+) in (\d+) ms: HTTP 503$", r.stderr, re.M)
            check([x[0] for x in retries] == ["1", "2"] and all(x[1] == url for x in retries), r.stderr)
            check(all(int(x[2]) == 1000 for x in retries), f"Retry-After: 1 is honoured: {retries}")
            r = run([binary, "headers", "--keys", "-", out, "--overwrite"],
                    input=f"http://127.0.0.1:{server.port}/503x2/cli-test-2.tif\n")
            check(r.returncode == 3 and "retry" not in r.stderr, f"retries only with --loud: {r.stderr}")
    finally:
        server.stop()
    print("OK: --loud shows retries: " + "; ".join(x[0] for x in retries))


def main():
    binary, name = sys.argv[1], sys.argv[2]
    if name in ("stdin", "summary") and not os.path.isdir(os.path.join(JS, "node_modules")):
        print("SKIP: tests/js/node_modules missing (run scripts/install-deps)")
        sys.exit(SKIP)
    {"progress": test_progress, "stdin": test_stdin, "hints": test_hints, "info": test_info, "brief": test_brief,
     "summary": test_summary, "retries": test_retries}[name](binary)


if __name__ == "__main__":
    main()
