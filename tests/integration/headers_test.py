#!/usr/bin/python3
"""End-to-end tests of `tiff-dumper headers` on local directories (and `--version`).

Each test runs the real binary, then reads the Parquet output back with
independent readers (DuckDB via tests/js/query.mjs, parquet-wasm via
tests/js/read_parquet.mjs) and checks it against `tiff-dumper info`.

usage: headers_test.py TIFF_DUMPER TEST_NAME
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JS = os.path.join(REPO, "tests", "js")
CORPUS = os.path.join(os.path.dirname(REPO), "shared", "corpus")
SAMPLES = os.path.join(REPO, "samples")
SKIP = 77


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=kw.pop("timeout", 600), **kw)


def duckdb(sql):
    r = run(["node", os.path.join(JS, "query.mjs"), "--json", sql])
    if r.returncode != 0:
        raise AssertionError(f"duckdb failed on {sql!r}: {r.stderr}")
    return json.loads(r.stdout)


def check(cond, message):
    if not cond:
        raise AssertionError(message)


def tiff_files(root):
    out = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            if n.lower().endswith((".tif", ".tiff")):
                out.append(os.path.join(dirpath, n))
    return sorted(out)


def headers(binary, args, expect=None):
    r = run([binary, "headers", *args])
    if expect is not None and r.returncode != expect:
        raise AssertionError(f"headers {args} exited {r.returncode}, expected {expect}\n{r.stderr}")
    return r


def comparable(v):
    """Make DuckDB's JSON comparable with `info`'s: BIGINTs come as strings, MAPs as
    [{key, value}] lists whose JSON-typed values are text."""
    if isinstance(v, list) and v and all(isinstance(x, dict) and set(x) == {"key", "value"} for x in v):
        return {x["key"]: comparable(json.loads(x["value"]) if isinstance(x["value"], str) else x["value"]) for x in v}
    if isinstance(v, dict):
        return {k: comparable(x) for k, x in v.items()}
    if isinstance(v, list):
        return [comparable(x) for x in v]
    if isinstance(v, str):
        try:
            return int(v)
        except ValueError:
            return v
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def make_input_dir(tmp):
    """Real TIFFs (shared corpus, samples, GDAL-made set) plus bad inputs."""
    src = os.path.join(tmp, "in")
    os.makedirs(src)
    n = 0
    sets = [("samples", SAMPLES)]
    if os.path.isdir(CORPUS):
        sets.append(("corpus", CORPUS))
    else:
        print(f"NOTE: {CORPUS} not present: corpus files not included")
    gdal_dir = os.path.join(tmp, "gdal")
    gen = os.path.join(REPO, "tests", "oracle", "make_gdal_corpus.sh")
    if os.path.exists(gen):
        r = run([gen, gdal_dir])
        check(r.returncode == 0, f"make_gdal_corpus.sh failed: {r.stderr}")
        sets.append(("gdal", gdal_dir))
    for name, root in sets:
        for f in tiff_files(root):
            rel = os.path.relpath(f, root)
            dst = os.path.join(src, name, rel)
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            shutil.copyfile(f, dst)
            n += 1
    bad = os.path.join(src, "bad")
    os.makedirs(bad)
    with open(os.path.join(bad, "not-a-tiff.tif"), "w") as f:
        f.write("hello, I am text\n")
    open(os.path.join(bad, "empty.tiff"), "w").close()
    first = tiff_files(SAMPLES)[0]
    with open(first, "rb") as f:
        data = f.read()
    with open(os.path.join(bad, "truncated.tif"), "wb") as f:
        f.write(data[:12])
    os.symlink("/nonexistent/vanished.tif", os.path.join(bad, "vanished.tif"))
    with open(os.path.join(bad, "README.txt"), "w") as f:
        f.write("not listed: wrong suffix\n")
    os.makedirs(os.path.join(bad, "a-directory.tif"))
    return src, n + 4


def test_readback(binary):
    with tempfile.TemporaryDirectory() as tmp:
        src, expected = make_input_dir(tmp)
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        r = headers(binary, ["--store", src, out, "--quiet"], expect=3)
        check("summary:" in r.stderr, f"no summary line: {r.stderr}")
        rows = duckdb(f"SELECT * FROM read_parquet('{out}/*.parquet') ORDER BY path")
        check(len(rows) == expected, f"{len(rows)} rows, expected {expected} (one per listed object)")
        paths = [row["path"] for row in rows]
        check(len(set(paths)) == len(paths), "duplicate paths")

        errors = {row["path"]: row["error_kind"] for row in rows if row["error_kind"]}
        check(errors.get("bad/not-a-tiff.tif") == "not_tiff", f"not-a-tiff: {errors}")
        check(errors.get("bad/empty.tiff") in ("not_tiff", "truncated"), f"empty: {errors}")
        check(errors.get("bad/truncated.tif") == "truncated", f"truncated: {errors}")
        check(errors.get("bad/vanished.tif") == "not_found", f"vanished: {errors}")
        check(len(errors) == 4, f"unexpected error rows: {errors}")

        # Every value equals what `info` prints for that file.
        compared = 0
        for row in rows:
            if row["error_kind"]:
                continue
            path = os.path.join(src, row["path"])
            r = run([binary, "info", path])
            check(r.returncode == 0, f"info {path}: {r.stderr}")
            info = json.loads(r.stdout)
            for column, value in row.items():
                # Cost columns depend on what the adaptive first read had learned by then.
                if column in ("path", "last_modified", "requests", "bytes_read"):
                    continue
                a, b = comparable(value), comparable(info[column])
                if column == "other_tags" and a == []:
                    a = {}  # DuckDB prints an empty MAP as []
                if column == "crs_projjson" and isinstance(value, str):
                    a = comparable(json.loads(value))  # a JSON column: DuckDB gives its text
                if column in ("jpeg_tables", "geometry") and a is not None:
                    continue  # compared via hex below
                check(a == b, f"{row['path']}: column {column}: parquet {a!r} != info {b!r}")
            compared += 1
        print(f"compared {compared} rows column by column with `info`")

        # Binary column: DuckDB hex vs info hex.
        blobs = duckdb(f"SELECT path, lower(hex(jpeg_tables)) AS h FROM read_parquet('{out}/*.parquet') WHERE jpeg_tables IS NOT NULL")
        for b in blobs:
            info = json.loads(run([binary, "info", os.path.join(src, b["path"])]).stdout)
            check(b["h"] == info["jpeg_tables"], f"{b['path']}: jpeg_tables differ")
        print(f"compared {len(blobs)} jpeg_tables blobs")
        # `geometry` is WKB that DuckDB reads as GEOMETRY (GeoParquet): its WKB back as hex.
        blobs = duckdb(f"SELECT path, lower(hex(st_aswkb(geometry))) AS h FROM read_parquet('{out}/*.parquet') "
                       "WHERE geometry IS NOT NULL")
        for b in blobs:
            info = json.loads(run([binary, "info", os.path.join(src, b["path"])]).stdout)
            check(b["h"] == info["geometry"], f"{b['path']}: geometry differs")
        print(f"compared {len(blobs)} geometry blobs")

        # A second independent reader: parquet-wasm (arrow-rs).
        wasm = os.path.join(JS, "read_parquet.mjs")
        if os.path.exists(wasm):
            total = 0
            for f in sorted(f for f in os.listdir(out) if f.endswith(".parquet")):
                r = run(["node", wasm, "wasm", os.path.join(out, f)])
                check(r.returncode == 0, f"parquet-wasm failed on {f}: {r.stderr}")
                wrows = json.loads(r.stdout)["rows"]
                by_path = {row["path"]: row for row in rows}
                for w in wrows:
                    d = by_path[w["path"]]
                    for col in ("size", "image_width", "image_height", "compression", "ifd_count",
                                "bits_per_sample", "error_kind", "byte_order", "bigtiff", "header_bytes"):
                        check(comparable(w[col]) == comparable(d[col]),
                              f"{w['path']}: {col}: parquet-wasm {w[col]!r} != duckdb {d[col]!r}")
                    check(comparable(w["geokeys"]) == comparable(d["geokeys"]) or
                          (w["geokeys"] is None and d["geokeys"] is None), f"{w['path']}: geokeys differ between readers")
                total += len(wrows)
            check(total == expected, f"parquet-wasm read {total} rows, expected {expected}")
            print(f"parquet-wasm read {total} rows, same values as DuckDB")

        # Types as specified.
        schema = {r["name"]: r for r in duckdb(f"SELECT name, type, converted_type, logical_type FROM parquet_schema('{out}/part-00000.parquet')")}
        for col in ("size", "image_width", "compression", "header_bytes", "requests", "bytes_read", "ifd_count"):
            check(schema[col]["type"] == "INT64", f"{col}: {schema[col]}")
        for col in ("path", "software", "error", "error_kind", "etag", "byte_order"):
            check(schema[col]["converted_type"] == "UTF8", f"{col}: {schema[col]}")
        check(schema["x_resolution"]["type"] == "DOUBLE", f"x_resolution: {schema['x_resolution']}")
        check(schema["bigtiff"]["type"] == "BOOLEAN", "bigtiff")
        check(schema["jpeg_tables"]["type"] == "BYTE_ARRAY", "jpeg_tables")
        check(schema["last_modified"]["type"] == "INT64" and "TIMESTAMP" in str(schema["last_modified"]["logical_type"]).upper(),
              f"last_modified: {schema['last_modified']}")
        for col in ("bits_per_sample", "model_tiepoint", "ifds"):
            check(schema[col]["converted_type"] == "LIST", f"{col}: {schema[col]}")
        check(schema["other_tags"]["converted_type"] == "MAP", f"other_tags: {schema['other_tags']}")
        types = duckdb(f"DESCRIBE SELECT * FROM read_parquet('{out}/*.parquet')")
        t = {r["column_name"]: r["column_type"] for r in types}
        check(t["geokeys"].startswith("STRUCT(model_type BIGINT"), f"geokeys: {t['geokeys'][:80]}")
        check(t["last_modified"].startswith("TIMESTAMP"), f"last_modified: {t['last_modified']}")
        check(t["ifds"].startswith("STRUCT(width BIGINT"), f"ifds: {t['ifds'][:60]}")
        # Statistics let engines prune.
        stats = duckdb(f"SELECT path_in_schema, stats_min, stats_max, stats_null_count FROM parquet_metadata('{out}/part-00000.parquet') WHERE path_in_schema = 'size'")
        check(stats and stats[0]["stats_min"] is not None and stats[0]["stats_null_count"] is not None, f"size stats: {stats}")
        # last_modified equals the file's mtime.
        lm = duckdb(f"SELECT path, epoch_ms(last_modified) AS ms FROM read_parquet('{out}/*.parquet') WHERE path LIKE 'samples/%'")
        for x in lm:
            st = os.stat(os.path.join(src, x["path"]))
            check(int(x["ms"]) == st.st_mtime_ns // 1_000_000, f"{x['path']}: last_modified {x['ms']} != {st.st_mtime_ns // 1_000_000}")
        print(f"OK: {expected} objects -> {len(rows)} rows")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


def test_errors(binary):
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        cfg = os.path.join(tmp, "c.yaml")
        cases = [
            ("store:\n  name: %s\nconcurrency:\n  n_consumer: 5\n" % SAMPLES, "concurrency.n_consumer"),
            ("store:\n  name: %s\nbogus: 1\n" % SAMPLES, "'bogus'"),
            ("store:\n  name: %s\nconcurrency:\n  n_consumers: 20\n  list_chunk_size: 10\n  max_buffer_size: 100\n  write_chunk_size: 10\n" % SAMPLES,
             "n_consumers (20) must be <= list_chunk_size (10)"),
            ("store:\n  name: %s\nconcurrency:\n  n_consumers: 5\n  list_chunk_size: 10\n  max_buffer_size: 25\n  write_chunk_size: 10\n" % SAMPLES,
             "multiple of list_chunk_size"),
            ("store:\n  name: /nonexistent/dir\n", "does not exist"),
            ("store:\n  name: ftp://host/dir\n", "unknown scheme"),
            ("store: [\n", "invalid YAML"),
        ]
        for text, needle in cases:
            write(cfg, text)
            r = headers(binary, [cfg, out], expect=2)
            check(needle in r.stderr, f"config {text!r}: expected {needle!r} in {r.stderr!r}")
            check(os.listdir(out) == [], "a config error must not write anything")
        r = headers(binary, ["/nonexistent/config.yaml", out], expect=2)
        check("cannot read" in r.stderr, r.stderr)
        r = headers(binary, ["--store", SAMPLES, os.path.join(tmp, "missing")], expect=2)
        check("output directory does not exist" in r.stderr, r.stderr)
        r = headers(binary, [out], expect=2)
        check("--store" in r.stderr, r.stderr)
        r = headers(binary, ["--store", SAMPLES, out, "--compression", "lz77"], expect=2)
        check("lz77" in r.stderr, r.stderr)
        # Non-empty OUT_DIR needs --overwrite, which replaces only our part files.
        write(os.path.join(out, "notes.txt"), "mine")
        r = headers(binary, ["--store", SAMPLES, out], expect=2)
        check("not empty" in r.stderr and "--overwrite" in r.stderr, r.stderr)
        headers(binary, ["--store", SAMPLES, out, "--overwrite", "--quiet"], expect=0)
        headers(binary, ["--store", SAMPLES, out, "--overwrite", "--quiet", "--compression", "zstd"], expect=0)
        check(sorted(os.listdir(out)) == [".part-00000.parquet.keys", "_SUCCESS.json", "notes.txt", "part-00000.parquet"],
              f"out: {os.listdir(out)}")
        n = duckdb(f"SELECT count(*) AS n FROM read_parquet('{out}/*.parquet')")[0]["n"]
        check(int(n) == len(tiff_files(SAMPLES)), f"rows {n}")
        # Empty directory: exit 0, one empty file with the full schema.
        empty = os.path.join(tmp, "empty")
        os.makedirs(empty)
        out2 = os.path.join(tmp, "out2")
        os.makedirs(out2)
        r = headers(binary, ["--store", empty, out2], expect=0)
        check("listed 0" in r.stderr, r.stderr)
        n = duckdb(f"SELECT count(*) AS n FROM read_parquet('{out2}/*.parquet')")[0]["n"]
        check(int(n) == 0, f"rows {n}")
        cols = duckdb(f"DESCRIBE SELECT * FROM read_parquet('{out2}/*.parquet')")
        check(len(cols) > 40, f"empty dataset has {len(cols)} columns")
        # --help documents the flags and exit codes.
        r = run([binary, "headers", "--help"])
        check(r.returncode == 0, "help exit code")
        for needle in ("--store", "--prefix", "--concurrency", "--suffix", "--compression", "--overwrite",
                       "--quiet", "--loud", "write_chunk_size", "Exit codes"):
            check(needle in r.stdout, f"--help lacks {needle}")
        print("OK: config and usage errors")


def write_bytes(path, data):
    with open(path, "wb") as f:
        f.write(data)


def classic_tiff(entries, next_ifd=0, size=None):
    """A little-endian classic TIFF, IFD 0 at offset 8 holding `entries` (code, type,
    count, value-or-offset field as int), then `next_ifd`; zero-padded to `size`."""
    import struct
    out = b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", len(entries))
    for code, typ, count, field in sorted(entries):
        out += struct.pack("<HHII", code, typ, count, field)
    out += struct.pack("<I", next_ifd)
    return out.ljust(size or len(out), b"\0")


def test_warnings(binary):
    """Issue 15: damaged files keep their row, the `warnings` column says what was
    skipped, and the summary line and _SUCCESS.json count those objects."""
    core = [(256, 3, 1, 16), (257, 3, 1, 16), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
            (273, 4, 1, 400), (278, 3, 1, 16), (279, 4, 1, 16)]
    with tempfile.TemporaryDirectory() as tmp:
        src, out = os.path.join(tmp, "in"), os.path.join(tmp, "out")
        os.makedirs(src)
        os.makedirs(out)
        files = {
            # a junk ASCII tag of 3.9 billion values in a 430-byte file
            "junk_ascii.tif": classic_tiff(core + [(50001, 2, 3_900_000_000, 100)], size=430),
            # next-IFD offset past the end
            "next_past_end.tif": classic_tiff(core, next_ifd=1_000_000, size=430),
            # IFD 0 links back to itself
            "loop.tif": classic_tiff(core, next_ifd=8, size=430),
            # undamaged control
            "clean.tif": classic_tiff(core, size=430),
            # IFD 0 offset past the end: still an error row
            "ifd0_past_end.tif": b"II*\0" + (5000).to_bytes(4, "little") + bytes(100),
        }
        for name, data in files.items():
            write_bytes(os.path.join(src, name), data)
        r = headers(binary, ["--store", src, out, "--quiet"], expect=3)
        check("objects with warnings 3" in r.stderr, f"summary: {r.stderr}")
        rows = duckdb(f"SELECT path, image_width, error_kind, warnings, other_tags['50001'] AS junk "
                      f"FROM read_parquet('{out}/*.parquet') ORDER BY path")
        by = {row["path"]: row for row in rows}
        check(sorted(by) == sorted(files), f"paths {sorted(by)}")
        expect = {"junk_ascii.tif": ("tag_value_out_of_bounds", 0, 50001),
                  "next_past_end.tif": ("ifd_link_out_of_bounds", 0, None),
                  "loop.tif": ("ifd_loop", 0, None)}
        for name, (kind, ifd, tag) in expect.items():
            row = by[name]
            check(row["error_kind"] is None and comparable(row["image_width"]) == 16, f"{name}: {row}")
            w = row["warnings"]
            check(isinstance(w, list) and len(w) == 1, f"{name}: warnings {w!r}")
            check((w[0]["kind"], comparable(w[0]["ifd"]), comparable(w[0]["tag"])) == (kind, ifd, tag),
                  f"{name}: warning {w[0]!r}")
            check(w[0]["message"], f"{name}: empty message")
            # `info` prints the same warnings as the row, and `info --raw` too.
            info = json.loads(run([binary, "info", os.path.join(src, name)]).stdout)
            raw = json.loads(run([binary, "info", "--raw", os.path.join(src, name)]).stdout)
            check(comparable(w) == comparable(info["warnings"]) == comparable(raw["warnings"]),
                  f"{name}: parquet {w!r}, info {info['warnings']!r}, raw {raw['warnings']!r}")
        check(json.loads(by["junk_ascii.tif"]["junk"]) == {"not_loaded": {"type": "ASCII", "count": 3900000000}},
              f"junk marker: {by['junk_ascii.tif']['junk']!r}")
        check(by["clean.tif"]["warnings"] is None, f"clean: {by['clean.tif']['warnings']!r}")
        check(by["ifd0_past_end.tif"]["error_kind"] == "truncated" and by["ifd0_past_end.tif"]["warnings"] is None,
              f"ifd0_past_end: {by['ifd0_past_end.tif']}")
        with open(os.path.join(out, "_SUCCESS.json")) as f:
            manifest = json.load(f)
        check(manifest["objects_with_warnings"] == 3 and manifest["ok"] == 4 and manifest["errors"] == 1,
              f"manifest {manifest}")
        types = {r["column_name"]: r["column_type"] for r in duckdb(f"DESCRIBE SELECT * FROM read_parquet('{out}/*.parquet')")}
        check(types["warnings"].replace('"', '') == "STRUCT(kind VARCHAR, ifd INTEGER, tag INTEGER, message VARCHAR)[]",
              f"warnings type: {types['warnings']}")
        # --max-header-bytes below the first read (64 KiB) bounds that read too: a value at
        # 5,000 of a 6,000-byte file is not read under a 1,000-byte budget.
        small_src, small_out = os.path.join(tmp, "small-in"), os.path.join(tmp, "small-out")
        os.makedirs(small_src)
        os.makedirs(small_out)
        write_bytes(os.path.join(small_src, "far_value.tif"), classic_tiff(core + [(270, 2, 900, 5000)], size=6000))
        headers(binary, ["--store", small_src, small_out, "--quiet", "--max-header-bytes", "1000"], expect=0)
        row = duckdb(f"SELECT bytes_read, warnings, image_width FROM read_parquet('{small_out}/*.parquet')")[0]
        check(comparable(row["bytes_read"]) <= 1000 and comparable(row["image_width"]) == 16, f"far_value: {row}")
        check([(w["kind"], comparable(w["tag"])) for w in row["warnings"] or []] == [("metadata_budget_reached", 270)],
              f"far_value warnings: {row['warnings']!r}")
        print("OK: damaged files keep their rows, with warnings")


def test_split(binary):
    """write_chunk_size splits the output; prefixes and suffixes filter."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        sample = tiff_files(SAMPLES)[0]
        for d in ("a", "b"):
            os.makedirs(os.path.join(src, d))
            for i in range(25):
                ext = ".TIF" if i % 5 == 0 else ".tif"
                os.link(sample, os.path.join(src, d, f"f{i:03d}{ext}"))
        write(os.path.join(src, "a", "other.jp2"), "x")
        cfg = os.path.join(tmp, "c.yaml")
        write(cfg, f"store:\n  name: file://{src}\n  prefixes: [a/]\nconcurrency:\n  n_consumers: 3\n  list_chunk_size: 10\n  max_buffer_size: 20\n  write_chunk_size: 10\n")
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        r = headers(binary, [cfg, out, "--loud"], expect=0)
        check("skipped (suffix) 1" in r.stderr, r.stderr)
        files = sorted(f for f in os.listdir(out) if f.endswith(".parquet"))
        check(files == ["part-00000.parquet", "part-00001.parquet", "part-00002.parquet"], f"files: {files}")
        manifest = json.load(open(os.path.join(out, "_SUCCESS.json")))
        check(manifest["rows"] == 25 and manifest["files"] == files and manifest["complete"], f"manifest: {manifest}")
        counts = duckdb(f"SELECT filename, count(*) AS n FROM read_parquet('{out}/*.parquet', filename=true) GROUP BY 1 ORDER BY 1")
        check([int(c["n"]) for c in counts] == [10, 10, 5], f"counts: {counts}")
        paths = duckdb(f"SELECT count(DISTINCT path) AS n, min(path) AS lo, max(path) AS hi FROM read_parquet('{out}/*.parquet')")[0]
        check(int(paths["n"]) == 25 and paths["lo"].startswith("a/") and paths["hi"].startswith("a/"), f"paths: {paths}")
        # --suffix overrides the default; case-insensitive.
        out2 = os.path.join(tmp, "out2")
        os.makedirs(out2)
        headers(binary, ["--store", src, "--suffix", ".tif", "--prefix", "b/", "--prefix", "a/f00", out2, "--quiet"], expect=0)
        n = duckdb(f"SELECT count(*) AS n FROM read_parquet('{out2}/*.parquet')")[0]["n"]
        check(int(n) == 35, f"--prefix b/ + a/f00 should give 25 + 10 rows, got {n}")
        print("OK: split into 10/10/5, prefixes and suffixes")


