#!/usr/bin/env python3
"""Issue 15, kind 6 end to end: the issue's example, an ImageDescription holding valid
UTF-8 "Zürich … µm" and one invalid byte (0xFF), must read the same in `info` and
`info --raw` (README "Text that is not valid UTF-8": invalid bytes as \\xHH), and
`info --raw` must give the exact bytes back ("bytes_hex", and by reversing the rule).
The Parquet row is the `info` row (row_to_json; tests/unit/row/text_rule_test.cc).

Usage: text_rule_check.py OUT_DIR [--binary tiff-dumper].
"""
from __future__ import annotations

import argparse
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle_common import dumper_json, escape_text, find_binary  # noqa: E402

TEXT = "Zürich … µm".encode() + b"\xff"
EXPECTED = "Zürich … µm\\xFF"


def tiff_with_description(desc: bytes) -> bytes:
    """Classic little-endian TIFF, 1x1 8-bit, ImageDescription = desc + NUL."""
    value = desc + b"\0"
    n = 6
    data_off = 8 + 2 + 12 * n + 4
    e = [(256, 3, 1, struct.pack("<HH", 1, 0)), (257, 3, 1, struct.pack("<HH", 1, 0)),
         (258, 3, 1, struct.pack("<HH", 8, 0)), (270, 2, len(value), struct.pack("<I", data_off)),
         (273, 4, 1, struct.pack("<I", data_off + len(value))), (279, 4, 1, struct.pack("<I", 1))]
    table = b"".join(struct.pack("<HHI", t, ty, c) + v for t, ty, c, v in e)
    return b"II*\0" + struct.pack("<IH", 8, n) + table + b"\0\0\0\0" + value + b"\0"


def unescape(text: str) -> bytes:
    """The rule reversed: \\\\ -> \\, \\xHH -> the byte, anything else as UTF-8."""
    out, i = bytearray(), 0
    while i < len(text):
        if text.startswith("\\\\", i):
            out += b"\\"
            i += 2
        elif text.startswith("\\x", i) and len(text) >= i + 4 and all(c in "0123456789ABCDEF" for c in text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += text[i].encode()
            i += 1
    return bytes(out)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--binary")
    args = ap.parse_args()
    binary = find_binary(args.binary)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    path = args.out_dir / "zurich.tif"
    path.write_bytes(tiff_with_description(TEXT))
    failures = []
    if escape_text(TEXT) != EXPECTED:
        failures.append(f"oracle_common.escape_text gives {escape_text(TEXT)!r}")
    row = dumper_json(binary, ["info", str(path)])
    if row.get("image_description") != EXPECTED:
        failures.append(f"info: image_description {row.get('image_description')!r}, expected {EXPECTED!r}")
    raw = dumper_json(binary, ["info", "--raw", str(path)])
    tag = next(t for t in raw["ifds"][0]["tags"] if t["code"] == 270)
    if tag.get("values") != EXPECTED:
        failures.append(f"info --raw: values {tag.get('values')!r}, expected {EXPECTED!r}")
    if bytes.fromhex(tag.get("bytes_hex", "")) != TEXT:
        failures.append(f"info --raw: bytes_hex {tag.get('bytes_hex')!r} is not the file's bytes")
    if unescape(tag.get("values", "")) != TEXT:
        failures.append("info --raw: reversing the rule does not give the file's bytes")
    for f in failures:
        print("FAIL", f)
    print(f"text rule: {EXPECTED!r} in info and info --raw; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
