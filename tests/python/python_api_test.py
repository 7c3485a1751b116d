#!/usr/bin/python3
"""The Python package (python/): installed with pip, checked against the command.

  python_api_test.py BUILD_DIR TIFF_DUMPER

Installs the package with `pip install --no-build-isolation --target TMP python/`,
taking the extension module and binary from BUILD_DIR (configured with
-DTD_PYTHON=ON; TD_PYTHON_PREBUILT, see python/setup.py), then runs pytest on
the tests below in a fresh /usr/bin/python3 with TMP on its path. Exit 77 (skip)
when the module was not built (no pybind11-dev, or TD_PYTHON off) or pytest or
pandas are missing.

Checked: read_header of each sample equals `tiff-dumper info SAMPLE`; read_headers
of the samples makes a pandas DataFrame with one row per file and the columns;
dump_headers over samples/ (a config file, a dict, overrides) writes Parquet
DuckDB reads back with 4 rows; a bad config raises ConfigError (a ValueError); a
missing store raises ConfigError, a missing file RunError; __version__ is what
`tiff-dumper --version` prints; the console script.
"""
import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import pytest
except ImportError:
    print("SKIP: pytest is missing (Debian python3-pytest)")
    sys.exit(77)

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SAMPLES = os.path.join(REPO, "samples")
JS = os.path.join(REPO, "tests", "js")
SKIP = 77
BINARY = os.environ.get("TD_TEST_BINARY", "")


def samples():
    return sorted(glob.glob(os.path.join(SAMPLES, "*.tif")) + glob.glob(os.path.join(SAMPLES, "*.TIFF")))


