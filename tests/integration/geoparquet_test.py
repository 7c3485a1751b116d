#!/usr/bin/python3
"""GeoParquet 1.1 output (issue 17, items 5 and 6), read back by DuckDB and checked by OGR.

    tests/integration/geoparquet_test.py BINARY

Makes GeoTIFFs with GDAL (a plain UTM one, one across the antimeridian, one around the
north pole, one in a local CRS, one without georeferencing), scans them and checks:

  * DuckDB reads `geometry` as a GEOMETRY column (its type and WKT), one per footprint;
  * the "geo" key-value metadata validates against the GeoParquet 1.1.0 JSON schema
    (data/geoparquet-1.1.0.schema.json, written from the specification) and its file
    bbox contains every row's bbox;
  * each row's covering `bbox` equals its geometry's envelope, read by OGR from the WKT
    DuckDB gives (for a MultiPolygon split at the antimeridian: the western edge of the
    eastern part and the eastern edge of the western part, xmin > xmax);
  * exterior rings are counter-clockwise, as the metadata says;
  * rows without a footprint have null `geometry` and `bbox`.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
QUERY = REPO / "tests" / "js" / "query.mjs"

try:
    import jsonschema
    from osgeo import gdal, ogr, osr
except ImportError as exc:
    print(f"SKIP: {exc}; run with /usr/bin/python3 (python3-gdal, python3-jsonschema)")
    sys.exit(77)

gdal.UseExceptions()
failures: list[str] = []


def check(ok: bool, what: str) -> None:
    if not ok:
        failures.append(what)
        print("FAIL:", what)


def duckdb(sql: str) -> list[dict]:
    out = subprocess.run(["node", str(QUERY), "--json", sql], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def make(path: Path, srs: str | None, gt: tuple, size=(200, 100)) -> None:
    ds = gdal.GetDriverByName("GTiff").Create(str(path), size[0], size[1], 1, gdal.GDT_Byte)
    if srs:
        ref = osr.SpatialReference()
        ref.SetFromUserInput(srs)
        ds.SetSpatialRef(ref)
    if gt:
        ds.SetGeoTransform(gt)
    ds = None


def main() -> int:
    binary = sys.argv[1]
    if not (REPO / "tests" / "js" / "node_modules" / "@duckdb").exists():
        print("SKIP: tests/js/node_modules lacks DuckDB (scripts/install-deps)")
        return 77
    schema = json.loads((Path(__file__).parent / "data" / "geoparquet-1.1.0.schema.json").read_text())
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "src", Path(tmp) / "out"
        src.mkdir()
        out.mkdir()
        gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
        make(src / "utm33.tif", "EPSG:32633", (500000.0, 10.0, 0.0, 5000000.0, 0.0, -10.0))
        make(src / "antimeridian.tif", "EPSG:4326", (170.0, 0.1, 0.0, 10.0, 0.0, -0.1))
        make(src / "north_pole.tif", "EPSG:3413", (-2000000.0, 20000.0, 0.0, 1000000.0, 0.0, -20000.0))
        make(src / "local.tif", 'LOCAL_CS["site grid",UNIT["metre",1]]', (0.0, 1.0, 0.0, 100.0, 0.0, -1.0))
        make(src / "plain.tif", None, None)
        subprocess.run([binary, "headers", "--store", str(src), str(out), "--quiet"], check=True)
        parquet = f"read_parquet('{out}/*.parquet')"

        # The metadata: valid GeoParquet 1.1.0, with a file bbox around every row's.
        kv = duckdb(f"SELECT decode(key) AS key, decode(value) AS value FROM parquet_kv_metadata('{out}/*.parquet')")
        geo = [json.loads(r["value"]) for r in kv if r["key"] == "geo"]
        check(len(geo) == 1, f"one 'geo' entry per file, found {len(geo)}")
        meta = geo[0]
        try:
            jsonschema.validate(meta, schema)
        except jsonschema.ValidationError as exc:
            check(False, f"geo metadata is not valid GeoParquet 1.1.0: {exc.message}")
        column = meta["columns"]["geometry"]
        check(sorted(column["geometry_types"]) == ["MultiPolygon", "Polygon"], f"geometry_types {column}")

        # DuckDB sees a geometry column.
        types = duckdb(f"SELECT DISTINCT typeof(geometry) AS t FROM {parquet}")
        check(any(r["t"].startswith("GEOMETRY") for r in types), f"DuckDB types of geometry: {types}")
        rows = duckdb(f"SELECT path, geometry::VARCHAR AS wkt, bbox FROM {parquet} ORDER BY path")
        by = {r["path"]: r for r in rows}
        check(by["local.tif"]["wkt"] is None and by["local.tif"]["bbox"] is None, f"local CRS: {by['local.tif']}")
        check(by["plain.tif"]["wkt"] is None and by["plain.tif"]["bbox"] is None, f"no CRS: {by['plain.tif']}")
        fb = column["bbox"]
        for name in ("utm33.tif", "antimeridian.tif", "north_pole.tif"):
            r = by[name]
            check(r["wkt"] is not None, f"{name}: no geometry")
            if r["wkt"] is None:
                continue
            g = ogr.CreateGeometryFromWkt(r["wkt"])
            b = r["bbox"]
            parts = [g.GetGeometryRef(i) for i in range(g.GetGeometryCount())] \
                if g.GetGeometryType() == ogr.wkbMultiPolygon else [g]
            envelopes = [p.GetEnvelope() for p in parts]  # (minx, maxx, miny, maxy)
            ymin, ymax = min(e[2] for e in envelopes), max(e[3] for e in envelopes)
            if b["xmin"] > b["xmax"]:  # across the antimeridian
                east = [e for e in envelopes if e[0] >= 0]
                west = [e for e in envelopes if e[1] <= 0]
                check(bool(east) and bool(west), f"{name}: split bbox but parts {envelopes}")
                if east and west:
                    check(abs(min(e[0] for e in east) - b["xmin"]) < 1e-9 and
                          abs(max(e[1] for e in west) - b["xmax"]) < 1e-9, f"{name}: bbox {b} vs parts {envelopes}")
                check(name == "antimeridian.tif", f"{name}: unexpectedly across the antimeridian: {b}")
            else:
                env = (min(e[0] for e in envelopes), max(e[1] for e in envelopes))
                check(abs(env[0] - b["xmin"]) < 1e-9 and abs(env[1] - b["xmax"]) < 1e-9,
                      f"{name}: bbox x {b} vs envelope {env}")
            check(abs(ymin - b["ymin"]) < 1e-9 and abs(ymax - b["ymax"]) < 1e-9, f"{name}: bbox y {b} vs {ymin, ymax}")
            check(fb[1] <= b["ymin"] and b["ymax"] <= fb[3], f"file bbox {fb} does not hold {name}'s {b}")
            for p in parts:  # exterior rings counter-clockwise (shoelace sum > 0)
                ring = p.GetGeometryRef(0)
                pts = [ring.GetPoint_2D(i) for i in range(ring.GetPointCount())]
                area = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(pts, pts[1:]))
                check(area > 0, f"{name}: an exterior ring is clockwise")
        check(by["north_pole.tif"]["bbox"]["ymax"] == 90.0 and by["north_pole.tif"]["bbox"]["xmin"] == -180.0,
              f"north pole footprint: {by['north_pole.tif']['bbox']}")
        check(g is not None, "OGR parsed the geometries")
    print(f"geoparquet: {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
