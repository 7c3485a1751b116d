"""Shared helpers for the oracle scripts in tests/oracle.

Run every script here with Debian's /usr/bin/python3: it has tifffile, numpy and
osgeo.gdal; a python3 earlier on PATH may not.
"""

from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

# ctest treats this exit code as "skipped" (SKIP_RETURN_CODE in CMakeLists.txt).
SKIP = 77

TIFF_MAGICS = (b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")


def escape_text(raw: bytes) -> str:
    """The CLI's one text rule (README "Text that is not valid UTF-8", row::utf8):
    well-formed UTF-8 kept, each other byte as \\xHH (upper-case), a backslash doubled
    only before \\ or x (or an escaped byte). Python's decoder with surrogateescape
    marks exactly the bytes that are not part of a well-formed sequence."""
    s = raw.decode("utf-8", "surrogateescape")
    out = []
    for i, ch in enumerate(s):
        if 0xDC80 <= ord(ch) <= 0xDCFF:
            out.append(f"\\x{ord(ch) - 0xDC00:02X}")
        elif ch == "\\":
            nxt = s[i + 1] if i + 1 < len(s) else ""
            out.append("\\\\" if nxt in ("\\", "x") or (nxt and 0xDC80 <= ord(nxt) <= 0xDCFF) else "\\")
        else:
            out.append(ch)
    return "".join(out)


def find_binary(explicit: str | None) -> str:
    """The tiff-dumper executable: --binary, $TIFF_DUMPER, or the newest build*/ one."""
    if explicit:
        return explicit
    env = os.environ.get("TIFF_DUMPER")
    if env:
        return env
    found = [p for p in glob.glob(str(REPO / "build*" / "src" / "cli" / "tiff-dumper"))
             if os.access(p, os.X_OK)]
    if not found:
        sys.exit("no tiff-dumper binary: pass --binary or set TIFF_DUMPER")
    return max(found, key=os.path.getmtime)


def is_tiff(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) in TIFF_MAGICS
    except OSError:
        return False


def tiff_files(dirs: list[Path]) -> list[Path]:
    """Every regular file under dirs that starts with a TIFF/BigTIFF magic, sorted."""
    out: list[Path] = []
    for d in dirs:
        if d.is_file():
            out.append(d)
            continue
        for p in sorted(d.rglob("*")):
            if p.is_file() and not p.is_symlink() and is_tiff(p):
                out.append(p)
    return out


class DumperError(Exception):
    pass


def run_dumper(binary: str, args: list[str], timeout: float = 20.0) -> tuple[int, str, str]:
    proc = subprocess.run([binary, *args], capture_output=True, timeout=timeout)
    return (proc.returncode,
            proc.stdout.decode("utf-8", "replace"),
            proc.stderr.decode("utf-8", "replace"))


def dumper_json(binary: str, args: list[str], timeout: float = 20.0) -> Any:
    """Runs tiff-dumper and parses its stdout as one JSON document."""
    rc, out, err = run_dumper(binary, args, timeout)
    if rc != 0:
        raise DumperError(f"exit {rc}: {err.strip()[:500]}")
    try:
        return json.loads(out)
    except json.JSONDecodeError as exc:
        raise DumperError(f"stdout is not JSON ({exc}): {out[:300]!r}") from exc


def existing_dirs(first: Path, corpora: list[Path]) -> list[Path]:
    """[first] + the corpora that exist, noting the ones that do not (../shared may be absent)."""
    dirs = [first]
    for c in corpora:
        if c.exists():
            dirs.append(c)
        else:
            print(f"NOTE: corpus {c} absent, not compared")
    return dirs


def info_row(binary: str, path: Path, report: "Report") -> dict | None:
    """`tiff-dumper info PATH` as a dict; None (and a failure in report) when it exits non-zero."""
    rc, out, err = run_dumper(binary, ["info", str(path)])
    if rc != 0:
        report.fail(path, f"info exit {rc}: {err.strip()[:200]}")
        return None
    return json.loads(out)


class Report:
    """Collects per-file mismatches; prints them grouped by file."""

    def __init__(self) -> None:
        self.by_file: dict[str, list[str]] = {}
        self.notes: dict[str, list[str]] = {}
        self.counters: dict[str, int] = {}

    def fail(self, path: Path | str, msg: str) -> None:
        self.by_file.setdefault(str(path), []).append(msg)

    def note(self, path: Path | str, msg: str) -> None:
        self.notes.setdefault(str(path), []).append(msg)

    def count(self, key: str, n: int = 1) -> None:
        self.counters[key] = self.counters.get(key, 0) + n

    def print(self, title: str, verbose_notes: bool = True) -> int:
        if verbose_notes:
            for path, msgs in sorted(self.notes.items()):
                for m in msgs:
                    print(f"NOTE {path}: {m}")
        for path, msgs in sorted(self.by_file.items()):
            print(f"MISMATCH {path}:")
            for m in msgs[:60]:
                print(f"    {m}")
            if len(msgs) > 60:
                print(f"    ... and {len(msgs) - 60} more")
        counters = ", ".join(f"{k}={v}" for k, v in sorted(self.counters.items()))
        nbad = len(self.by_file)
        nmis = sum(len(v) for v in self.by_file.values())
        print(f"{title}: {counters}; files with mismatches={nbad}, mismatches={nmis}")
        return 1 if nbad else 0
