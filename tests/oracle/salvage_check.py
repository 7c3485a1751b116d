#!/usr/bin/python3
"""Issue 15, kinds 1-2: damaged files keep what can be read, and no silent limits.
tiff-dumper against tifffile, GDAL (osgeo.gdal) and, when installed, libtiff's tiffinfo.

Writes one file per case into OUT_DIR (bytes made here with struct, little-endian
classic TIFF; each image IFD a 16x16 or 1x1 8-bit grey strip image):
  junk_ascii        ASCII tag 50001 with count 3,900,000,000 at offset 100 in a 430-byte
                    file, IFD 0 otherwise valid (16x16)
  icc_past_eof      ICC profile (34675, UNDEFINED, count 3144) whose offset is past the end
  next_past_eof     IFD 0's next-IFD offset past the end of the file
  loop_self         IFD 0's next-IFD offset is IFD 0 itself
  loop_three        IFD 0 -> IFD 1 -> IFD 2 -> IFD 0
  pages_1025        1,025 chained 1x1 IFDs (past the old limit of 1,024)
  pages_1823        1,823 chained 1x1 IFDs
  xmp_15198         XMP (700, BYTE) of 15,198 values
  next_cut          IFD 1's entries whole, its 4-byte next-IFD offset cut by the end of the file
  subifd_and_next   IFD 1 is both IFD 0's SubIFD (330, LONG) and IFD 0's next IFD
and checks, for each, what `tiff-dumper info` says (a row, ifd_count, warnings, the tag
kept in other_tags) against the expectations of the issue and against tifffile's page
count (len(tif.pages)); `info --raw` must print the same warnings as `info`. GDAL's and
libtiff's views are printed (one line per file, quoted in the issue's closing note);
a reader that cannot open a file is recorded, not a failure.

tifffile 2023.2.3 gives no page count for a looping chain: len(tif.pages) raises
"invalid circular IFD reference" once it has listed 100 offsets. For those files
ifd_count is compared with the number of distinct offsets it listed before giving up
(1 and 3), and the error is printed.

Usage: salvage_check.py OUT_DIR [--binary tiff-dumper]
Exit status: 0 when everything matches, 1 on a mismatch, 77 when tifffile is missing.
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle_common import SKIP, DumperError, dumper_json, find_binary  # noqa: E402

try:
    import tifffile
except ImportError as _exc:
    print(f"SKIP: {_exc}; run with /usr/bin/python3 (python3-tifffile)")
    sys.exit(SKIP)

try:
    from osgeo import gdal
    gdal.UseExceptions()
except ImportError as _exc:  # GDAL's checks are skipped, the others run
    gdal = None
    GDAL_MISSING = str(_exc)

SHORT, LONG, ASCII, BYTE, UNDEFINED = 3, 4, 2, 1, 7


def entry(tag: int, typ: int, count: int, value: int | bytes) -> bytes:
    """One 12-byte IFD entry; an int is the value/offset field (LONG), bytes are packed
    left-justified into it."""
    if isinstance(value, int):
        field = struct.pack("<I", value)
    else:
        assert len(value) <= 4
        field = value.ljust(4, b"\0")
    return struct.pack("<HHI", tag, typ, count) + field


def image_entries(size: int, strip: int, extra: list[bytes] | tuple = ()) -> list[bytes]:
    """The entries of a size x size 8-bit grey image in one strip at `strip`, plus
    `extra` entries, sorted by tag."""
    s = lambda v: struct.pack("<H", v)  # noqa: E731
    entries = [entry(256, SHORT, 1, s(size)), entry(257, SHORT, 1, s(size)),
               entry(258, SHORT, 1, s(8)), entry(259, SHORT, 1, s(1)), entry(262, SHORT, 1, s(1)),
               entry(273, LONG, 1, strip), entry(277, SHORT, 1, s(1)),
               entry(278, SHORT, 1, s(size)), entry(279, LONG, 1, size * size), *extra]
    return sorted(entries, key=lambda e: struct.unpack_from("<H", e)[0])


def ifd(entries: list[bytes], next_ifd: int | None) -> bytes:
    """An IFD: count, entries, then the next-IFD offset (None: left out, the file is cut)."""
    out = struct.pack("<H", len(entries)) + b"".join(entries)
    return out if next_ifd is None else out + struct.pack("<I", next_ifd)


def ifd_size(n: int) -> int:
    return 2 + 12 * n + 4


def header(first: int) -> bytes:
    return b"II*\0" + struct.pack("<I", first)


PIXELS = bytes(range(256))


def one_page(extra: list[bytes], next_ifd: int = 0, tail: bytes = b"") -> bytes:
    """Header, IFD 0 at 8 (16x16, strip right after it), the strip, `tail`."""
    n = 9 + len(extra)
    strip = 8 + ifd_size(n)
    return header(8) + ifd(image_entries(16, strip, extra), next_ifd) + PIXELS + tail


def junk_ascii() -> bytes:
    data = one_page([entry(50001, ASCII, 3_900_000_000, 100)])
    assert len(data) <= 430
    return data.ljust(430, b"\0")


def icc_past_eof() -> bytes:
    return one_page([entry(34675, UNDEFINED, 3144, 1_000_000)])


def next_past_eof() -> bytes:
    return one_page([], next_ifd=0x7FFF_0000)


def chain(n: int, size: int, loop_to: int | None = None, cut_last: bool = False,
          subifd: bool = False) -> bytes:
    """n image IFDs one after another from offset 8 (each followed by its strip).
    loop_to: the last IFD's next offset is IFD loop_to's; cut_last: the last IFD's
    next-IFD offset is cut off by the end of the file (its strip is placed before it);
    subifd: IFD 0 also names IFD 1 as its SubIFD (tag 330)."""
    npx = size * size
    out = bytearray(header(8))
    offsets = []
    # Strips first when the last IFD must end the file: one shared strip after the header.
    if cut_last:
        out = bytearray(header(8 + npx)) + PIXELS[:npx]
    for i in range(n):
        extra = [entry(330, LONG, 1, 0)] if subifd and i == 0 else []
        nent = 9 + len(extra)
        here = len(out)
        offsets.append(here)
        strip = 8 if cut_last else here + ifd_size(nent)
        ents = image_entries(size, strip, extra)
        if cut_last and i == n - 1:
            out += ifd(ents, None)
            break
        nxt = here + ifd_size(nent) + (0 if cut_last else npx)
        if i == n - 1:
            nxt = offsets[loop_to] if loop_to is not None else 0
        out += ifd(ents, nxt)
        if not cut_last:
            out += PIXELS[:npx]
    if subifd:
        # patch IFD 0's tag 330 value: IFD 1's offset
        for k in range(struct.unpack_from("<H", out, 8)[0]):
            at = 10 + 12 * k
            if struct.unpack_from("<H", out, at)[0] == 330:
                struct.pack_into("<I", out, at + 8, offsets[1])
    return bytes(out)


XMP_LEN = 15_198


def xmp() -> bytes:
    n = 10
    strip = 8 + ifd_size(n)
    value_at = strip + len(PIXELS)
    body = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            + b" " * XMP_LEN)[:XMP_LEN - 20] + b"</x:xmpmeta><?xpa>\n\0"
    assert len(body) == XMP_LEN
    return header(8) + ifd(image_entries(16, strip, [entry(700, BYTE, XMP_LEN, value_at)]), 0) + PIXELS + body


# name -> (bytes, expectations of tiff-dumper's `info`):
#   ifd_count, warnings: [(kind, ifd, tag)] in any order (exactly these), other_tags key
#   that must be a not_loaded marker, tifffile: whether ifd_count must equal len(pages)
CASES = {
    "junk_ascii": (junk_ascii, dict(ifd_count=1, warnings=[("tag_value_out_of_bounds", 0, 50001)],
                                    not_loaded="50001", size=16)),
    "icc_past_eof": (icc_past_eof, dict(ifd_count=1, warnings=[("tag_value_out_of_bounds", 0, 34675)],
                                        not_loaded="34675", size=16)),
    "next_past_eof": (next_past_eof, dict(ifd_count=1, warnings=[("ifd_link_out_of_bounds", 0, None)],
                                          size=16)),
    "loop_self": (lambda: chain(1, 16, loop_to=0), dict(ifd_count=1, warnings=[("ifd_loop", 0, None)], size=16)),
    "loop_three": (lambda: chain(3, 16, loop_to=0), dict(ifd_count=3, warnings=[("ifd_loop", 2, None)], size=16)),
    "pages_1025": (lambda: chain(1025, 1), dict(ifd_count=1025, warnings=[], size=1)),
    "pages_1823": (lambda: chain(1823, 1), dict(ifd_count=1823, warnings=[], size=1)),
    "xmp_15198": (xmp, dict(ifd_count=1, warnings=[], xmp=XMP_LEN, size=16)),
    "next_cut": (lambda: chain(2, 16, cut_last=True), dict(ifd_count=2, warnings=[("ifd_truncated", 1, None)],
                                                          size=16)),
    "subifd_and_next": (lambda: chain(2, 16, subifd=True), dict(ifd_count=2, warnings=[], size=16)),
}


XMP_SEEN: dict[str, bytes] = {}  # tifffile's tag 700 value per file


def read_tifffile(path: Path) -> dict:
    """What tifffile says: page count, first page shape, tag 700's length; or the error."""
    try:
        tif = tifffile.TiffFile(path)
    except Exception as exc:  # noqa: BLE001 - recorded, not a failure
        return {"error": f"{type(exc).__name__}: {exc}"[:160]}
    with tif:
        page = tif.pages.first
        out = {"shape": list(page.shape)}
        if 700 in page.tags:
            XMP_SEEN[str(path)] = bytes(page.tags[700].value)
            out["xmp_len"] = len(page.tags[700].value)
        try:
            out["pages"] = len(tif.pages)
        except Exception as exc:  # noqa: BLE001 - recorded, not a failure
            # tifffile 2023.2.3 gives up on a loop once it has listed 100 offsets; the
            # distinct ones among them are the pages it walked before coming back.
            out["error"] = f"{type(exc).__name__}: {exc}"[:160]
            seen = [p if isinstance(p, int) else p.offset for p in tif.pages.pages]
            out["distinct_offsets"] = len(dict.fromkeys(seen))
        return out


