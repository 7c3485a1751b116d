"""What `tiff-dumper info PATH` (the row JSON) should say about a file, according to
tifffile, and a checker for it. Shared by tifffile_compare.py and gdal_compare.py.

Column rules (from the issue and REFERENCE.md): the FIRST IFD fills the columns;
strings keep the raw ASCII minus one trailing NUL; integer columns take the first
value; x/y_resolution are numerator/denominator; jpeg_tables is lower-case hex;
model_* are lists of doubles; every first-IFD tag without a column of its own
(and not one of the four offset/byte-count arrays or the three GeoTIFF key tags)
goes to other_tags as JSON text; GeoKeys are decoded by snake_case name, unknown
ids under "unknown" (value as JSON, or as JSON text).
"""

from __future__ import annotations

import json
import math
import os
import struct
from pathlib import Path
from typing import Any

import numpy
import tifffile
from tifffile import TIFF

from oracle_common import escape_text

STRING_COLS = {315: "artist", 33432: "copyright", 306: "date_time", 269: "document_name",
               316: "host_computer", 270: "image_description", 305: "software"}
INTLIST_COLS = {258: "bits_per_sample", 339: "sample_format", 338: "extra_samples"}
INT_COLS = {259: "compression", 257: "image_height", 256: "image_width",
            254: "new_subfile_type", 274: "orientation", 262: "photometric_interpretation",
            284: "planar_configuration", 317: "predictor", 296: "resolution_unit",
            278: "rows_per_strip", 277: "samples_per_pixel", 323: "tile_height",
            322: "tile_width", 281: "max_sample_value", 280: "min_sample_value"}
DOUBLE_COLS = {282: "x_resolution", 283: "y_resolution"}
DLIST_COLS = {33550: "model_pixel_scale", 33922: "model_tiepoint",
              34264: "model_transformation"}
# Tags that never appear in other_tags.
OWN_COLUMN = (set(STRING_COLS) | set(INTLIST_COLS) | set(INT_COLS) | set(DOUBLE_COLS)
              | set(DLIST_COLS) | {347, 273, 279, 324, 325, 34735, 34736, 34737})

# GeoKey id -> column name: the 45 names of the reference tool (REFERENCE.md).
GEOKEY_NAMES = {
    1024: "model_type", 1025: "raster_type", 1026: "citation",
    2048: "geographic_type", 2049: "geog_citation", 2050: "geog_geodetic_datum",
    2051: "geog_prime_meridian", 2052: "geog_linear_units", 2053: "geog_linear_unit_size",
    2054: "geog_angular_units", 2055: "geog_angular_unit_size", 2056: "geog_ellipsoid",
    2057: "geog_semi_major_axis", 2058: "geog_semi_minor_axis", 2059: "geog_inv_flattening",
    2060: "geog_azimuth_units", 2061: "geog_prime_meridian_long",
    3072: "projected_type", 3073: "proj_citation", 3074: "projection",
    3075: "proj_coord_trans", 3076: "proj_linear_units", 3077: "proj_linear_unit_size",
    3078: "proj_std_parallel1", 3079: "proj_std_parallel2", 3080: "proj_nat_origin_long",
    3081: "proj_nat_origin_lat", 3082: "proj_false_easting", 3083: "proj_false_northing",
    3084: "proj_false_origin_long", 3085: "proj_false_origin_lat",
    3086: "proj_false_origin_easting", 3087: "proj_false_origin_northing",
    3088: "proj_center_long", 3089: "proj_center_lat", 3090: "proj_center_easting",
    3091: "proj_center_northing", 3092: "proj_scale_at_nat_origin",
    3093: "proj_scale_at_center", 3094: "proj_azimuth_angle",
    3095: "proj_straight_vert_pole_long", 4096: "vertical", 4097: "vertical_citation",
    4098: "vertical_datum", 4099: "vertical_units",
}
# GeoTIFF 1.1 keys the reference tool did not name: the CLI may give them a column
# (these names) or put them under "unknown"; both are accepted.
OPTIONAL_GEOKEY_NAMES = {2062: "geog_towgs84", 3059: "proj_linear_units_interp_correct",
                         3096: "proj_rectified_grid_angle", 5120: "coordinate_epoch"}