def test_permissions(binary):
    """An unreadable file is an error row (run as an unprivileged user when root)."""
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        src = os.path.join(tmp, "in")
        os.makedirs(src)
        sample = tiff_files(SAMPLES)[0]
        shutil.copyfile(sample, os.path.join(src, "ok.tif"))
        shutil.copyfile(sample, os.path.join(src, "secret.tif"))
        os.chmod(os.path.join(src, "secret.tif"), 0)
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        cmd = [binary, "headers", "--store", src, out, "--quiet"]
        if os.geteuid() == 0:
            if not shutil.which("setpriv"):
                print("SKIP: running as root without setpriv: cannot make a file unreadable")
                sys.exit(SKIP)
            os.chmod(out, 0o777)
            # The build tree may sit under a directory the unprivileged user cannot enter.
            local_binary = os.path.join(tmp, "tiff-dumper")
            shutil.copy(binary, local_binary)
            os.chmod(local_binary, 0o755)
            cmd[0] = local_binary
            cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] + cmd
        r = run(cmd)
        check(r.returncode == 3, f"exit {r.returncode}: {r.stderr}")
        rows = duckdb(f"SELECT path, error_kind, error FROM read_parquet('{out}/*.parquet') ORDER BY path")
        check([x["path"] for x in rows] == ["ok.tif", "secret.tif"], f"rows: {rows}")
        check(rows[0]["error_kind"] is None, f"ok.tif: {rows[0]}")
        check(rows[1]["error_kind"] == "permission_denied" and "secret.tif" in rows[1]["error"], f"secret.tif: {rows[1]}")
        print("OK: unreadable file -> permission_denied row")