def read_gdal(path: Path) -> dict:
    if gdal is None:
        return {"skipped": "osgeo missing"}
    try:
        ds = gdal.Open(str(path))
        out = {"size": [ds.RasterXSize, ds.RasterYSize], "bands": ds.RasterCount}
        # GDAL lists the other main-chain pages as subdatasets
        subs = ds.GetSubDatasets()
        if subs:
            out["subdatasets"] = len(subs)
        ds = None
        return out
    except Exception as exc:  # noqa: BLE001 - recorded, not a failure
        return {"error": str(exc).splitlines()[0][:160] if str(exc) else type(exc).__name__}


def read_tiffinfo(path: Path) -> dict | None:
    """libtiff: directories tiffinfo lists, its exit status, its first complaint."""
    if not shutil.which("tiffinfo"):
        return None
    try:
        p = subprocess.run(["tiffinfo", str(path)], capture_output=True, timeout=60)
    except subprocess.TimeoutExpired:
        return {"error": "timeout"}
    text = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace").strip().splitlines()
    out = {"dirs": text.count("TIFF Directory at offset"), "rc": p.returncode}
    if err:
        out["stderr"] = err[0][:120] + (f" (+{len(err) - 1} lines)" if len(err) > 1 else "")
    return out


def warning_keys(row: dict) -> list[tuple]:
    return sorted(((w.get("kind"), w.get("ifd"), w.get("tag")) for w in row.get("warnings") or []),
                  key=repr)


