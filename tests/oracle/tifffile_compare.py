#!/usr/bin/python3
"""Oracle: `tiff-dumper info --raw` against tifffile, tag by tag.

For every TIFF under the given directories (default: ../shared/corpus relative to
the repository), compares byte order, BigTIFF flag, the number of IFDs in the main
chain, each IFD's offset and entry count, and for every directory entry its code,
field type, count, name and values.

How tifffile is used (tifffile 2023.2.3, Debian's python3-tifffile):
  * IFDs are walked with tif.pages._getitem(i, aspage=True), which always builds a
    full TiffPage (never a TiffFrame), whatever series tifffile thinks the file has
    (ImageJ/OME/shaped); tifffile follows only the main chain, like `info --raw`.
  * page.tags.values() is in file order; each TiffTag knows the file offset of its
    12/20-byte entry, from which the entry index is derived, so tags are matched by
    position, not by code (duplicate codes are compared correctly).
  * tag.value is used as the expected value, undoing tifffile's conveniences:
    enums -> int, single values unwrapped -> list, RATIONAL flattened n,d,n,d ->
    pairs, BYTE/UNDEFINED bytes -> list of ints, numpy arrays -> lists.
  * Tags that tifffile decodes into structures (TIFF.TAG_READERS: ColorMap as a
    3xN array, ExifIFD/GPSIFD as dicts, IPTC as bytes, ...) and ASCII values that
    tifffile could not decode are compared against the raw field values, read at the
    position tifffile's own TIFF format description gives (tag.offset + tagsize -
    tagoffsetthreshold for inline values, else the offset stored there).

Tolerances (all deliberate):
  * ASCII: tifffile strips all trailing NULs and surrounding whitespace, so the main
    comparison strips the same from ours. A second, strict check wants exactly the
    raw bytes minus one trailing NUL (the contract), under the text rule (invalid
    UTF-8 bytes as \\xHH, oracle_common.escape_text).
  * FLOAT (type 11): compared after rounding both sides to float32, so the CLI may
    print either the exact widened double or the shortest float32 representation.
    DOUBLE (type 12): exact. NaN/Infinity: JSON has no literal for them, so null or
    the strings/tokens NaN/Infinity/-Infinity are accepted.
  * "values": null is required for unknown field types and for the strip/tile arrays
    the reader does not keep as block ranges (StripOffsets/StripByteCounts of a tiled
    IFD, TileOffsets/TileByteCounts of a stripped one, a pair of unequal lengths);
    allowed for a tag that the output's "warnings" name (a value past the end or over a
    budget; issue 15); a mismatch anywhere else: every other array, the kept strip/tile
    arrays included, is printed in full, however long.

Exit status: 0 when everything matches, 1 on any mismatch, 77 (skip) when the
default corpus is absent and --skip-missing is given.
"""

from __future__ import annotations

import argparse
import logging
import math
import struct
import sys
from pathlib import Path
from typing import Any

try:
    import numpy
    import tifffile
    from tifffile import TIFF
except ImportError as _exc:  # not Debian's python3, or python3-tifffile missing
    print(f"SKIP: {_exc}; run with /usr/bin/python3 (python3-tifffile, python3-numpy)")
    sys.exit(77)

from oracle_common import (DEFAULT_CORPUS, SKIP, DumperError, Report, dumper_json,
                           find_binary, tiff_files)
from tifffile_expect import ascii_candidates, check_row
from tifffile_expect import raw_bytes as raw_field

NULL_REQUIRED = {273, 279, 324, 325}


def kept_array(page, code: int) -> bool:
    """Whether `info --raw` prints this strip/tile array: the pair of the IFD's layout
    (tiles when TileWidth or TileLength is present), both of the same length."""
    tags = page.tags
    tiled = tags.get(322) is not None or tags.get(323) is not None
    pair = (324, 325) if tiled else (273, 279)
    if code not in pair or tags.get(pair[0]) is None or tags.get(pair[1]) is None:
        return False
    return tags.get(pair[0]).count == tags.get(pair[1]).count
MAX_RAW = 64 << 20  # never read more than this for one raw value


class WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def decode_raw(tif: tifffile.TiffFile, dtype: int, count: int, data: bytes) -> list:
    fmt = TIFF.DATA_FORMATS[dtype]
    n, c = int(fmt[0]), fmt[1]
    if c == "s":
        return list(data)
    return list(struct.unpack(f"{tif.tiff.byteorder}{count * n}{c}", data))


