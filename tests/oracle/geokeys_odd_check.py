#!/usr/bin/env python3
"""Issue 15, kind 5: odd GeoKey directories, tiff-dumper against libgeotiff (listgeo)
and GDAL (gdalinfo -json, which reads GeoKeys through libgeotiff).

Writes one small GeoTIFF per case into OUT_DIR (bytes made here, little-endian
classic TIFF, one 4x4 8-bit strip; a WGS 84 geographic directory plus the odd key):
  location0_count2    RasterType (1025) with TIFFTagLocation 0 and count 2
  missing_ascii       GeogCitation (2049) pointing at GeoAsciiParams, which is absent
  missing_double      GeogSemiMajorAxis (2057) pointing at GeoDoubleParams, which is absent
  duplicate_key       GeographicType (2048) given twice: 4326, then 4269 (NAD83)
  other_location      GeogCitation (2049) with TIFFTagLocation 33550 (ModelPixelScale)
  count0              GeogSemiMajorAxis (2057) pointing at GeoDoubleParams with count 0
  past_params         GeogSemiMajorAxis at value 5 of a 1-value GeoDoubleParams
  runs_past_double    GeogSemiMajorAxis asking for 3 values of a 1-value GeoDoubleParams
  runs_past_ascii     GeogCitation asking for 20 characters of a 7-character GeoAsciiParams
  missing_pipe        GeogCitation of count 7 over "WGS 84" (6 characters, no '|')
  control             the same directory with nothing odd
and checks, for each, tiff-dumper's `info` (geokeys, warnings) against what is
expected and against what listgeo / gdalinfo say:
  - libgeotiff (geo_new.c, ReadKey) refuses the whole directory for location0_count2,
    missing_ascii, missing_double, other_location, past_params and runs_past_double:
    listgeo prints no keys and an error, gdalinfo shows no CRS; tiff-dumper keeps the
    other keys and warns (geokey_invalid, geokey_param_missing);
  - it reads count0 (a key with no value), runs_past_ascii (cut to the 7 characters,
    with a warning) and missing_pipe (silently); tiff-dumper reads them the same way
    (warning geokey_invalid for the first two) and the citation text equals listgeo's;
  - a repeated key: libgeotiff keeps the last entry (gt_keyindex overwritten), so
    GDAL's CRS is EPSG:4269; tiff-dumper's geokeys.geographic_type must be 4269.

Usage: geokeys_odd_check.py OUT_DIR [--binary tiff-dumper]. Exit 77 when listgeo
and gdalinfo are both absent (Debian geotiff-bin, gdal-bin).
"""
from __future__ import annotations

import argparse
import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from oracle_common import dumper_json, find_binary  # noqa: E402

BASE_KEYS = [(1024, 0, 1, 2), (1025, 0, 1, 1), (2048, 0, 1, 4326)]


def tiff(keys: list[tuple[int, int, int, int]], ascii: bytes | None, doubles: list[float] | None) -> bytes:
    """A classic little-endian TIFF: 4x4 8-bit grey, one strip, the given GeoKeys."""
    entries: list[tuple[int, int, int, bytes]] = []  # tag, type, count, value bytes
    short = lambda *v: struct.pack(f"<{len(v)}H", *v)  # noqa: E731
    entries += [(256, 3, 1, short(4)), (257, 3, 1, short(4)), (258, 3, 1, short(8)),
                (259, 3, 1, short(1)), (262, 3, 1, short(1)), (273, 4, 1, b"STRP"),
                (277, 3, 1, short(1)), (278, 3, 1, short(4)), (279, 4, 1, struct.pack("<I", 16))]
    entries.append((33550, 12, 3, struct.pack("<3d", 0.1, 0.1, 0)))
    entries.append((33922, 12, 6, struct.pack("<6d", 0, 0, 0, 10, 50, 0)))
    flat = [1, 1, 0, len(keys)] + [v for k in keys for v in k]
    entries.append((34735, 3, len(flat), short(*flat)))
    if doubles is not None:
        entries.append((34736, 12, len(doubles), struct.pack(f"<{len(doubles)}d", *doubles)))
    if ascii is not None:
        entries.append((34737, 2, len(ascii) + 1, ascii + b"\0"))
    entries.sort()
    ifd_off = 8
    data_off = ifd_off + 2 + 12 * len(entries) + 4
    blobs = b""
    table = b""
    strip_at = None
    for tag, typ, count, value in entries:
        if value == b"STRP":
            strip_at = len(table) + 8
            value = b"\0\0\0\0"
        if len(value) <= 4:
            table += struct.pack("<HHI", tag, typ, count) + value.ljust(4, b"\0")
        else:
            if (data_off + len(blobs)) % 2:
                blobs += b"\0"
            table += struct.pack("<HHII", tag, typ, count, data_off + len(blobs))
            blobs += value
    strip = data_off + len(blobs)
    table = bytearray(table)
    assert strip_at is not None
    table[strip_at:strip_at + 4] = struct.pack("<I", strip)
    return (b"II*\0" + struct.pack("<I", ifd_off) + struct.pack("<H", len(entries)) + bytes(table)
            + b"\0\0\0\0" + blobs + bytes(range(16)))