def check(name: str, path: Path, want: dict, binary: str, failures: list[str]) -> str:
    def fail(msg: str) -> None:
        failures.append(f"{name}: {msg}")

    tf = read_tifffile(path)
    gd = read_gdal(path)
    lt = read_tiffinfo(path)
    try:
        row = dumper_json(binary, ["info", str(path)], timeout=120)
        raw = dumper_json(binary, ["info", "--raw", str(path)], timeout=120)
    except DumperError as exc:
        fail(f"tiff-dumper info failed: {exc}")
        return f"{name}: tiff-dumper ERROR {exc}; tifffile {json.dumps(tf)}; gdal {json.dumps(gd)}"

    if row.get("error_kind"):
        fail(f"error_kind {row.get('error_kind')!r}: an error row, expected a row")
    if row.get("ifd_count") != want["ifd_count"]:
        fail(f"ifd_count {row.get('ifd_count')}, expected {want['ifd_count']}")
    chain_ifds = [i for i in row.get("ifds") or [] if i.get("parent") is None]
    if len(chain_ifds) != want["ifd_count"]:
        fail(f"{len(chain_ifds)} main-chain entries in ifds, expected {want['ifd_count']}")
    if [row.get("image_width"), row.get("image_height")] != [want["size"], want["size"]]:
        fail(f"image {row.get('image_width')}x{row.get('image_height')}, expected {want['size']}x{want['size']}")
    got = warning_keys(row)
    expected = sorted(want["warnings"], key=repr)
    if got != expected:
        fail(f"warnings {got}, expected {expected}; messages: "
             f"{[w.get('message') for w in row.get('warnings') or []]}")
    if "warnings" not in raw or "warnings" not in row:
        fail(f"no warnings field (info: {'warnings' in row}, info --raw: {'warnings' in raw})")
    if (raw.get("warnings") or []) != (row.get("warnings") or []):
        fail(f"info --raw warnings {raw.get('warnings')} differ from info's {row.get('warnings')}")
    other = row.get("other_tags") or {}
    if "not_loaded" in want:
        v = other.get(want["not_loaded"])
        if not (isinstance(v, dict) and "not_loaded" in v):
            fail(f"other_tags[{want['not_loaded']!r}] = {json.dumps(v)[:200]}, expected a not_loaded marker")
    if "xmp" in want:
        v = other.get("700")
        n = len(v) if isinstance(v, list) else None
        if n != want["xmp"]:
            fail(f"other_tags['700'] holds {n} values ({json.dumps(v)[:80]}), expected a list of {want['xmp']}")
        if tf.get("xmp_len") is not None and tf["xmp_len"] != n:
            fail(f"other_tags['700'] holds {n} values, tifffile's page.tags[700] {tf['xmp_len']}")
        if str(path) in XMP_SEEN and isinstance(v, list) and v != list(XMP_SEEN[str(path)]):
            fail("other_tags['700'] differs from tifffile's page.tags[700] value")

    # tifffile's page count: tiff-dumper must agree wherever tifffile opened the file.
    if "pages" in tf:
        if tf["pages"] != row.get("ifd_count"):
            fail(f"ifd_count {row.get('ifd_count')} != tifffile's len(pages) {tf['pages']}")
        if tf["pages"] != want["ifd_count"]:
            print(f"NOTE {name}: tifffile counts {tf['pages']} pages, the expectation is {want['ifd_count']}")
    elif "distinct_offsets" in tf and tf["distinct_offsets"] != row.get("ifd_count"):
        fail(f"ifd_count {row.get('ifd_count')} != the {tf['distinct_offsets']} distinct page offsets "
             f"tifffile walked before giving up ({tf['error']})")
    if "shape" in tf and tf["shape"] != [want["size"], want["size"]]:
        print(f"NOTE {name}: tifffile's first page shape {tf['shape']}")
    if "size" in gd and gd["size"] != [want["size"], want["size"]]:
        print(f"NOTE {name}: GDAL opens it {gd['size']}")

    td = {"row": not row.get("error_kind"), "ifd_count": row.get("ifd_count"),
          "warnings": [f"{k}@ifd{i}" + (f"/tag{t}" if t is not None else "") for k, i, t in got]}
    if "not_loaded" in want:
        td[f"other_tags[{want['not_loaded']}]"] = other.get(want["not_loaded"])
    if "xmp" in want:
        v = other.get("700")
        td["other_tags[700]"] = f"{len(v)} values" if isinstance(v, list) else v
    line = f"{name}: tiff-dumper {json.dumps(td)}; tifffile {json.dumps(tf)}; gdal {json.dumps(gd)}"
    if lt is not None:
        line += f"; tiffinfo {json.dumps(lt)}"
    return line


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--binary")
    args = ap.parse_args()
    binary = find_binary(args.binary)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    # tifffile logs each damaged structure it steps over; its verdict is what is compared
    logging.getLogger("tifffile").setLevel(logging.ERROR)
    if gdal is None:
        print(f"NOTE: GDAL checks skipped ({GDAL_MISSING}; python3-gdal)")
    else:
        gdal.PushErrorHandler("CPLQuietErrorHandler")
    if not shutil.which("tiffinfo"):
        print("NOTE: libtiff's tiffinfo not installed (libtiff-tools): that reference is skipped")
    failures: list[str] = []
    for name, (make, want) in CASES.items():
        path = args.out_dir / f"{name}.tif"
        path.write_bytes(make())
        print(check(name, path, want, binary, failures))
    for f in failures:
        print("FAIL", f)
    print(f"{len(CASES)} files, {len(failures)} failures (tifffile {tifffile.__version__}, "
          f"GDAL {gdal.__version__ if gdal else 'absent'}, "
          f"tiffinfo {'yes' if shutil.which('tiffinfo') else 'absent'})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
