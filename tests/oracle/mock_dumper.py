#!/usr/bin/python3
"""A deliberately simple Python stand-in for `tiff-dumper info [--raw] PATH`.

It exists only to self-test the oracle scripts here before (or independently of)
the C++ CLI: `tifffile_compare.py --binary tests/oracle/mock_dumper.py` etc. It is
not an oracle itself and never runs in CTest. It follows the CLI contract of the
issue: JSON on stdout; on a bad file one line `error: <kind>: <message>` on stderr
and exit 1.
"""

from __future__ import annotations

import json
import os
import struct
import sys

OFFSET_TAGS = {273, 279, 324, 325}
TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4,
              12: 8, 13: 4, 16: 8, 17: 8, 18: 8}
TYPE_FMT = {1: "B", 3: "H", 4: "I", 6: "b", 8: "h", 9: "i", 11: "f", 12: "d", 13: "I",
            16: "Q", 17: "q", 18: "Q"}
MAX_IFDS = 1024
MAX_ENTRIES = 65535

GEOKEYS = {
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
ROW_CODES = (set(STRING_COLS) | set(INTLIST_COLS) | set(INT_COLS) | set(DOUBLE_COLS)
             | set(DLIST_COLS) | OFFSET_TAGS | {347, 34735, 34736, 34737})


class Bad(Exception):
    def __init__(self, kind: str, msg: str) -> None:
        super().__init__(msg)
        self.kind = kind


def parse(data: bytes) -> dict:
    if len(data) < 8:
        if len(data) >= 4 and data[:4] in (b"II*\0", b"MM\0*", b"II+\0", b"MM\0+"):
            raise Bad("truncated", "header shorter than 8 bytes")
        raise Bad("not_tiff" if len(data) < 2 or data[:2] not in (b"II", b"MM") else
                  "truncated", "no TIFF header")
    if data[:2] == b"II":
        bo = "<"
    elif data[:2] == b"MM":
        bo = ">"
    else:
        raise Bad("not_tiff", "bad byte order mark")
    version = struct.unpack(bo + "H", data[2:4])[0]
    if version == 42:
        big = False
        first = struct.unpack(bo + "I", data[4:8])[0]
    elif version == 43:
        big = True
        if len(data) < 16:
            raise Bad("truncated", "BigTIFF header shorter than 16 bytes")
        bsize, zero = struct.unpack(bo + "HH", data[4:8])
        if bsize != 8 or zero != 0:
            raise Bad("invalid_value", f"BigTIFF offset size {bsize}")
        first = struct.unpack(bo + "Q", data[8:16])[0]
    else:
        raise Bad("not_tiff", f"version {version}")

    def need(off: int, n: int) -> bytes:
        if off + n > len(data):
            raise Bad("truncated", f"need bytes [{off}, {off + n}) of {len(data)}")
        return data[off:off + n]

    ifds = []
    seen = set()
    off = first
    while off:
        if off in seen:
            raise Bad("ifd_loop", f"IFD at {off} seen before")
        if len(ifds) >= MAX_IFDS:
            raise Bad("limit_exceeded", f"more than {MAX_IFDS} IFDs")
        seen.add(off)
        cnt_fmt, cnt_sz, ent_sz, off_fmt, off_sz = (
            ("Q", 8, 20, "Q", 8) if big else ("H", 2, 12, "I", 4))
        n = struct.unpack(bo + cnt_fmt, need(off, cnt_sz))[0]
        if n > MAX_ENTRIES:
            raise Bad("limit_exceeded", f"{n} entries")
        tags = []
        for i in range(n):
            e = need(off + cnt_sz + i * ent_sz, ent_sz)
            code, typ = struct.unpack(bo + "HH", e[:4])
            count = struct.unpack(bo + off_fmt, e[4:4 + off_sz])[0]
            field = e[4 + off_sz:]
            tag = {"code": code, "type": typ, "count": count, "values": None}
            size = TYPE_SIZES.get(typ)
            if size is not None:
                total = size * count
                if total <= off_sz:
                    raw = field[:total]
                else:
                    voff = struct.unpack(bo + off_fmt, field)[0]
                    if code in OFFSET_TAGS or (count > 1024 and typ not in (2, 7)):
                        raw = None
                        if voff + total > len(data):
                            raise Bad("truncated", f"tag {code} values past the end")
                    else:
                        if total > (16 << 20):
                            raise Bad("limit_exceeded", f"tag {code} has {total} bytes")
                        raw = need(voff, total)
                if raw is not None and code not in OFFSET_TAGS:
                    tag["values"] = decode(bo, typ, count, raw)
            tags.append(tag)
        nxt = struct.unpack(bo + off_fmt, need(off + cnt_sz + n * ent_sz, off_sz))[0]
        ifds.append({"offset": off, "tags": tags})
        off = nxt
    return {"byte_order": "II" if bo == "<" else "MM", "bigtiff": big, "ifds": ifds}


def decode(bo: str, typ: int, count: int, raw: bytes):
    if typ == 2:
        s = raw[:-1] if raw.endswith(b"\0") else raw
        try:
            return s.decode("utf-8")
        except UnicodeDecodeError:
            return s.decode("latin-1")
    if typ == 7:
        return list(raw)
    if typ in (5, 10):
        v = struct.unpack(f"{bo}{2 * count}{'I' if typ == 5 else 'i'}", raw)
        return [[v[i], v[i + 1]] for i in range(0, len(v), 2)]
    return list(struct.unpack(f"{bo}{count}{TYPE_FMT[typ]}", raw))


def geokeys(tags: dict) -> dict:
    out = {name: None for name in GEOKEYS.values()}
    out["unknown"] = {}
    d = tags.get(34735)
    if not d or not d["values"] or len(d["values"]) < 4:
        return out
    v = d["values"]
    dbl = (tags.get(34736) or {}).get("values") or []
    asc = (tags.get(34737) or {}).get("values") or ""
    for k in range(min(v[3], (len(v) - 4) // 4)):
        kid, loc, cnt, off = v[4 + 4 * k: 8 + 4 * k]
        if loc == 0:
            val = off
        elif loc == 34736:
            val = dbl[off:off + cnt]
            val = val[0] if cnt == 1 and val else val
        elif loc == 34737:
            val = asc[off:off + cnt].rstrip("|")
        elif loc == 34735:
            val = v[off:off + cnt]
            val = val[0] if cnt == 1 and val else val
        else:
            val = None
        if kid in GEOKEYS:
            out[GEOKEYS[kid]] = val
        else:
            out["unknown"][str(kid)] = val
    return out


def row(path: str, size: int, h: dict) -> dict:
    first = h["ifds"][0]["tags"] if h["ifds"] else []
    tags: dict = {}
    for t in first:
        tags.setdefault(t["code"], t)

    def val(code):
        t = tags.get(code)
        return None if t is None else t["values"]

    r = {"path": path, "size": size, "byte_order": h["byte_order"], "bigtiff": h["bigtiff"],
         "ifd_count": len(h["ifds"]), "header_bytes": 8, "error_kind": None,
         "error": None}
    for c, n in STRING_COLS.items():
        r[n] = val(c) if isinstance(val(c), str) else None
    for c, n in INTLIST_COLS.items():
        r[n] = val(c)
    for c, n in INT_COLS.items():
        v = val(c)
        r[n] = v[0] if isinstance(v, list) and v and isinstance(v[0], int) else None
    for c, n in DOUBLE_COLS.items():
        v = val(c)
        r[n] = v[0][0] / v[0][1] if v and v[0][1] else None
    jt = val(347)
    r["jpeg_tables"] = bytes(jt).hex() if jt is not None else None
    for c, n in DLIST_COLS.items():
        v = val(c)
        r[n] = [float(x) for x in v] if v is not None else None
    r["geokeys"] = geokeys(tags)
    r["other_tags"] = {str(c): json.dumps(t["values"] if t["values"] is None or
                                          len(t["values"]) != 1 or isinstance(t["values"], str)
                                          else t["values"][0])
                       for c, t in tags.items() if c not in ROW_CODES}
    summ = []
    for ifd in h["ifds"]:
        tt = {t["code"]: t for t in ifd["tags"]}

        def one(code):
            v = tt.get(code, {}).get("values")
            return v[0] if isinstance(v, list) and v else None

        summ.append({"width": one(256), "height": one(257), "tile_width": one(322),
                     "tile_height": one(323), "new_subfile_type": one(254),
                     "compression": one(259), "photometric_interpretation": one(262),
                     "samples_per_pixel": one(277),
                     "bits_per_sample": tt.get(258, {}).get("values"),
                     "sample_format": tt.get(339, {}).get("values"),
                     "planar_configuration": one(284), "predictor": one(317)})
    r["ifds"] = summ
    return r


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0] != "info":
        print("usage: mock_dumper.py info [--raw] PATH", file=sys.stderr)
        return 2
    raw = "--raw" in args
    path = [a for a in args[1:] if a != "--raw"][0]
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        print(f"error: io: {exc}", file=sys.stderr)
        return 1
    try:
        h = parse(data)
    except Bad as exc:
        print(f"error: {exc.kind}: {exc}", file=sys.stderr)
        return 1
    out = h if raw else row(path, os.path.getsize(path), h)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