def test_many(binary):
    """20,000 entries (hard links to a few real TIFFs): one row each."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        samples = tiff_files(SAMPLES)
        n = 20000
        for i in range(n):
            d = os.path.join(src, f"d{i // 1000:02d}")
            if i % 1000 == 0:
                os.makedirs(d)
            os.link(samples[i % len(samples)], os.path.join(d, f"img{i:05d}.tif"))
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        r = headers(binary, ["--store", src, out, "--concurrency", "8"], expect=0)
        print(r.stderr.strip().splitlines()[-1])
        got = duckdb(f"SELECT count(*) AS n, count(DISTINCT path) AS d, count(error_kind) AS e FROM read_parquet('{out}/*.parquet')")[0]
        check(int(got["n"]) == n and int(got["d"]) == n and int(got["e"]) == 0, f"got {got}")
        print(f"OK: {n} objects -> {n} distinct rows")


def test_keys(binary):
    """--keys replaces listing: every line is a row, as written, even outside the store."""
    with tempfile.TemporaryDirectory() as tmp:
        samples = tiff_files(SAMPLES)
        keys = os.path.join(tmp, "keys.txt")
        with open(keys, "w") as f:
            f.write("# absolute paths; the store is derived from them\n\n")
            for p in samples:
                f.write(f"  {p}  \n")
            f.write("/nonexistent/missing.tif\n")
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        headers(binary, ["--keys", keys, out, "--quiet"], expect=3)
        rows = duckdb(f"SELECT path, size, image_width, error_kind FROM read_parquet('{out}/*.parquet') ORDER BY path")
        check([r["path"] for r in rows] == sorted(samples + ["/nonexistent/missing.tif"]), f"paths: {rows}")
        for r in rows:
            if r["path"].startswith("/nonexistent"):
                check(r["error_kind"] == "not_found", f"missing: {r}")
            else:
                check(r["error_kind"] is None and int(r["size"]) == os.path.getsize(r["path"]), f"row: {r}")
        # With a store, keys are relative to it; a URL of another store is an error row.
        with open(keys, "w") as f:
            f.write(os.path.basename(samples[0]) + "\n")
            f.write(f"file://{SAMPLES}/{os.path.basename(samples[1])}\n")
            f.write("s3://elsewhere/x.tif\n")
            f.write("../samples/" + os.path.basename(samples[0]) + "\n")
        out2 = os.path.join(tmp, "out2")
        os.makedirs(out2)
        headers(binary, ["--store", SAMPLES, "--keys", keys, out2, "--quiet"], expect=3)
        rows = duckdb(f"SELECT path, error_kind, error FROM read_parquet('{out2}/*.parquet') ORDER BY path")
        kinds = {r["path"]: r["error_kind"] for r in rows}
        check(len(rows) == 4 and kinds["s3://elsewhere/x.tif"] == "invalid_value", f"rows: {rows}")
        check(kinds["../samples/" + os.path.basename(samples[0])] == "invalid_value", f"'..' key must not be read: {rows}")
        check(sum(1 for k in kinds.values() if k is None) == 2, f"rows: {rows}")
        # A relative first line without a store is a usage error.
        with open(keys, "w") as f:
            f.write("relative/key.tif\n")
        r = headers(binary, ["--keys", keys, out2, "--overwrite"], expect=2)
        check("--store" in r.stderr, r.stderr)
        print("OK: key lists")


def make_links(src, n, per_dir=100):
    samples = tiff_files(SAMPLES)
    for i in range(n):
        d = os.path.join(src, f"d{i // per_dir:03d}")
        if i % per_dir == 0:
            os.makedirs(d)
        os.link(samples[i % len(samples)], os.path.join(d, f"img{i:05d}.tif"))


def test_resume(binary):
    """--resume keeps complete parts, drops leftovers, and writes each object once."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        make_links(src, 1000)
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        cfg = os.path.join(tmp, "c.yaml")
        write(cfg, f"store:\n  name: {src}\nconcurrency:\n  n_consumers: 4\n  list_chunk_size: 100\n"
                   f"  max_buffer_size: 1000\n  write_chunk_size: 100\n")
        headers(binary, [cfg, out, "--quiet"], expect=0)
        # Simulate a crash: the last two parts and the manifest never made it;
        # a half-written temporary and an uncommitted keys record remain.
        for name in ("part-00008.parquet", "part-00009.parquet", "_SUCCESS.json"):
            os.remove(os.path.join(out, name))
        os.remove(os.path.join(out, ".part-00009.parquet.keys"))
        write(os.path.join(out, ".part-00010.parquet.tmp"), "garbage")
        r = headers(binary, [cfg, out], expect=2)
        check("--resume" in r.stderr, f"a fresh run into a used directory must point to --resume: {r.stderr}")
        r = headers(binary, [cfg, out, "--resume"], expect=0)
        check("already done (resumed) 800" in r.stderr, r.stderr)
        got = duckdb(f"SELECT count(*) AS n, count(DISTINCT path) AS d FROM read_parquet('{out}/*.parquet')")[0]
        check(int(got["n"]) == 1000 and int(got["d"]) == 1000, f"after resume: {got}")
        check(not any(f.endswith(".tmp") for f in os.listdir(out)), f"leftovers: {os.listdir(out)}")
        manifest = json.load(open(os.path.join(out, "_SUCCESS.json")))
        check(manifest["rows"] == 1000 and manifest["resumed"] == 800, f"manifest: {manifest}")
        # Resuming a complete run does nothing more.
        r = headers(binary, [cfg, out, "--resume"], expect=0)
        got = duckdb(f"SELECT count(*) AS n FROM read_parquet('{out}/*.parquet')")[0]
        check(int(got["n"]) == 1000, f"second resume: {got}")
        print("OK: resume")