def duckdb(sql):
    r = subprocess.run(["node", os.path.join(JS, "query.mjs"), "--json", sql], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, f"duckdb failed on {sql!r}: {r.stderr}"
    return json.loads(r.stdout)


@pytest.fixture(scope="module")
def td():
    import tiff_dumper
    assert os.environ["TD_TEST_TARGET"] in tiff_dumper.__file__, tiff_dumper.__file__  # the installed copy
    return tiff_dumper


def test_read_header_equals_info(td):
    assert len(samples()) == 4
    for path in samples():
        r = subprocess.run([BINARY, "info", path], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        assert td.read_header(path) == json.loads(r.stdout), path


def test_read_headers_dataframe(td):
    import pandas
    files = samples()
    rows = td.read_headers(files, concurrency=3)
    df = pandas.DataFrame(rows)
    assert len(df) == len(files)
    assert list(df["path"]) == files
    assert list(df.columns) == list(td.read_header(files[0]).keys())
    for column in ["image_width", "image_height", "compression", "geokeys", "ifds", "error_kind"]:
        assert column in df.columns, column
    assert df["error_kind"].isna().all()
    assert (df["image_width"] > 0).all()
    # A file that cannot be read is its error row, in place.
    missing = os.path.join(SAMPLES, "missing.tif")
    rows = td.read_headers([files[0], missing], concurrency=2)
    assert [r["path"] for r in rows] == [files[0], missing]
    assert rows[1]["error_kind"] == "not_found" and rows[1]["error"]


def count_rows(out_dir):
    row = duckdb(f"SELECT count(*) AS n, count(error_kind) AS e FROM read_parquet('{out_dir}/*.parquet')")[0]
    return {k: int(v) for k, v in row.items()}  # BIGINT comes back as JSON text


def test_dump_headers(td, tmp_path):
    config = tmp_path / "config.yaml"
    config.write_text(f"store:\n  name: {SAMPLES}\nconcurrency:\n  n_consumers: 2\n")
    out = tmp_path / "out1"
    out.mkdir()
    summary = td.dump_headers(config, out)
    assert summary["listed"] == 4 and summary["ok"] == 4 and summary["errors"] == 0, summary
    assert len(summary["files"]) == 1 and os.path.exists(summary["files"][0])
    assert count_rows(out) == {"n": 4, "e": 0}
    # A dict shaped like the YAML, and overrides like the flags.
    out = tmp_path / "out2"
    out.mkdir()
    summary = td.dump_headers({"store": {"name": SAMPLES}}, out, concurrency=3, compression="zstd",
                              suffix=[".tif"])
    assert summary["listed"] == 3, summary  # .TIFF ends with .tiff, not .tif
    assert count_rows(out)["n"] == 3


def test_dump_headers_overrides(td, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    summary = td.dump_headers(None, out, store=SAMPLES, prefix="utm", concurrency=1)
    assert summary["listed"] == 1, summary
    # out is not empty now: the command's refusal, as ConfigError; overwrite=True replaces.
    with pytest.raises(td.ConfigError):
        td.dump_headers(None, out, store=SAMPLES)
    assert td.dump_headers(None, out, store=SAMPLES, overwrite=True)["listed"] == 4
    assert count_rows(out)["n"] == 4


def test_config_errors(td, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(td.ConfigError, match="unknown key 'store.nme'"):
        td.dump_headers({"store": {"nme": SAMPLES}}, out)
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"store:\n  name: {SAMPLES}\nconcurrency:\n  n_consumers: 20\n  list_chunk_size: 10\n")
    with pytest.raises(ValueError, match="n_consumers"):  # ConfigError is a ValueError
        td.dump_headers(bad, out)
    with pytest.raises(td.ConfigError, match="cannot read"):
        td.dump_headers(tmp_path / "nope.yaml", out)
    with pytest.raises(td.ConfigError, match="unknown option"):
        td.dump_headers(None, out, store=SAMPLES, concurency=3)
    with pytest.raises(td.ConfigError):
        td.dump_headers(None, out, store=SAMPLES, concurrency="many")
    with pytest.raises(td.ConfigError, match="unknown store option"):
        td.read_header(samples()[0], regoin="x")
    assert not os.listdir(out)


def test_missing_store_and_file(td, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    missing = str(tmp_path / "no-such-dir")
    r = subprocess.run([BINARY, "headers", "--store", missing, str(out)], capture_output=True, text=True, timeout=60)
    expected = {2: td.ConfigError, 1: td.RunError}[r.returncode]  # what the command says, as an exception
    with pytest.raises(expected, match="no-such-dir"):
        td.dump_headers(None, out, store=missing)
    with pytest.raises(td.RunError, match="not_found"):
        td.read_header(os.path.join(SAMPLES, "missing.tif"))
    with pytest.raises(td.ConfigError):
        td.read_header("nosuchscheme://bucket/a.tif")


def test_version_is_the_commands(td):
    r = subprocess.run([BINARY, "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "tiff-dumper " + td.__version__, (r.stdout, td.__version__)


def test_console_script():
    script = os.path.join(os.environ["TD_TEST_TARGET"], "bin", "tiff-dumper")
    r = subprocess.run([sys.executable, "-m", "tiff_dumper", "--version"], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and r.stdout.startswith("tiff-dumper "), r.stdout + r.stderr
    assert os.path.exists(script)
    r = subprocess.run([script, "info", samples()[0]], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and json.loads(r.stdout)["path"] == samples()[0], r.stderr


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    build_dir, binary = map(os.path.abspath, sys.argv[1:])
    if not glob.glob(os.path.join(build_dir, "python", "_core*.so")):
        print("SKIP: the Python module was not built (configure with -DTD_PYTHON=ON; needs Debian pybind11-dev)")
        return SKIP
    try:
        import pandas  # noqa: F401
    except ImportError:
        print("SKIP: pandas is missing (Debian python3-pandas)")
        return SKIP
    with tempfile.TemporaryDirectory(prefix="td-python-") as tmp:
        target = os.path.join(tmp, "site")
        env = dict(os.environ, TD_PYTHON_PREBUILT=build_dir, PIP_NO_INDEX="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        r = subprocess.run([sys.executable, "-m", "pip", "install", "--no-build-isolation", "--no-deps", "--quiet",
                            "--target", target, os.path.join(REPO, "python")],
                           capture_output=True, text=True, timeout=600, env=env, cwd=tmp)
        if r.returncode != 0:
            print(r.stdout + r.stderr, file=sys.stderr)
            print("FAIL: pip install of python/", file=sys.stderr)
            return 1
        env = dict(os.environ, PYTHONPATH=target, TD_TEST_TARGET=target, TD_TEST_BINARY=binary,
                   PYTHONDONTWRITEBYTECODE="1")
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--rootdir", tmp,
                            os.path.abspath(__file__)], env=env, cwd=tmp, timeout=900)
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