SUMMARY_FIELDS = (("width", 256, "int"), ("height", 257, "int"), ("tile_width", 322, "int"),
                  ("tile_height", 323, "int"), ("new_subfile_type", 254, "int"),
                  ("compression", 259, "int"), ("photometric_interpretation", 262, "int"),
                  ("samples_per_pixel", 277, "int"), ("bits_per_sample", 258, "list"),
                  ("sample_format", 339, "list"), ("planar_configuration", 284, "int"),
                  ("predictor", 317, "int"))


def flat(value: Any) -> list:
    if isinstance(value, numpy.ndarray):
        return value.ravel().tolist()
    if isinstance(value, (bytes, bytearray)):
        return list(value)
    if isinstance(value, (tuple, list)):
        out: list = []
        for v in value:
            out.extend(flat(v))
        return out
    if isinstance(value, (int, numpy.integer)):
        return [int(value)]
    if isinstance(value, (float, numpy.floating)):
        return [float(value)]
    raise TypeError(f"unexpected value type {type(value).__name__}")


def raw_bytes(tif: tifffile.TiffFile, tag: tifffile.TiffTag, limit: int = 64 << 20) -> bytes | None:
    """Raw bytes of a tag's values, located with tifffile's own format description."""
    fmt = TIFF.DATA_FORMATS.get(int(tag.dtype))
    if fmt is None:
        return None
    tiff = tif.tiff
    size = tag.count * struct.calcsize(fmt)
    if size > limit:
        return None
    fh = tif.filehandle
    inline_pos = tag.offset + tiff.tagsize - tiff.tagoffsetthreshold
    if size <= tiff.tagoffsetthreshold:
        pos = inline_pos
    else:
        fh.seek(inline_pos)
        pos = struct.unpack(tiff.offsetformat, fh.read(tiff.offsetsize))[0]
    fh.seek(pos)
    data = fh.read(size)
    return data if len(data) == size else None


def raw_values(tif: tifffile.TiffFile, tag: tifffile.TiffTag) -> list | str | None:
    """Values of a tag decoded straight from its raw bytes: numbers as a flat list
    (rationals as [n, d] pairs), BYTE/UNDEFINED as ints, ASCII as bytes."""
    data = raw_bytes(tif, tag)
    if data is None:
        return None
    dtype = int(tag.dtype)
    if dtype == 2:
        return data  # type: ignore[return-value]
    fmt = TIFF.DATA_FORMATS[dtype]
    n, c = int(fmt[0]), fmt[1]
    vals = list(struct.unpack(f"{tif.tiff.byteorder}{tag.count * n}{c}", data))
    if dtype in (5, 10):
        return [[vals[i], vals[i + 1]] for i in range(0, len(vals), 2)]
    return vals


def ascii_candidates(raw: bytes) -> list[str]:
    """The one string the CLI prints for raw ASCII bytes: one trailing NUL removed, then
    the text rule (oracle_common.escape_text: invalid bytes as \\xHH; issue 15, kind 6)."""
    if raw.endswith(b"\x00"):
        raw = raw[:-1]
    return [escape_text(raw)]


def first_tag(page: tifffile.TiffPage, code: int) -> tifffile.TiffTag | None:
    return page.tags.get(code)


def same_number(a: Any, b: Any, rel: float = 0.0) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if not isinstance(a, (int, float)) or not isinstance(b, (int, float)):
        return False
    if isinstance(b, float) and math.isnan(b):
        return isinstance(a, float) and math.isnan(a)
    if a == b:
        return True
    return rel > 0 and abs(a - b) <= rel * max(abs(a), abs(b))