CASES = {
    "control": (BASE_KEYS + [(2049, 34737, 7, 0), (2057, 34736, 1, 0)], b"WGS 84|", [6378137.0]),
    "location0_count2": (BASE_KEYS + [(3076, 0, 2, 9001)], b"WGS 84|", [6378137.0]),
    "missing_ascii": (BASE_KEYS + [(2049, 34737, 7, 0), (2057, 34736, 1, 0)], None, [6378137.0]),
    "missing_double": (BASE_KEYS + [(2049, 34737, 7, 0), (2057, 34736, 1, 0)], b"WGS 84|", None),
    "duplicate_key": (BASE_KEYS + [(2048, 0, 1, 4269)], b"WGS 84|", [6378137.0]),
    "other_location": (BASE_KEYS + [(2049, 33550, 1, 0)], b"WGS 84|", [6378137.0]),
    "count0": (BASE_KEYS + [(2057, 34736, 0, 0)], b"WGS 84|", [6378137.0]),
    "past_params": (BASE_KEYS + [(2057, 34736, 1, 5)], b"WGS 84|", [6378137.0]),
    "runs_past_double": (BASE_KEYS + [(2057, 34736, 3, 0)], b"WGS 84|", [6378137.0]),
    "runs_past_ascii": (BASE_KEYS + [(2049, 34737, 20, 0)], b"WGS 84|", [6378137.0]),
    "missing_pipe": (BASE_KEYS + [(2049, 34737, 7, 0)], b"WGS 84", [6378137.0]),
}

# What tiff-dumper must say: geokeys fields (None: null) and warning kinds (in order).
EXPECT = {
    "control": ({"model_type": 2, "geographic_type": 4326, "geog_citation": "WGS 84",
                 "geog_semi_major_axis": 6378137.0}, []),
    "location0_count2": ({"model_type": 2, "geographic_type": 4326, "proj_linear_units": None},
                         ["geokey_invalid"]),
    "missing_ascii": ({"geographic_type": 4326, "geog_citation": None, "geog_semi_major_axis": 6378137.0},
                      ["geokey_param_missing"]),
    "missing_double": ({"geographic_type": 4326, "geog_citation": "WGS 84", "geog_semi_major_axis": None},
                       ["geokey_param_missing"]),
    "duplicate_key": ({"geographic_type": 4269}, ["geokey_duplicate"]),
    "other_location": ({"geographic_type": 4326, "geog_citation": None}, ["geokey_invalid"]),
    "count0": ({"geographic_type": 4326, "geog_semi_major_axis": None, "unknown": {"2057": []}}, ["geokey_invalid"]),
    "past_params": ({"geographic_type": 4326, "geog_semi_major_axis": None}, ["geokey_invalid"]),
    "runs_past_double": ({"geographic_type": 4326, "geog_semi_major_axis": None}, ["geokey_invalid"]),
    "runs_past_ascii": ({"geographic_type": 4326, "geog_citation": "WGS 84"}, ["geokey_invalid"]),
    "missing_pipe": ({"geographic_type": 4326, "geog_citation": "WGS 84"}, []),
}
# GDAL's CRS (EPSG code) per case; None: GDAL ignores the GeoKeys (libgeotiff's GTIFNew fails).
GDAL_EPSG = {"control": 4326, "location0_count2": None, "missing_ascii": None,
             "missing_double": None, "duplicate_key": 4269, "other_location": None, "count0": 4326,
             "past_params": None, "runs_past_double": None, "runs_past_ascii": 4326, "missing_pipe": 4326}