def test_shards(binary):
    """Shards into one directory: disjoint, together exactly the unsharded run."""
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "in")
        make_links(src, 500)
        whole = os.path.join(tmp, "whole")
        os.makedirs(whole)
        headers(binary, ["--store", src, whole, "--quiet"], expect=0)
        out = os.path.join(tmp, "out")
        os.makedirs(out)
        for i in range(4):
            headers(binary, ["--store", src, out, "--quiet", "--shard", f"{i}/4"], expect=0)
        # The environment of an array job picks the shard too (Slurm counts from MIN).
        env_out = os.path.join(tmp, "env")
        os.makedirs(env_out)
        for i in range(1, 5):
            env = dict(os.environ, SLURM_ARRAY_TASK_ID=str(i), SLURM_ARRAY_TASK_COUNT="4", SLURM_ARRAY_TASK_MIN="1")
            r = run([binary, "headers", "--store", src, env_out], env=env)
            check(r.returncode == 0 and f"shard {i - 1}/4 (from SLURM_ARRAY_TASK_ID)" in r.stderr, r.stderr)
        for d in (out, env_out):
            names = sorted(os.listdir(d))
            check(sum(n.startswith("_SUCCESS-s") for n in names) == 4, f"manifests: {names}")
            check(all(n.startswith(("part-s", ".part-s", "_SUCCESS-s")) for n in names), f"names: {names}")
            diff = duckdb(f"SELECT count(*) AS n FROM ((SELECT path FROM read_parquet('{d}/*.parquet') EXCEPT ALL "
                          f"SELECT path FROM read_parquet('{whole}/*.parquet')) UNION ALL "
                          f"(SELECT path FROM read_parquet('{whole}/*.parquet') EXCEPT ALL "
                          f"SELECT path FROM read_parquet('{d}/*.parquet')))")[0]
            check(int(diff["n"]) == 0, f"{d}: shards differ from the whole run by {diff['n']} keys")
        per = duckdb(f"SELECT count(*) AS n FROM read_parquet('{out}/*.parquet') GROUP BY filename")
        check(len(per) == 4 and all(int(p["n"]) > 50 for p in per), f"shard sizes: {per}")
        r = headers(binary, ["--store", src, out, "--shard", "4/4"], expect=2)
        check("bad shard" in r.stderr, r.stderr)
        r = headers(binary, ["--store", src, out, "--shard", "0/4"], expect=2)
        check("--resume" in r.stderr, f"a shard's own files must block a fresh run: {r.stderr}")
        r = headers(binary, ["--store", src, out, "--shard", "1/2", "--resume"], expect=2)
        check("split into 4 shards" in r.stderr, f"another split must be refused: {r.stderr}")
        print("OK: 4 shards == whole run, each key once")