def nonfinite_ok(ours: Any, exp: float) -> bool:
    """NaN/Infinity have no JSON literal: accept null or a NaN/Infinity token/string."""
    if ours is None:
        return True
    if isinstance(ours, str):
        return ours.lower().lstrip("+-") in ("nan", "inf", "infinity")
    return isinstance(ours, float) and (math.isnan(ours) and math.isnan(exp) or ours == exp)


SKIP_GEOKEYS: dict[int, Any] = {-1: "tifffile cannot decode this GeoKeyDirectory"}


def geokeys_expected(page: tifffile.TiffPage) -> dict[int, Any] | None:
    """GeoKey id -> value, per tifffile's own GeoKey decoding (page.geotiff_tags)."""
    if 34735 not in page.tags:
        return None
    try:
        gt = page.geotiff_tags or {}
    except Exception:  # tifffile chokes on a malformed directory: nothing to compare
        return SKIP_GEOKEYS
    if "KeyDirectoryVersion" not in gt:  # tifffile judged the directory invalid
        return SKIP_GEOKEYS
    out: dict[int, Any] = {}
    for k, v in gt.items():
        if isinstance(k, int):
            kid = k
        else:
            try:
                kid = int(TIFF.GEO_KEYS[k])
            except KeyError:
                continue  # KeyDirectoryVersion, ModelPixelScale, ...
        if isinstance(v, numpy.ndarray):
            v = v.tolist()
        if isinstance(v, tuple):
            v = list(v)
        if isinstance(v, (int, numpy.integer)) and not isinstance(v, bool):
            v = int(v)
        out[kid] = v
    return out


def check_geokeys(fail, ours: Any, exp: dict[int, Any] | None) -> int:
    """Compares the `geokeys` object; returns the number of keys compared."""
    if exp is SKIP_GEOKEYS:
        return 0
    if exp is None:
        if ours is None:
            return 0
        nonnull = {k: v for k, v in ours.items() if v not in (None, {}, [])} \
            if isinstance(ours, dict) else ours
        if nonnull:
            fail(f"geokeys: file has no GeoKeyDirectory but got {nonnull}")
        return 0
    if not isinstance(ours, dict):
        fail(f"geokeys is {ours!r}, expected an object")
        return 0
    unknown = ours.get("unknown") or {}
    if not isinstance(unknown, dict):
        fail(f"geokeys.unknown is {unknown!r}, expected an object")
        unknown = {}
    missing_names = [n for n in GEOKEY_NAMES.values() if n not in ours]
    if missing_names:
        fail(f"geokeys lacks the columns {missing_names}")
    known_names = set(GEOKEY_NAMES.values()) | set(OPTIONAL_GEOKEY_NAMES.values()) | {"unknown"}
    extra_names = [n for n in ours if n not in known_names]
    if extra_names:
        # new columns the oracle does not know: only acceptable when they are null
        # or hold a key tifffile also sees (checked through the unknown fallback below)
        pass

    def unknown_value(kid: int) -> tuple[bool, Any]:
        if str(kid) not in unknown:
            return False, None
        v = unknown[str(kid)]
        if isinstance(v, str):
            try:
                return True, json.loads(v)
            except json.JSONDecodeError:
                return True, v
        return True, v

    def equal(a: Any, b: Any) -> bool:
        if isinstance(b, str):
            return isinstance(a, str) and (a == b or a.rstrip("|") == b.rstrip("|"))
        if isinstance(b, list):
            if not isinstance(a, list):
                a = [a]
            return len(a) == len(b) and all(same_number(x, y) for x, y in zip(a, b))
        if isinstance(a, list) and len(a) == 1:
            a = a[0]
        return same_number(a, b)

    compared = 0
    for kid, val in exp.items():
        compared += 1
        name = GEOKEY_NAMES.get(kid)
        if name is not None:
            got = ours.get(name)
            if got is None:
                present, uv = unknown_value(kid)
                if present and equal(uv, val):
                    continue  # value of an unexpected type, kept under unknown
                fail(f"geokey {kid} ({name}): null, tifffile has {val!r}")
            elif not equal(got, val):
                fail(f"geokey {kid} ({name}): {got!r} != tifffile {val!r}")
            continue
        opt = OPTIONAL_GEOKEY_NAMES.get(kid)
        if opt is not None and ours.get(opt) is not None:
            if not equal(ours[opt], val):
                fail(f"geokey {kid} ({opt}): {ours[opt]!r} != tifffile {val!r}")
            continue
        present, uv = unknown_value(kid)
        if not present:
            fail(f"geokey {kid}: missing (neither a column nor under unknown), tifffile "
                 f"has {val!r}")
        elif not equal(uv, val):
            fail(f"geokey {kid} (unknown): {uv!r} != tifffile {val!r}")
    # no phantom keys
    for kid, name in list(GEOKEY_NAMES.items()) + list(OPTIONAL_GEOKEY_NAMES.items()):
        if ours.get(name) is not None and kid not in exp:
            fail(f"geokey {name}={ours[name]!r} but tifffile has no key {kid}")
    for k in unknown:
        try:
            kid = int(k)
        except ValueError:
            fail(f"geokeys.unknown has a non-numeric key {k!r}")
            continue
        if kid not in exp:
            fail(f"geokeys.unknown[{k}] = {unknown[k]!r} but tifffile has no key {kid}")
    return compared