def flatten(value: Any) -> list:
    """tifffile tag.value as a flat list of numbers."""
    if isinstance(value, numpy.ndarray):
        return value.ravel().tolist()
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    if isinstance(value, (tuple, list)):
        out: list = []
        for v in value:
            out.extend(flatten(v))
        return out
    if isinstance(value, (bool, numpy.bool_)):
        return [int(value)]
    if isinstance(value, (int, numpy.integer)):
        return [int(value)]
    if isinstance(value, (float, numpy.floating)):
        return [float(value)]
    raise TypeError(f"unexpected tifffile value type {type(value).__name__}")


def is_nonfinite(x: Any) -> bool:
    return isinstance(x, float) and (math.isnan(x) or math.isinf(x))


def number_equal(ours: Any, exp: Any, dtype: int) -> bool:
    if is_nonfinite(exp):
        if ours is None or (isinstance(ours, str) and ours.lower().lstrip("+-") in
                            ("nan", "inf", "infinity")):
            return True
        if isinstance(ours, float):
            if math.isnan(exp):
                return math.isnan(ours)
            return ours == exp
        return False
    if isinstance(ours, bool) or not isinstance(ours, (int, float)):
        return False
    if dtype == 11:
        return bool(numpy.float32(ours) == numpy.float32(exp))
    if dtype == 12:
        return float(ours) == float(exp)
    # integer types: must be a JSON integer with the same value
    return isinstance(ours, int) and ours == exp


def short(v: Any, limit: int = 160) -> str:
    s = repr(v)
    return s if len(s) <= limit else s[:limit] + "..."


def compare_values(rep: Report, path: Path, where: str, tif: tifffile.TiffFile, page,
                   tag: tifffile.TiffTag, ours: dict, warned: bool = False) -> None:
    """warned: the output's warnings name this tag (its values may be null)."""
    dtype = int(tag.dtype)
    code = tag.code
    values = ours.get("values")

    if code in NULL_REQUIRED and not kept_array(page, code):
        if values is not None:
            rep.fail(path, f"{where}: contract says values must be null for offset/"
                           f"byte-count arrays, got {short(values)}")
        else:
            rep.count("values_null_ok")
        return
    if values is None:
        if warned:
            rep.count("values_null_ok")
            return
        rep.fail(path, f"{where}: values null (count {tag.count}) and no warning names the tag")
        return

    raw_needed = code in TIFF.TAG_READERS

    if dtype == 2:
        raw = raw_field(tif, tag)
        exp = tag.value
        if not isinstance(values, str):
            rep.fail(path, f"{where}: ASCII values should be one string, got {short(values)}")
            return
        utf8 = True
        if raw is not None:
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                utf8 = False
        # tifffile decodes non-UTF-8 ASCII as cp1252, the CLI escapes invalid bytes
        # as \\xHH: compare such values only through the strict raw check below.
        if isinstance(exp, str) and not raw_needed and utf8:
            norm = values.rstrip("\x00").strip(" \t\n\r\x0b\x0c")
            if norm != exp:
                rep.fail(path, f"{where}: ASCII {short(values)} != tifffile {short(exp)}")
                return
        if raw is not None:
            cands = ascii_candidates(raw)
            if values not in cands:
                rep.fail(path, f"{where}: ASCII strict: {short(values)} != raw minus one "
                               f"trailing NUL {short(cands[:1])}")
                return
        rep.count("values_compared")
        return

    if raw_needed or tag.value is None:
        raw = raw_field(tif, tag)
        if raw is None:
            rep.note(path, f"{where}: no raw value to compare (tifffile could not locate it)")
            return
        exp_flat = decode_raw(tif, dtype, tag.count, raw)
    else:
        try:
            exp_flat = flatten(tag.value)
        except TypeError as exc:
            raw = raw_field(tif, tag)
            if raw is None:
                rep.note(path, f"{where}: {exc}; no raw value either")
                return
            exp_flat = decode_raw(tif, dtype, tag.count, raw)

    if dtype in (5, 10):
        if len(exp_flat) != 2 * tag.count:
            rep.note(path, f"{where}: tifffile gave {len(exp_flat)} numbers for "
                           f"{tag.count} rationals; skipped")
            return
        exp_pairs = [[exp_flat[i], exp_flat[i + 1]] for i in range(0, len(exp_flat), 2)]
        if (not isinstance(values, list) or len(values) != len(exp_pairs) or not all(
                isinstance(p, list) and len(p) == 2 and all(isinstance(x, int) and not
                isinstance(x, bool) for x in p) for p in values)):
            rep.fail(path, f"{where}: RATIONAL values should be [num, den] pairs, got "
                           f"{short(values)}")
            return
        if values != exp_pairs:
            bad = next(i for i, (a, b) in enumerate(zip(values, exp_pairs)) if a != b)
            rep.fail(path, f"{where}: rational #{bad} {values[bad]} != tifffile {exp_pairs[bad]}")
            return
        rep.count("values_compared")
        return

    if not isinstance(values, list):
        rep.fail(path, f"{where}: values should be a list, got {short(values)}")
        return
    if len(values) != len(exp_flat):
        rep.fail(path, f"{where}: {len(values)} values, tifffile has {len(exp_flat)}: "
                       f"{short(values)} vs {short(exp_flat)}")
        return
    for i, (a, b) in enumerate(zip(values, exp_flat)):
        if not number_equal(a, b, dtype):
            rep.fail(path, f"{where}: value #{i} {a!r} != tifffile {b!r} (type {dtype})")
            return
    rep.count("values_compared")