def gdal_epsg(path: Path) -> int | None:
    out = subprocess.run(["gdalinfo", "-json", str(path)], capture_output=True, timeout=60).stdout
    wkt = json.loads(out).get("coordinateSystem", {}).get("wkt", "")
    at = wkt.rfind('ID["EPSG",')
    return int(wkt[at + 10:].split("]")[0]) if at >= 0 else None


def listgeo(path: Path) -> tuple[bool, str]:
    """(keys read, output): libgeotiff's own listing."""
    p = subprocess.run(["listgeo", str(path)], capture_output=True, timeout=60)
    text = (p.stdout + p.stderr).decode("utf-8", "replace")
    return "Keyed_Information:" in text and "failed in GTIFNew" not in text, text


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--binary")
    args = ap.parse_args()
    have_listgeo, have_gdal = shutil.which("listgeo"), shutil.which("gdalinfo")
    if not have_listgeo and not have_gdal:
        print("SKIP: neither listgeo (geotiff-bin) nor gdalinfo (gdal-bin) is installed")
        return 77
    binary = find_binary(args.binary)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    failures = []
    for name, (keys, ascii, doubles) in CASES.items():
        path = args.out_dir / f"{name}.tif"
        path.write_bytes(tiff(keys, ascii, doubles))
        row = dumper_json(binary, ["info", str(path)])
        geo = row.get("geokeys") or {}
        fields, kinds = EXPECT[name]
        for field, want in fields.items():
            if geo.get(field) != want:
                failures.append(f"{name}: geokeys.{field} = {geo.get(field)!r}, expected {want!r}")
        got_kinds = [w["kind"] for w in row.get("warnings") or []]
        if got_kinds != kinds:
            failures.append(f"{name}: warnings {got_kinds}, expected {kinds}")
        raw = dumper_json(binary, ["info", "--raw", str(path)])
        if [w["kind"] for w in raw.get("warnings") or []] != kinds:
            failures.append(f"{name}: info --raw warnings differ from info's")
        if have_gdal:
            epsg = gdal_epsg(path)
            if epsg != GDAL_EPSG[name]:
                failures.append(f"{name}: gdalinfo EPSG {epsg}, expected {GDAL_EPSG[name]}")
            if epsg is not None and geo.get("geographic_type") != epsg:
                failures.append(f"{name}: geographic_type {geo.get('geographic_type')} != GDAL's EPSG {epsg}")
        if have_listgeo:
            read, text = listgeo(path)
            if read != (GDAL_EPSG[name] is not None):
                failures.append(f"{name}: listgeo {'read' if read else 'refused'} the keys: {text[:200]!r}")
            if name == "duplicate_key" and "GCS: 4269/NAD83" not in text:
                failures.append(f"{name}: listgeo did not resolve the repeated key to 4269: {text[:400]!r}")
            citation = fields.get("geog_citation")
            if read and citation and f'GeogCitationGeoKey (Ascii,{len(citation) + 1}): "{citation}"' not in text:
                failures.append(f"{name}: listgeo's GeogCitation is not {citation!r}: {text[:400]!r}")
        print(f"{name}: geokeys {json.dumps({k: geo.get(k) for k in fields})}, warnings {got_kinds}")
    for f in failures:
        print("FAIL", f)
    print(f"{len(CASES)} files, {len(failures)} failures"
          f" (listgeo {'yes' if have_listgeo else 'absent'}, gdalinfo {'yes' if have_gdal else 'absent'})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