def check_row(fail, count, tif: tifffile.TiffFile, path: Path, row: Any,
              pages: list[tifffile.TiffPage], ignore: set[int] = frozenset()) -> None:
    """Checks the `info` row JSON against tifffile. fail(msg) records a mismatch,
    count(key) a compared item. `ignore`: first-IFD tag codes tifffile dropped (it
    skips entries with an invalid type or value offset), not compared."""
    if not isinstance(row, dict):
        fail(f"info output is not a JSON object: {row!r:.200}")
        return
    tiff = tif.tiff
    simple = {"path": str(path), "size": os.path.getsize(path),
              "byte_order": "II" if tiff.byteorder == "<" else "MM",
              "bigtiff": tiff.version == 43, "ifd_count": len(pages),
              "error_kind": None, "error": None}
    for k, v in simple.items():
        if k not in row:
            fail(f"info: field {k!r} missing")
        elif row[k] != v or type(row[k]) is not type(v):
            fail(f"info: {k} = {row[k]!r}, expected {v!r}")
    hb = row.get("header_bytes")
    if not isinstance(hb, int) or isinstance(hb, bool) or hb <= 0:
        fail(f"info: header_bytes = {hb!r}, expected a positive integer")
    page = pages[0]

    def value_of(code: int) -> tuple[tifffile.TiffTag | None, Any]:
        if code in ignore:
            return None, "?"
        t = first_tag(page, code)
        if t is None:
            return None, None
        if int(t.dtype) == 2 or code in TIFF.TAG_READERS:
            return t, raw_values(tif, t)
        try:
            return t, t.value
        except Exception:  # tifffile could not read it
            return t, raw_values(tif, t)

    for code, col in STRING_COLS.items():
        if code in ignore:
            continue
        t, raw = value_of(code)
        got = row.get(col, "<absent>")
        count("columns")
        if t is None or int(t.dtype) != 2:
            if got is not None:
                fail(f"info: {col} = {got!r:.100}, expected null (tag absent or not ASCII)")
        elif raw is None:
            pass  # tifffile cannot locate the value: nothing to compare
        elif got not in ascii_candidates(raw):
            fail(f"info: {col} = {got!r:.100}, expected {ascii_candidates(raw)[0]!r:.100}")
    for code, col in INTLIST_COLS.items():
        if code in ignore:
            continue
        t, v = value_of(code)
        got = row.get(col, "<absent>")
        count("columns")
        exp = None if t is None else flat(v) if v is not None else "?"
        if exp == "?":
            continue
        if exp is not None and int(t.dtype) in (5, 10, 11, 12):
            continue  # non-integer type for an integer column: no fixed expectation
        if got != exp:
            fail(f"info: {col} = {got!r:.100}, expected {exp!r:.100}")
    for code, col in INT_COLS.items():
        if code in ignore:
            continue
        t, v = value_of(code)
        got = row.get(col, "<absent>")
        count("columns")
        if t is None:
            if got is not None:
                fail(f"info: {col} = {got!r}, expected null (tag absent)")
            continue
        if int(t.dtype) in (2, 5, 10, 11, 12) or v is None:
            continue  # not an integer type: no fixed expectation
        vals = flat(v)
        exp = vals[0] if vals else None
        if got != exp or isinstance(got, bool):
            fail(f"info: {col} = {got!r}, expected {exp!r}")
    for code, col in DOUBLE_COLS.items():
        if code in ignore:
            continue
        t, v = value_of(code)
        got = row.get(col, "<absent>")
        count("columns")
        if t is None:
            if got is not None:
                fail(f"info: {col} = {got!r}, expected null (tag absent)")
            continue
        if int(t.dtype) in (5, 10):
            n, d = flat(v)[:2]
            if d == 0:
                continue  # division by zero: any of null/inf/nan is defensible
            exp = n / d
        elif int(t.dtype) in (2,):
            continue
        else:
            exp = float(flat(v)[0])
        if not same_number(got, exp, 1e-15):
            fail(f"info: {col} = {got!r}, expected {exp!r}")
    t, v = value_of(347)
    got = row.get("jpeg_tables", "<absent>")
    count("columns")
    if 347 in ignore:
        pass
    elif t is None:
        if got is not None:
            fail(f"info: jpeg_tables = {got!r:.60}, expected null")
    elif int(t.dtype) in (1, 7) and v is not None:
        exp = bytes(flat(v)).hex()
        if not isinstance(got, str) or got.lower() != exp:
            fail(f"info: jpeg_tables = {got!r:.60}..., expected {exp[:60]!r}...")
    for code, col in DLIST_COLS.items():
        if code in ignore:
            continue
        t, v = value_of(code)
        got = row.get(col, "<absent>")
        count("columns")
        if t is None:
            if got is not None:
                fail(f"info: {col} = {got!r:.100}, expected null")
            continue
        if v is None or int(t.dtype) == 2:
            continue
        vals = flat(v)
        if int(t.dtype) in (5, 10):
            vals = [vals[i] / vals[i + 1] if vals[i + 1] else None
                    for i in range(0, len(vals), 2)]
        ok = isinstance(got, list) and len(got) == len(vals) and all(
            (nonfinite_ok(a, b) if isinstance(b, float) and not math.isfinite(b) else
             b is None or same_number(a, b, 1e-15)) for a, b in zip(got, vals))
        if not ok:
            fail(f"info: {col} = {got!r:.200}, expected {vals!r:.200}")

    # other_tags: every other first-IFD tag, keyed by its code as a string
    other = row.get("other_tags")
    # a code seen twice: the first entry counts, as for the columns (and libtiff)
    exp_codes = list(dict.fromkeys(t.code for t in page.tags.values()
                                   if t.code not in OWN_COLUMN))
    tifffile_codes = {t.code for t in page.tags.values()}
    if not isinstance(other, dict):
        if exp_codes or other not in (None,):
            fail(f"info: other_tags = {other!r:.100}, expected an object with {exp_codes}")
    else:
        missing = [c for c in exp_codes if str(c) not in other]
        extra = [k for k in other
                 if not k.isdigit() or int(k) in OWN_COLUMN or
                 (int(k) in tifffile_codes and int(k) not in exp_codes)
                 or (int(k) not in tifffile_codes and int(k) not in ignore)]
        if missing:
            fail(f"info: other_tags lacks {missing}")
        if extra:
            fail(f"info: other_tags has tags with a column of their own: {extra}")
        for code in exp_codes:
            if str(code) not in other:
                continue
            count("other_tags")
            _check_other_tag(fail, tif, page, code, other[str(code)])

    count("geokeys", check_geokeys(fail, row.get("geokeys"), geokeys_expected(page)))

    ifds = row.get("ifds")
    if not isinstance(ifds, list) or len(ifds) != len(pages):
        fail(f"info: ifds has {len(ifds) if isinstance(ifds, list) else ifds!r} entries, "
             f"expected {len(pages)}")
        return
    for i, (p, s) in enumerate(zip(pages, ifds)):
        for field, code, kind in SUMMARY_FIELDS:
            t = first_tag(p, code)
            got = s.get(field, "<absent>") if isinstance(s, dict) else "<not an object>"
            count("summary_fields")
            if t is None:
                if got is not None:
                    fail(f"info: ifds[{i}].{field} = {got!r}, expected null")
                continue
            if int(t.dtype) in (2, 5, 10, 11, 12):
                continue
            vals = flat(t.value)
            exp = vals if kind == "list" else (vals[0] if vals else None)
            if got != exp:
                fail(f"info: ifds[{i}].{field} = {got!r}, expected {exp!r}")