def test_version(binary):
    """`--version` prints the tool and the version CMake's project(VERSION) gives."""
    import re
    with open(os.path.join(REPO, "CMakeLists.txt")) as f:
        version = re.search(r"project\(tiff_dumper VERSION ([0-9.]+)", f.read()).group(1)
    r = run([binary, "--version"])
    check(r.returncode == 0, f"--version exited {r.returncode}: {r.stderr}")
    check(r.stdout == f"tiff-dumper {version}\n", f"--version printed {r.stdout!r}, expected 'tiff-dumper {version}'")
    r = run([binary, "--help"])
    check(r.returncode == 0 and "--version" in r.stdout, f"--help lacks --version: {r.stdout}")
    print(f"OK: --version prints tiff-dumper {version}")


def main():
    binary, name = sys.argv[1], sys.argv[2]
    if name == "version":
        return test_version(binary)  # needs no DuckDB
    if not os.path.isdir(os.path.join(JS, "node_modules")):
        print("SKIP: tests/js/node_modules missing (run scripts/install-deps)")
        sys.exit(SKIP)
    {"readback": test_readback, "errors": test_errors, "split": test_split,
     "permissions": test_permissions, "many": test_many, "keys": test_keys,
     "resume": test_resume, "shards": test_shards, "warnings": test_warnings}[name](binary)


if __name__ == "__main__":
    main()