def compare_file(rep: Report, binary: str, path: Path, check_info: bool) -> None:
    collector = WarningCollector()
    logger = logging.getLogger("tifffile")
    logger.addHandler(collector)
    try:
        _compare_file(rep, binary, path, collector, check_info)
    finally:
        logger.removeHandler(collector)


def _compare_file(rep: Report, binary: str, path: Path, collector: WarningCollector,
                  check_info: bool) -> None:
    try:
        ours = dumper_json(binary, ["info", "--raw", str(path)])
    except DumperError as exc:
        ours_err: str | None = str(exc)
        ours = None
    else:
        ours_err = None

    try:
        tif = tifffile.TiffFile(str(path))
    except Exception as exc:  # tifffile rejects the file
        if ours_err is not None:
            rep.note(path, f"both reject: tifffile {type(exc).__name__}: {exc}; ours {ours_err}")
        else:
            rep.note(path, f"tifffile rejects ({type(exc).__name__}: {exc}) but tiff-dumper "
                           f"reads it; not compared")
        return
    with tif:
        if ours_err is not None:
            rep.fail(path, f"tiff-dumper failed where tifffile reads the file: {ours_err}")
            return
        rep.count("files")
        dropped = _compare_open(rep, path, tif, ours, collector)
        if check_info:
            _compare_info(rep, binary, path, tif, dropped)


def _compare_info(rep: Report, binary: str, path: Path, tif: tifffile.TiffFile,
                  dropped: set[int]) -> None:
    """The default `info` row against tifffile's view of the first IFD (and all IFDs
    for the `ifds` summary)."""
    try:
        row = dumper_json(binary, ["info", str(path)])
    except DumperError as exc:
        rep.fail(path, f"`info` failed where `info --raw` worked: {exc}")
        return
    pages = [tif.pages._getitem(i, aspage=True) for i in range(len(tif.pages))]
    check_row(lambda m: rep.fail(path, m), rep.count, tif, path, row, pages, ignore=dropped)


