#!/usr/bin/python3
"""Oracle: `tiff-dumper info` against `gdalinfo -json` for GDAL-written GeoTIFFs.

    tests/oracle/gdal_compare.py OUTDIR [--binary PATH]

OUTDIR is what make_gdal_corpus.sh generated. For each *.tif (side files .msk/.ovr
are skipped here; tifffile_compare.py reads them as plain TIFFs) it checks:

  * size, band count (samples_per_pixel), data type (bits_per_sample[0] +
    sample_format[0]), block size (tile or width x rows_per_strip), interleave
    (planar_configuration), compression code vs IMAGE_STRUCTURE COMPRESSION,
    photometric vs colour interpretation / SOURCE_COLOR_SPACE;
  * CRS: the EPSG code of gdalinfo's WKT (the ID["EPSG",N] of the root CRS, or of
    each COMPOUNDCRS component) against projected_type / geographic_type /
    vertical; for CRSs without an EPSG code, model_type, user-defined (32767)
    codes, the ellipsoid and the projection parameters named in the WKT;
    raster_type against AREA_OR_POINT;
  * the geotransform derived from model_pixel_scale + model_tiepoint or
    model_transformation, with GDAL's half-pixel shift for PixelIsPoint, against
    gdalinfo's geoTransform (relative tolerance 1e-9);
  * overviews: IFDs with (new_subfile_type & 1) and not (& 4), their number and
    sizes, against bands[0].overviews (when they are internal);
  * internal mask: an IFD with (new_subfile_type & 4) iff gdalinfo's mask flags are
    PER_DATASET without ALPHA and there is no .msk side file; mask overview count;
  * nodata (GDAL_NODATA, other_tags["42113"]) against bands[0].noDataValue;
  * TIFFTAG_* metadata items against the string/resolution columns;
  * byte order / BigTIFF against the file's first bytes and the intent in its name
    (`_be`, `_bigtiff`), since gdalinfo does not report them;
  * and every GeoKey against tifffile's own GeoKey decoding (tifffile_expect).

Exit status 0 when all match, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

try:
    import numpy
    import tifffile
except ImportError as _exc:  # not Debian's python3, or python3-tifffile missing
    print(f"SKIP: {_exc}; run with /usr/bin/python3 (python3-tifffile, python3-numpy)")
    sys.exit(77)

from oracle_common import DumperError, Report, dumper_json, find_binary
from tifffile_expect import check_geokeys, geokeys_expected

COMPRESSION_CODES = {
    "NONE": 1, "CCITTRLE": 2, "CCITTFAX3": 3, "CCITTFAX4": 4, "LZW": 5, "OJPEG": 6,
    "JPEG": 7, "YCbCr JPEG": 7, "DEFLATE": 8, "PACKBITS": 32773, "LZMA": 34925,
    "ZSTD": 50000, "WEBP": 50001, "JXL": 50002, "LERC": 34887, "LERC_DEFLATE": 34887,
    "LERC_ZSTD": 34887,
}
# (bits, sample_format) -> GDAL data type name
DATA_TYPES = {
    (8, 1): "Byte", (8, 2): "Int8", (16, 1): "UInt16", (16, 2): "Int16",
    (32, 1): "UInt32", (32, 2): "Int32", (64, 1): "UInt64", (64, 2): "Int64",
    (16, 3): "Float16", (32, 3): "Float32", (64, 3): "Float64",
    (32, 5): "CInt16", (64, 5): "CInt32", (64, 6): "CFloat32", (128, 6): "CFloat64",
}
# WKT2 projection parameter name -> GeoKey column (only the ones our corpus uses)
WKT_PARAMS = {
    "Latitude of 1st standard parallel": "proj_std_parallel1",
    "Latitude of 2nd standard parallel": "proj_std_parallel2",
    "Latitude of false origin": "proj_false_origin_lat",
    "Longitude of false origin": "proj_false_origin_long",
    "Easting at false origin": "proj_false_origin_easting",
    "Northing at false origin": "proj_false_origin_northing",
    "Latitude of natural origin": "proj_nat_origin_lat",
    "Longitude of natural origin": "proj_nat_origin_long",
    "Longitude of origin": "proj_nat_origin_long",
    "Latitude of origin": "proj_nat_origin_lat",
    "False easting": "proj_false_easting",
    "False northing": "proj_false_northing",
    "Scale factor at natural origin": "proj_scale_at_nat_origin",
}
USER_DEFINED = 32767


# --- a minimal WKT parser: node = (KEYWORD, [args]), args are str/float/node ---------
_TOKEN = re.compile(r'\s*(?:(")((?:[^"]|"")*)"|([A-Za-z_][A-Za-z0-9_]*)|([-+0-9.eE]+)|(\[|\(|\]|\)|,))')


def parse_wkt(text: str) -> tuple:
    pos = 0
    toks: list[tuple[str, Any]] = []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise ValueError(f"WKT parse error at {pos}: {text[pos:pos + 30]!r}")
        pos = m.end()
        if m.group(1):
            toks.append(("str", m.group(2).replace('""', '"')))
        elif m.group(3):
            toks.append(("id", m.group(3)))
        elif m.group(4):
            toks.append(("num", float(m.group(4))))
        else:
            toks.append(("p", m.group(5)))
    i = 0

    def node() -> Any:
        nonlocal i
        kind, val = toks[i]
        i += 1
        if kind == "id" and i < len(toks) and toks[i] == ("p", "[") or \
                kind == "id" and i < len(toks) and toks[i] == ("p", "("):
            i += 1
            args = []
            while toks[i][1] not in ("]", ")"):
                args.append(node())
                if toks[i] == ("p", ","):
                    i += 1
            i += 1
            return (val.upper(), args)
        return val

    return node()


def children(n: tuple, kw: str) -> list[tuple]:
    return [a for a in n[1] if isinstance(a, tuple) and a[0] == kw]


def epsg_id(n: tuple) -> int | None:
    for a in n[1]:
        if isinstance(a, tuple) and a[0] in ("ID", "AUTHORITY") and a[1] and \
                str(a[1][0]).upper() == "EPSG":
            return int(float(a[1][1]))
    return None


PROJ = {"PROJCRS", "PROJCS", "PROJECTEDCRS"}
GEOG = {"GEOGCRS", "GEOGCS", "GEOGRAPHICCRS", "GEODCRS", "GEODETICCRS"}
VERT = {"VERTCRS", "VERT_CS", "VERTICALCRS"}


# --- checks ----------------------------------------------------------------------------
def close(a: float, b: float, rel: float = 1e-9) -> bool:
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) or a == b


def derived_geotransform(row: dict) -> list[float] | None:
    mt = row.get("model_transformation")
    if mt and len(mt) >= 8:
        gt = [mt[3], mt[0], mt[1], mt[7], mt[4], mt[5]]
    else:
        scale, tie = row.get("model_pixel_scale"), row.get("model_tiepoint")
        if not scale or not tie or len(tie) != 6 or len(scale) < 2:
            return None
        i, j, _, x, y, _ = tie
        gt = [x - i * scale[0], scale[0], 0.0, y + j * scale[1], 0.0, -scale[1]]
    gk = row.get("geokeys") or {}
    if gk.get("raster_type") == 2:
        # GDAL (GTIFF_POINT_GEO_IGNORE=NO, the default) moves the origin from the
        # centre of the first pixel to its corner.
        gt[0] -= gt[1] * 0.5 + gt[2] * 0.5
        gt[3] -= gt[4] * 0.5 + gt[5] * 0.5
    return gt


def check_crs(fail, row: dict, gi: dict) -> None:
    gk = row.get("geokeys") or {}
    wkt = (gi.get("coordinateSystem") or {}).get("wkt")
    if not wkt:
        if any(v is not None for k, v in gk.items() if k != "unknown"):
            fail(f"gdalinfo has no CRS but geokeys are {gk}")
        return
    root = parse_wkt(wkt)
    comps = [root]
    if root[0] in ("COMPOUNDCRS", "COMPD_CS"):
        comps = [a for a in root[1] if isinstance(a, tuple) and a[0] not in ("ID", "AUTHORITY",
                                                                            "USAGE", "REMARK")]
    horiz = comps[0]
    exp_model = 1 if horiz[0] in PROJ else 2 if horiz[0] in GEOG else None
    if horiz[0] in GEOG:
        cs = children(horiz, "CS")
        if cs and cs[0][1] and str(cs[0][1][0]).lower() == "cartesian":
            exp_model = 3  # geocentric
    if exp_model is not None and gk.get("model_type") != exp_model:
        fail(f"model_type {gk.get('model_type')} != {exp_model} ({horiz[0]})")
    code = epsg_id(horiz)
    if horiz[0] in PROJ:
        if code is not None:
            if gk.get("projected_type") != code:
                fail(f"projected_type {gk.get('projected_type')} != EPSG:{code} from gdalinfo")
        else:
            if gk.get("projected_type") not in (None, USER_DEFINED):
                fail(f"projected_type {gk.get('projected_type')}: gdalinfo's CRS has no EPSG "
                     f"code, expected user-defined ({USER_DEFINED}) or absent")
            _check_custom_projection(fail, gk, horiz)
        base = (children(horiz, "BASEGEOGCRS") or children(horiz, "BASEGEODCRS")
                or children(horiz, "GEOGCS"))
        if base and code is None:
            _check_geog(fail, gk, base[0])
    elif horiz[0] in GEOG:
        _check_geog(fail, gk, horiz)
    for c in comps[1:]:
        if c[0] in VERT:
            vcode = epsg_id(c)
            if vcode is not None and gk.get("vertical") != vcode:
                fail(f"vertical {gk.get('vertical')} != EPSG:{vcode} from gdalinfo")


def _check_geog(fail, gk: dict, geog: tuple) -> None:
    code = epsg_id(geog)
    if code is not None:
        if gk.get("geographic_type") != code:
            fail(f"geographic_type {gk.get('geographic_type')} != EPSG:{code} from gdalinfo")
        return
    if gk.get("geographic_type") not in (None, USER_DEFINED):
        fail(f"geographic_type {gk.get('geographic_type')}: gdalinfo's geographic CRS has no "
             f"EPSG code, expected user-defined or absent")
    # user-defined ellipsoid: semi-major axis and inverse flattening
    for datum in children(geog, "DATUM") + children(geog, "ENSEMBLE"):
        for ell in children(datum, "ELLIPSOID") + children(datum, "SPHEROID"):
            a, rf = ell[1][1], ell[1][2]
            if epsg_id(ell) is None:
                if not (isinstance(gk.get("geog_semi_major_axis"), (int, float)) and
                        close(gk["geog_semi_major_axis"], a)):
                    fail(f"geog_semi_major_axis {gk.get('geog_semi_major_axis')} != {a}")
                if rf and not (isinstance(gk.get("geog_inv_flattening"), (int, float)) and
                               close(gk["geog_inv_flattening"], rf)):
                    fail(f"geog_inv_flattening {gk.get('geog_inv_flattening')} != {rf}")


def _check_custom_projection(fail, gk: dict, proj: tuple) -> None:
    conv = children(proj, "CONVERSION") or [proj]
    matched = 0
    for p in children(conv[0], "PARAMETER"):
        name, value = p[1][0], p[1][1]
        col = WKT_PARAMS.get(name)
        if col is None or gk.get(col) is None:
            continue
        matched += 1
        if not close(float(gk[col]), float(value)):
            fail(f"{col} {gk[col]} != WKT parameter {name!r} = {value}")
    if gk.get("proj_coord_trans") is None:
        fail("custom projection but proj_coord_trans is null")
    if matched == 0:
        fail("custom projection: no projection parameter of the WKT found in the geokeys")


def check_file(rep: Report, binary: str, path: Path) -> None:
    fail = lambda m: rep.fail(path, m)  # noqa: E731
    proc = subprocess.run(["gdalinfo", "-json", str(path)], capture_output=True, timeout=60)
    if proc.returncode != 0:
        fail(f"gdalinfo failed: {proc.stderr.decode()[:300]}")
        return
    gi = json.loads(proc.stdout)
    try:
        row = dumper_json(binary, ["info", str(path)])
    except DumperError as exc:
        fail(f"tiff-dumper info failed: {exc}")
        return
    rep.count("files")
    if row.get("error_kind") is not None:
        fail(f"error_kind {row.get('error_kind')!r}: {row.get('error')!r}")
        return

    # byte order / BigTIFF: the file's own first bytes and the generator's intent
    head = path.read_bytes()[:4]
    exp_bo = head[:2].decode()
    exp_big = head[2:4] in (b"+\x00", b"\x00+")
    if row.get("byte_order") != exp_bo:
        fail(f"byte_order {row.get('byte_order')!r} != {exp_bo!r} (file magic)")
    if row.get("bigtiff") is not exp_big:
        fail(f"bigtiff {row.get('bigtiff')!r} != {exp_big} (file magic)")
    if ("_be" in path.stem) != (exp_bo == "MM") or ("_bigtiff" in path.stem) != exp_big:
        fail(f"generator intent (name) disagrees with the file magic {head!r}")

    bands = gi.get("bands") or []
    b0 = bands[0] if bands else {}
    ist = (gi.get("metadata") or {}).get("IMAGE_STRUCTURE") or {}
    md = (gi.get("metadata") or {}).get("") or {}

    # size, bands, type, block, interleave
    if [row.get("image_width"), row.get("image_height")] != gi.get("size"):
        fail(f"size {[row.get('image_width'), row.get('image_height')]} != {gi.get('size')}")
    if row.get("samples_per_pixel", 1) != len(bands) and not (
            row.get("samples_per_pixel") is None and len(bands) == 1):
        fail(f"samples_per_pixel {row.get('samples_per_pixel')} != {len(bands)} bands")
    bps = (row.get("bits_per_sample") or [1])[0]
    sf = (row.get("sample_format") or [1])[0]
    gtype = DATA_TYPES.get((bps, sf))
    if gtype != b0.get("type"):
        # GDAL 3.6 reports signed 8-bit as Byte (+ PIXELTYPE=SIGNEDBYTE)
        if not (gtype == "Int8" and b0.get("type") == "Byte"):
            fail(f"data type {gtype} (bits {bps}, format {sf}) != {b0.get('type')}")
    if row.get("tile_width") is not None:
        blk = [row.get("tile_width"), row.get("tile_height")]
    else:
        rps = row.get("rows_per_strip")
        h = row.get("image_height") or 0
        blk = [row.get("image_width"), min(rps, h) if rps is not None else h]
    if blk != b0.get("block"):
        fail(f"block {blk} != gdalinfo {b0.get('block')}")
    if len(bands) > 1 and "INTERLEAVE" in ist:
        exp_pc = 2 if ist["INTERLEAVE"] == "BAND" else 1
        if (row.get("planar_configuration") or 1) != exp_pc:
            fail(f"planar_configuration {row.get('planar_configuration')} != {exp_pc} "
                 f"(INTERLEAVE={ist['INTERLEAVE']})")

    # compression & photometric
    cname = ist.get("COMPRESSION", "NONE")
    ccode = COMPRESSION_CODES.get(cname)
    if ccode is None:
        rep.note(path, f"unknown GDAL compression name {cname!r}; not compared")
    elif (row.get("compression") or 1) != ccode:
        fail(f"compression {row.get('compression')} != {ccode} ({cname})")
    pi = row.get("photometric_interpretation")
    if ist.get("SOURCE_COLOR_SPACE") == "YCbCr":
        exp_pi = 6
    elif b0.get("colorInterpretation") == "Red":
        exp_pi = 2
    elif b0.get("colorInterpretation") == "Palette":
        exp_pi = 3
    elif b0.get("colorInterpretation") == "Gray":
        exp_pi = 1
    else:
        exp_pi = pi
    if pi != exp_pi:
        fail(f"photometric_interpretation {pi} != {exp_pi} ({b0.get('colorInterpretation')})")

    # CRS and raster type
    check_crs(fail, row, gi)
    gk = row.get("geokeys") or {}
    if "AREA_OR_POINT" in md and gi.get("coordinateSystem"):
        exp_rt = 2 if md["AREA_OR_POINT"] == "Point" else 1
        if gk.get("raster_type") != exp_rt:
            fail(f"raster_type {gk.get('raster_type')} != {exp_rt} "
                 f"(AREA_OR_POINT={md['AREA_OR_POINT']})")

    # geotransform
    ggt = gi.get("geoTransform")
    ogt = derived_geotransform(row)
    if ggt is None:
        if ogt is not None:
            fail(f"geotransform {ogt} but gdalinfo has none")
    elif ogt is None:
        fail(f"no geotransform derivable, gdalinfo has {ggt}")
    else:
        scale = max(abs(x) for x in ggt[1:3] + ggt[4:6])
        for k in range(6):
            # origin terms relative to their magnitude, pixel terms to the pixel size
            ref = max(abs(ggt[k]), scale)
            if abs(ogt[k] - ggt[k]) > 1e-9 * ref:
                fail(f"geotransform[{k}] {ogt[k]!r} != gdalinfo {ggt[k]!r} (derived {ogt})")
                break
        else:
            rep.count("geotransforms")

    # overviews and masks
    files = [Path(f).name for f in gi.get("files", [])]
    ifds = [d for d in row.get("ifds") or [] if d.get("parent") is None]  # main chain
    nst = [(s.get("new_subfile_type") or 0) for s in ifds]
    ovr = [s for s, t in zip(ifds, nst) if t & 1 and not t & 4]
    masks = [s for s, t in zip(ifds, nst) if t & 4]
    govr = b0.get("overviews") or []
    if not any(f.endswith(".ovr") for f in files):
        if len(ovr) != len(govr):
            fail(f"{len(ovr)} overview IFDs != gdalinfo {len(govr)} overviews")
        else:
            for k, (s, g) in enumerate(zip(ovr, govr)):
                if [s.get("width"), s.get("height")] != g.get("size"):
                    fail(f"overview {k} size {[s.get('width'), s.get('height')]} != "
                         f"{g.get('size')}")
            rep.count("overviews", len(ovr))
    mflags = (b0.get("mask") or {}).get("flags") or []
    want_mask = ("PER_DATASET" in mflags and "ALPHA" not in mflags and
                 not any(f.endswith(".msk") for f in files))
    if want_mask != bool(masks):
        fail(f"internal mask IFDs {len(masks)} but gdalinfo mask flags {mflags}, files {files}")
    elif want_mask:
        full = [m for m, t in zip(masks, [t for t in nst if t & 4]) if not t & 1]
        if not full or [full[0].get("width"), full[0].get("height")] != gi.get("size"):
            fail(f"no full-resolution mask IFD of size {gi.get('size')}")
        movr = (b0.get("mask") or {}).get("overviews") or []
        if len(masks) - len(full) != len(movr):
            fail(f"{len(masks) - len(full)} mask overview IFDs != gdalinfo {len(movr)}")
        rep.count("masks")

    # nodata
    other = row.get("other_tags") or {}
    if "noDataValue" in b0:
        txt = other.get("42113")
        if txt is None:
            fail(f"gdalinfo nodata {b0['noDataValue']!r} but other_tags has no 42113")
        else:
            val = txt
            if isinstance(val, str):
                try:
                    val = json.loads(val)
                except json.JSONDecodeError:
                    pass  # the embedded string itself
            try:
                nd = float(str(val).strip().strip("\x00"))
            except ValueError:
                nd = None
            exp = b0["noDataValue"]
            exp = float(exp) if not isinstance(exp, str) else float(exp.replace("NaN", "nan"))
            if nd is None or not (nd == exp or (math.isnan(nd) and math.isnan(exp))):
                fail(f"nodata {txt!r} != gdalinfo {b0['noDataValue']!r}")
            else:
                rep.count("nodata")

    # TIFFTAG_* metadata items
    for item, col in (("TIFFTAG_ARTIST", "artist"), ("TIFFTAG_COPYRIGHT", "copyright"),
                      ("TIFFTAG_DATETIME", "date_time"), ("TIFFTAG_DOCUMENTNAME", "document_name"),
                      ("TIFFTAG_IMAGEDESCRIPTION", "image_description"),
                      ("TIFFTAG_SOFTWARE", "software"), ("TIFFTAG_HOSTCOMPUTER", "host_computer")):
        if item in md:
            rep.count("tifftags")
            if row.get(col) != md[item]:
                fail(f"{col} {row.get(col)!r} != gdalinfo {item}={md[item]!r}")
        elif row.get(col) is not None:
            fail(f"{col} {row.get(col)!r} but gdalinfo has no {item}")
    for item, col in (("TIFFTAG_XRESOLUTION", "x_resolution"),
                      ("TIFFTAG_YRESOLUTION", "y_resolution")):
        if item in md:
            rep.count("tifftags")
            if not isinstance(row.get(col), (int, float)) or not close(row[col], float(md[item])):
                fail(f"{col} {row.get(col)!r} != gdalinfo {item}={md[item]!r}")
    if "TIFFTAG_RESOLUTIONUNIT" in md:
        rep.count("tifftags")
        unit = int(md["TIFFTAG_RESOLUTIONUNIT"].split()[0])
        if row.get("resolution_unit") != unit:
            fail(f"resolution_unit {row.get('resolution_unit')} != {unit}")
    custom = {k: v for k, v in md.items() if not k.startswith("TIFFTAG_") and k != "AREA_OR_POINT"}
    if custom:
        xml = other.get("42112")
        xml = json.loads(xml) if isinstance(xml, str) and xml.startswith('"') else xml
        for k, v in custom.items():
            if not isinstance(xml, str) or f'name="{k}">{v}<' not in xml:
                fail(f"GDAL_METADATA (42112) lacks {k}={v}: {xml!r:.200}")

    # every GeoKey against tifffile
    with tifffile.TiffFile(str(path)) as tif:
        exp = geokeys_expected(tif.pages._getitem(0, aspage=True))
    rep.count("geokeys", check_geokeys(fail, row.get("geokeys"), exp))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("outdir", type=Path, help="directory made by make_gdal_corpus.sh")
    ap.add_argument("--binary", help="tiff-dumper executable")
    ap.add_argument("--min-files", type=int, default=15,
                    help="fail when fewer GeoTIFFs are found (default 15)")
    args = ap.parse_args()
    if shutil.which("gdalinfo") is None:
        print("SKIP: gdalinfo (gdal-bin) is not installed")
        return 77
    binary = find_binary(args.binary)
    files = sorted(p for p in args.outdir.glob("*.tif") if p.is_file())
    rep = Report()
    if len(files) < args.min_files:
        rep.fail(args.outdir, f"only {len(files)} .tif files (want >= {args.min_files}); "
                              f"did make_gdal_corpus.sh run?")
    for path in files:
        try:
            check_file(rep, binary, path)
        except Exception as exc:
            rep.fail(path, f"oracle error {type(exc).__name__}: {exc}")
    return rep.print(f"gdal_compare ({binary})")


if __name__ == "__main__":
    sys.exit(main())
