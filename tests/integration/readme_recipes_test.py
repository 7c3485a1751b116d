#!/usr/bin/python3
"""Every SQL recipe in README.md's "Catalog recipes" runs in DuckDB on real output.

    tests/integration/readme_recipes_test.py BINARY

Scans the bundled samples/ into a temporary OUT_DIR, takes each ```sql block of the
README's "## Catalog recipes" section, puts the directory in place of OUT_DIR and runs
each statement with DuckDB (tests/js/query.mjs). A recipe that fails, or that names a
column the output lacks, fails the test. The recipes the issue names must return rows on
the samples: files per compression, files per CRS, largest headers.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUERY = REPO / "tests" / "js" / "query.mjs"


def recipes() -> list[str]:
    text = (REPO / "README.md").read_text()
    section = text.split("\n## Catalog recipes", 1)[1].split("\n## ", 1)[0]
    statements = []
    for block in re.findall(r"```sql\n(.*?)```", section, re.S):
        statements += [s.strip() for s in block.split(";") if s.strip()]
    return statements


def main() -> int:
    binary = sys.argv[1]
    if not (REPO / "tests" / "js" / "node_modules" / "@duckdb").exists():
        print("SKIP: tests/js/node_modules lacks DuckDB (scripts/install-deps)")
        return 77
    statements = recipes()
    if len(statements) < 8:
        print(f"FAIL: found only {len(statements)} SQL statements under ## Catalog recipes")
        return 1
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        out.mkdir()
        subprocess.run([binary, "headers", "--store", str(REPO / "samples"), str(out), "--quiet"], check=True)
        for sql in statements:
            sql = sql.replace("OUT_DIR", str(out))
            proc = subprocess.run(["node", str(QUERY), "--json", sql], capture_output=True, text=True, timeout=120)
            first = " ".join(sql.split())[:90]
            if proc.returncode != 0:
                print(f"FAIL: {first}…\n      {proc.stderr.strip()[:300]}")
                failures += 1
                continue
            rows = json.loads(proc.stdout)
            print(f"ok ({len(rows)} rows): {first}…")
            must_answer = ("compression_name" in sql and "GROUP BY" in sql) or "crs_epsg" in sql or \
                "ORDER BY header_bytes" in sql
            if must_answer and not rows:
                print("FAIL: this recipe returned no rows on the samples")
                failures += 1
    print(f"readme_recipes: {len(statements)} statements, {failures} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