def _compare_open(rep: Report, path: Path, tif: tifffile.TiffFile, ours: Any,
                  collector: WarningCollector) -> set[int]:
    """Compares `info --raw`; returns the codes of first-IFD entries tifffile dropped
    (invalid type or value offset), which the `info` row check must then ignore."""
    dropped: set[int] = set()
    tiff = tif.tiff
    if not isinstance(ours, dict):
        rep.fail(path, f"--raw output is not a JSON object: {short(ours)}")
        return dropped
    exp_bo = "II" if tiff.byteorder == "<" else "MM"
    if ours.get("byte_order") != exp_bo:
        rep.fail(path, f"byte_order {ours.get('byte_order')!r} != {exp_bo!r}")
    if ours.get("bigtiff") is not (tiff.version == 43):
        rep.fail(path, f"bigtiff {ours.get('bigtiff')!r} != {tiff.version == 43}")

    pages = tif.pages
    npages = len(pages)
    our_ifds = ours.get("ifds")
    if not isinstance(our_ifds, list):
        rep.fail(path, f"'ifds' is not a list: {short(our_ifds)}")
        return dropped
    # The main chain only (tifffile's pages); SubIFDs (parent set) are checked elsewhere.
    our_ifds = [d for d in our_ifds if not isinstance(d, dict) or d.get("parent") is None]
    if len(our_ifds) != npages:
        rep.fail(path, f"IFD count {len(our_ifds)} != tifffile {npages}")
    rep.count("ifds", min(npages, len(our_ifds)))

    # (ifd, tag) a warning names; (ifd, None) when more_warnings sums up unnamed tags
    warned = {(w.get("ifd"), None if w.get("kind") == "more_warnings" else w.get("tag"))
              for w in ours.get("warnings") or []}
    fh = tif.filehandle
    for i in range(min(npages, len(our_ifds))):
        page = pages._getitem(i, aspage=True)
        oifd = our_ifds[i]
        if oifd.get("offset") != page.offset:
            rep.fail(path, f"IFD {i}: offset {oifd.get('offset')} != tifffile {page.offset}")
            continue
        fh.seek(page.offset)
        tagno = struct.unpack(tiff.tagnoformat, fh.read(tiff.tagnosize))[0]
        otags = oifd.get("tags")
        if not isinstance(otags, list):
            rep.fail(path, f"IFD {i}: 'tags' is not a list")
            continue
        if len(otags) != tagno:
            rep.fail(path, f"IFD {i}: {len(otags)} tags, directory has {tagno} entries")

        seen: set[int] = set()
        for tag in page.tags.values():
            idx, rem = divmod(tag.offset - page.offset - tiff.tagnosize, tiff.tagsize)
            where = f"IFD {i} entry {idx} tag {tag.code}"
            if rem or not 0 <= idx < len(otags):
                rep.fail(path, f"{where}: no such entry in tiff-dumper output")
                continue
            seen.add(idx)
            ot = otags[idx]
            rep.count("tags")
            if ot.get("code") != tag.code:
                rep.fail(path, f"{where}: code {ot.get('code')} != tifffile {tag.code}")
                continue
            if ot.get("type") != int(tag.dtype):
                rep.fail(path, f"{where}: type {ot.get('type')} != tifffile {int(tag.dtype)}")
                continue
            if ot.get("count") != tag.count:
                rep.fail(path, f"{where}: count {ot.get('count')} != tifffile {tag.count}")
                continue
            names = TIFF.TAGS.getall(tag.code, None)
            oname = ot.get("name")
            if names and oname is not None and oname not in names:
                rep.fail(path, f"{where}: name {oname!r} not tifffile's {names}")
            compare_values(rep, path, where, tif, page, tag, ot,
                           (i, tag.code) in warned or (i, None) in warned)

        # entries tifffile dropped (it logs a warning and skips invalid entries)
        for idx, ot in enumerate(otags):
            if idx in seen:
                continue
            where = f"IFD {i} entry {idx} tag {ot.get('code')}"
            if i == 0:
                dropped.add(ot.get("code"))
            if ot.get("type") not in TIFF.DATA_FORMATS:
                if ot.get("values") is not None:
                    rep.fail(path, f"{where}: unknown type {ot.get('type')} but values "
                                   f"{short(ot.get('values'))}, contract says null")
                else:
                    rep.count("unknown_type_tags")
            else:
                rep.note(path, f"{where}: tifffile dropped this entry "
                               f"({'; '.join(collector.messages)[:300]})")
    return dropped


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("dirs", nargs="*", type=Path,
                    help=f"directories or files (default {DEFAULT_CORPUS})")
    ap.add_argument("--binary", help="tiff-dumper executable (default: $TIFF_DUMPER or "
                                     "build*/src/cli/tiff-dumper)")
    ap.add_argument("--skip-missing", action="store_true",
                    help=f"exit {SKIP} (skip) when the default corpus is absent")
    ap.add_argument("--manifest-ok", type=Path, metavar="DIR",
                    help="compare the files a hostile corpus's manifest.json marks as valid")
    ap.add_argument("--raw-only", action="store_true",
                    help="compare only `info --raw`, not the default `info` row")
    ap.add_argument("--quiet", action="store_true", help="do not print notes")
    args = ap.parse_args()

    dirs = args.dirs
    if args.manifest_ok:
        # the valid files of a hostile corpus (make_hostile_corpus.py): odd but legal
        import json
        m = json.loads((args.manifest_ok / "manifest.json").read_text())
        # valid files only: damaged ones read with warnings (issue 15) are not tifffile's to judge
        dirs = [args.manifest_ok / k for k, v in sorted(m.items()) if v["expect"] == "ok" and "warn" not in v]
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

    logging.getLogger("tifffile").propagate = False  # keep warnings out of the report
    rep = Report()
    for path in files:
        try:
            compare_file(rep, binary, path, not args.raw_only)
        except Exception as exc:  # an oracle crash is reported, not fatal
            rep.fail(path, f"oracle error {type(exc).__name__}: {exc}")
    return rep.print(f"tifffile_compare ({binary})", verbose_notes=not args.quiet)


if __name__ == "__main__":
    sys.exit(main())
