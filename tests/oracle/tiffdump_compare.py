#!/usr/bin/python3
"""Oracle: `tiff-dumper info --raw` against libtiff's `tiffdump` (libtiff-tools).

    tests/oracle/tiffdump_compare.py [DIR_OR_FILE ...] [--binary PATH] [--skip-missing]

tiffdump prints the raw directory chain (main chain only, like `info --raw`):

    Magic: 0x4949 <little-endian> Version: 0x2b <BigTIFF>
    Directory 0: offset 16 (0x10) next 0 (0)
    ImageWidth (256) SHORT (3) 1<8>
    40001 (0x9c41) BYTE (1) 3<0x1 0x2 0xff>

Compared: byte order, BigTIFF flag, IFD count and offsets, and per IFD the entries
in order: code, type and count; plus the values of the decimal integer types
(SHORT, LONG, SBYTE, SSHORT, SLONG, LONG8, SLONG8) when tiffdump prints them all
(run with -m 1024) and we print them. Values of other types are left to
tifffile_compare.py: tiffdump prints BYTE/UNDEFINED in a mixed hex style, RATIONAL
and FLOAT/DOUBLE with 6 significant digits, and ASCII with C escapes.

Default input: ../shared/corpus relative to the repository. Exit 0 when all
match, 1 on a mismatch, 77 (skip) with --skip-missing when the default corpus or
tiffdump is absent.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
from pathlib import Path

from oracle_common import (DEFAULT_CORPUS, SKIP, DumperError, Report, dumper_json,
                           find_binary, tiff_files)

DIR_RE = re.compile(r"^Directory (\d+): offset (\d+) \(0x[0-9a-f]+\) next (\d+)")
# unknown tags: "40001 (0x9c41) BYTE (1) 3<...>"; known: "Name, maybe with spaces (256) ..."
TAG_UNKNOWN_RE = re.compile(r"^(\d+) \(0x[0-9a-f]+\) (\S+) \((\d+)\) (\d+)<(.*)>$")
TAG_KNOWN_RE = re.compile(r"^.*? \((\d+)\) (\S+) \((\d+)\) (\d+)<(.*)>$")
MAGIC_RE = re.compile(r"^Magic: 0x([0-9a-f]+) <[^>]*> Version: 0x([0-9a-f]+)")
DECIMAL_TYPES = {3, 4, 6, 8, 9, 16, 17}
MAX_ITEMS = 1024


def parse_tiffdump(text: str) -> dict:
    out: dict = {"ifds": [], "unparsed": []}
    cur = None
    for line in text.splitlines():
        m = MAGIC_RE.match(line)
        if m:
            out["byte_order"] = "II" if m.group(1) == "4949" else "MM"
            out["bigtiff"] = int(m.group(2), 16) == 0x2B
            continue
        m = DIR_RE.match(line)
        if m:
            cur = {"offset": int(m.group(2)), "next": int(m.group(3)), "tags": []}
            out["ifds"].append(cur)
            continue
        m = TAG_UNKNOWN_RE.match(line) or TAG_KNOWN_RE.match(line)
        if m and cur is not None:
            cur["tags"].append({"code": int(m.group(1)), "type": int(m.group(3)),
                                "count": int(m.group(4)), "text": m.group(5)})
            continue
        if cur is not None and line.strip() and not line.startswith(("OffsetSize:",)):
            out["unparsed"].append(line)
    return out


def compare(rep: Report, binary: str, path: Path) -> None:
    p = subprocess.run(["tiffdump", "-m", str(MAX_ITEMS), str(path)], capture_output=True,
                       timeout=60)
    td = parse_tiffdump(p.stdout.decode("utf-8", "replace"))
    try:
        ours = dumper_json(binary, ["info", "--raw", str(path)])
    except DumperError as exc:
        if p.returncode != 0 or not td["ifds"]:
            rep.note(path, f"both fail: tiffdump rc {p.returncode}; ours {exc}")
        else:
            rep.fail(path, f"tiff-dumper failed where tiffdump reads the file: {exc}")
        return
    if "byte_order" not in td:
        rep.note(path, f"tiffdump printed no header: {p.stderr.decode()[:200]!r}")
        return
    rep.count("files")
    if td["unparsed"]:
        rep.note(path, f"{len(td['unparsed'])} tiffdump lines not parsed, e.g. "
                       f"{td['unparsed'][0][:120]!r}")
    if ours.get("byte_order") != td["byte_order"]:
        rep.fail(path, f"byte_order {ours.get('byte_order')} != tiffdump {td['byte_order']}")
    if ours.get("bigtiff") != td["bigtiff"]:
        rep.fail(path, f"bigtiff {ours.get('bigtiff')} != tiffdump {td['bigtiff']}")
    # tiffdump walks the main chain only: SubIFDs (parent set) are left out.
    oifds = [d for d in ours.get("ifds") or [] if d.get("parent") is None]
    if len(oifds) != len(td["ifds"]):
        rep.fail(path, f"IFD count {len(oifds)} != tiffdump {len(td['ifds'])}")
    for i, (o, t) in enumerate(zip(oifds, td["ifds"])):
        rep.count("ifds")
        if o.get("offset") != t["offset"]:
            rep.fail(path, f"IFD {i}: offset {o.get('offset')} != tiffdump {t['offset']}")
        otags = o.get("tags") or []
        # tiffdump leaves out entries whose type code is above 18 (it only warns about
        # them); we list every entry, so drop those from our side before aligning.
        skipped = [x for x in otags if not 0 <= (x.get("type") or 0) <= 18]
        if skipped and len(otags) - len(skipped) == len(t["tags"]):
            rep.note(path, f"IFD {i}: {len(skipped)} entries with type > 18 not in tiffdump")
            otags = [x for x in otags if x not in skipped]
        if len(otags) != len(t["tags"]):
            rep.fail(path, f"IFD {i}: {len(otags)} tags != tiffdump {len(t['tags'])}")
        for k, (a, b) in enumerate(zip(otags, t["tags"])):
            rep.count("tags")
            where = f"IFD {i} entry {k}"
            for key in ("code", "type", "count"):
                if a.get(key) != b[key]:
                    rep.fail(path, f"{where}: {key} {a.get(key)} != tiffdump {b[key]} "
                                   f"(tag {b['code']})")
                    break
            else:
                vals = a.get("values")
                if (b["type"] in DECIMAL_TYPES and isinstance(vals, list)
                        and "..." not in b["text"] and b["count"] <= MAX_ITEMS):
                    try:
                        tdv = [int(x) for x in b["text"].split()]
                    except ValueError:
                        rep.note(path, f"{where}: cannot parse tiffdump values {b['text'][:80]!r}")
                        continue
                    if tdv != vals:
                        rep.fail(path, f"{where} tag {b['code']}: values {vals[:20]} != "
                                       f"tiffdump {tdv[:20]}")
                    else:
                        rep.count("values_compared")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("dirs", nargs="*", type=Path)
    ap.add_argument("--binary")
    ap.add_argument("--skip-missing", action="store_true")
    args = ap.parse_args()
    if shutil.which("tiffdump") is None:
        print("SKIP: tiffdump (libtiff-tools) is not installed")
        return SKIP if args.skip_missing else 1
    dirs = args.dirs
    if not dirs:
        if not DEFAULT_CORPUS.is_dir():
            print(f"SKIP: corpus {DEFAULT_CORPUS} is absent")
            return SKIP if args.skip_missing else 1
        dirs = [DEFAULT_CORPUS]
    binary = find_binary(args.binary)
    files = tiff_files(dirs)
    if not files:
        print(f"no TIFF files under {', '.join(map(str, dirs))}")
        return 1
    rep = Report()
    for path in files:
        try:
            compare(rep, binary, path)
        except Exception as exc:
            rep.fail(path, f"oracle error {type(exc).__name__}: {exc}")
    return rep.print(f"tiffdump_compare ({binary})")


if __name__ == "__main__":
    sys.exit(main())