def _check_other_tag(fail, tif, page, code: int, text: Any) -> None:
    t = first_tag(page, code)
    dtype = int(t.dtype)
    # The contract says "JSON text of the values" (the Parquet map<string, string>);
    # the CLI's `info` embeds the parsed JSON instead. Both are accepted: a non-string
    # is taken as the embedded value; a string is parsed as JSON text, and for ASCII
    # tags also taken as the embedded string itself.
    if not isinstance(text, str):
        got = text
        text = json.dumps(text)
    else:
        try:
            got = json.loads(text)
        except json.JSONDecodeError:
            got = None if dtype != 2 else text
            if dtype != 2:
                fail(f"info: other_tags[{code}] is not valid JSON: {text!r:.100}")
                return
    if dtype == 2 and isinstance(text, str):
        raw = raw_values(tif, t)
        if raw is not None and text in ascii_candidates(raw):  # type: ignore[arg-type]
            return
    if dtype not in TIFF.DATA_FORMATS:
        if got is not None:
            fail(f"info: other_tags[{code}] = {text:.100}, expected null (unknown type)")
        return
    if got is None:
        if t.count > 1024:
            return  # not loaded: allowed
        fail(f"info: other_tags[{code}] is null, count {t.count}")
        return
    raw = raw_values(tif, t)
    if raw is None:
        return
    if dtype == 2:
        if got not in ascii_candidates(raw):  # type: ignore[arg-type]
            fail(f"info: other_tags[{code}] = {got!r:.100}, expected "
                 f"{ascii_candidates(raw)[0]!r:.100}")  # type: ignore[arg-type]
        return
    exp: Any = raw
    if isinstance(exp, list) and len(exp) == 1:
        exp = exp[0]  # one value: a scalar
    if not _json_equal(got, exp, dtype):
        fail(f"info: other_tags[{code}] = {text:.150}, expected {json.dumps(exp)[:150]}")


def _json_equal(a: Any, b: Any, dtype: int) -> bool:
    if isinstance(b, list):
        return isinstance(a, list) and len(a) == len(b) and all(
            _json_equal(x, y, dtype) for x, y in zip(a, b))
    if isinstance(b, float) and not math.isfinite(b):
        return nonfinite_ok(a, b)
    if dtype == 11 and isinstance(a, (int, float)) and not isinstance(a, bool):
        return bool(numpy.float32(a) == numpy.float32(b))
    return same_number(a, b) and (isinstance(a, float) or dtype not in (11, 12) or a == b)
