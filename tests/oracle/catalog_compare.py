#!/usr/bin/python3
"""Oracle: the catalog columns (issue 17, item 1) against `gdalinfo -json`.

    tests/oracle/catalog_compare.py WORKDIR [--corpus DIR ...] [--binary PATH]

Makes its own GeoTIFFs with GDAL in WORKDIR (the cases below), then for those and
every TIFF under each --corpus DIR (the GDAL corpus of make_gdal_corpus.sh,
../shared/corpus) compares `tiff-dumper info` with gdalinfo (GDAL 3.6, Debian 12):

  compression_name  metadata IMAGE_STRUCTURE COMPRESSION (absent = NONE; GDAL's
                    "YCbCr JPEG" is JPEG: the colour space is photometric's)
  data_type         bands[0].type (GDAL < 3.7 shows Int8 as Byte + PIXELTYPE=SIGNEDBYTE)
  band_count        len(bands), except images GDAL opens through libtiff's RGBA
                    interface (4 bands Red, Green, Blue, Alpha where the file has
                    another count): counted as `rgba_interface`, not compared
  tiled             bands[0].block equals [tile_width, tile_height] when tiled, and
                    is as wide as the image when in strips
  overview_count    len(bands[0].overviews) (implicit JPEG overviews switched off:
                    GTIFF_IMPLICIT_JPEG_OVR=NO; files with .ovr side files skipped)
  has_mask          bands[0].mask.flags == ["PER_DATASET"] and no .msk side file
  nodata            bands[0].noDataValue (nan/inf compared as such)
  transform         geoTransform, relative tolerance 1e-9 (absolute 1e-9 for 0); a file
                    with gcps has a null transform and a transform_from_gcps warning
  resolution        resolution_x / resolution_y = hypot of geoTransform's columns
  crs_epsg          `gdalsrsinfo -o epsg`: its code when it names one without a
                    "Confidence in this match" line below 100 %, else null
  crs_projjson      GDAL reads our PROJJSON (osr) and finds it the same CRS as the one
                    it reads from the file (IsSame, EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS)
  bbox              osr's TransformBounds of native_bbox to OGC:CRS84 with 21 points per
                    edge (PROJ's proj_trans_bounds: antimeridian as xmin > xmax, poles
                    included), longitudes wrapped to [-180, 180], within 1e-4 degrees
                    (the datum transformations PROJ picks for one CRS spelled two ways
                    differ by about 1 m); it also contains gdalinfo's wgs84Extent (the
                    corners only); rotated grids: containment only. Where PROJ cannot
                    transform the extent: null bbox and a footprint_not_computed warning
  bands             per band: description, unit, scale, offset, and the
                    STATISTICS_* items of the band's default metadata domain (GDAL
                    also takes the unit from a vertical CRS: not compared there)

Prints, per column, files compared / agree / disagree with the reasons; exit 1 on
any disagreement. GDAL can refuse files it cannot open (counted as `gdal_refused`,
not compared).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from oracle_common import SKIP, Report, existing_dirs, find_binary, info_row, tiff_files

try:
    import numpy as np
    from osgeo import gdal, osr
except ImportError as _exc:
    print(f"SKIP: {_exc}; run with /usr/bin/python3 (python3-gdal, python3-numpy)")
    sys.exit(SKIP)

gdal.UseExceptions()
GDAL_ENV = {**os.environ, "GDAL_PAM_ENABLED": "NO", "GTIFF_IMPLICIT_JPEG_OVR": "NO"}
COLUMNS = ["compression_name", "data_type", "band_count", "tiled", "overview_count", "has_mask", "nodata", "bands",
           "transform", "resolution", "crs_epsg", "crs_projjson", "bbox"]


def make_cases(out: Path) -> None:
    """GeoTIFFs for the kinds the columns distinguish, made with GDAL's Python API."""
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")  # masks inside the file, not a .msk
    out.mkdir(parents=True, exist_ok=True)
    for p in out.glob("*"):
        p.unlink()
    drv = gdal.GetDriverByName("GTiff")
    y, x = np.mgrid[0:300, 0:400]
    ramp = ((x + y) % 200).astype(np.float64)

    def make(name: str, bands: int, gdt: int, options: list[str], edit=None, data=ramp) -> None:
        ds = drv.Create(str(out / name), 400, 300, bands, gdt, options)
        ds.SetGeoTransform((10.0, 0.01, 0.0, 50.0, 0.0, -0.01))
        for b in range(bands):
            ds.GetRasterBand(b + 1).WriteArray(data)
        if edit:
            edit(ds)
        ds = None

    def band_facts(ds) -> None:
        b1 = ds.GetRasterBand(1)
        b1.SetDescription("red & <reflectance>")
        b1.SetUnitType("metre")
        b1.SetScale(0.01)
        b1.SetOffset(-5.5)
        b1.ComputeStatistics(False)
        b2 = ds.GetRasterBand(2)
        b2.SetDescription("Zürich")
        b2.SetScale(2.0)

    make("facts_u16_scale_offset_desc_stats.tif", 3, gdal.GDT_UInt16, ["COMPRESS=DEFLATE"], band_facts)
    make("facts_only_third_band.tif", 3, gdal.GDT_Byte, [],
         lambda ds: ds.GetRasterBand(3).SetDescription("third"))
    make("int8_pixeltype_signedbyte.tif", 1, gdal.GDT_Byte, ["PIXELTYPE=SIGNEDBYTE"])
    make("cint16.tif", 1, gdal.GDT_CInt16, [])
    make("cint32_tiled.tif", 1, gdal.GDT_CInt32, ["TILED=YES"])
    make("cfloat64.tif", 2, gdal.GDT_CFloat64, ["COMPRESS=LZW"])
    make("int32.tif", 1, gdal.GDT_Int32, ["COMPRESS=PACKBITS"])
    make("uint32_nbits20.tif", 1, gdal.GDT_UInt32, ["NBITS=20"])
    make("uint16_nbits12.tif", 1, gdal.GDT_UInt16, ["NBITS=12"])
    make("byte_nbits1.tif", 1, gdal.GDT_Byte, ["NBITS=1", "COMPRESS=CCITTFAX4"], data=(ramp > 100).astype(np.uint8))
    make("float32_half.tif", 1, gdal.GDT_Float32, ["NBITS=16"])
    make("float64_nodata_inf.tif", 1, gdal.GDT_Float64, ["TILED=YES", "BLOCKXSIZE=128", "BLOCKYSIZE=64"],
         lambda ds: ds.GetRasterBand(1).SetNoDataValue(float("inf")))
    make("float32_nodata_neg_inf.tif", 1, gdal.GDT_Float32, [],
         lambda ds: ds.GetRasterBand(1).SetNoDataValue(float("-inf")))
    make("int16_nodata_min.tif", 1, gdal.GDT_Int16, ["COMPRESS=ZSTD"],
         lambda ds: ds.GetRasterBand(1).SetNoDataValue(-32768))
    make("float32_nodata_tiny.tif", 1, gdal.GDT_Float32, [],
         lambda ds: ds.GetRasterBand(1).SetNoDataValue(1.5e-40))
    make("strips_rows7.tif", 2, gdal.GDT_Byte, ["BLOCKYSIZE=7", "INTERLEAVE=BAND"])
    make("tiled_wide_tile.tif", 1, gdal.GDT_Byte, ["TILED=YES", "BLOCKXSIZE=512", "BLOCKYSIZE=16"])
    fmt = gdal.GetDriverByName("GTiff").GetMetadataItem("DMD_CREATIONOPTIONLIST")
    if "LERC_ZSTD" in fmt:
        make("lerc_zstd.tif", 1, gdal.GDT_Float32, ["COMPRESS=LERC_ZSTD", "TILED=YES"])
        make("lerc_plain.tif", 1, gdal.GDT_Float32, ["COMPRESS=LERC", "TILED=YES"])
    # Overviews and masks in one file: internal mask with its own overviews.
    make("rgb_mask_ovr.tif", 3, gdal.GDT_Byte, ["TILED=YES", "COMPRESS=LZW"],
         lambda ds: (ds.CreateMaskBand(gdal.GMF_PER_DATASET), ds.BuildOverviews("NEAREST", [2, 4, 8])))
    make("tiled_one_overview.tif", 1, gdal.GDT_Byte, ["TILED=YES"],
         lambda ds: ds.BuildOverviews("NEAREST", [2]))
    # Georeferenced only by ground control points.
    gdal.Translate(str(out / "gcps_only.tif"), str(out / "int32.tif"), outputSRS="EPSG:4326",
                   GCPs=[gdal.GCP(10.0, 50.0, 0, 0, 0), gdal.GCP(14.0, 50.0, 0, 400, 0),
                         gdal.GCP(10.0, 47.0, 0, 0, 300)])
    # Rotated, and pixel-is-point on a rotated grid.
    make("rotated.tif", 1, gdal.GDT_Byte, [],
         lambda ds: ds.SetGeoTransform((1000.0, 8.660254037844387, 5.0, 2000.0, 5.0, -8.660254037844387)))
    make("rotated_point.tif", 1, gdal.GDT_Byte, [],
         lambda ds: (ds.SetMetadataItem("AREA_OR_POINT", "Point"),
                     ds.SetGeoTransform((1000.0, 3.0, 1.0, 2000.0, 1.0, -3.0))))
    ds = drv.Create(str(out / "no_georef.tif"), 16, 16, 1, gdal.GDT_Byte)
    ds = None
    # CRSs by code: polar stereographic north and south, Mercator, NAD27, a compound one.
    for name, srs, gt in (
            ("crs_polar_north_3413.tif", "EPSG:3413", (-2000000.0, 10000.0, 0.0, 2000000.0, 0.0, -10000.0)),
            ("crs_polar_south_3031.tif", "EPSG:3031", (-3000000.0, 15000.0, 0.0, 3000000.0, 0.0, -15000.0)),
            ("crs_mercator_3395.tif", "EPSG:3395", (1000000.0, 100.0, 0.0, 6000000.0, 0.0, -100.0)),
            ("crs_nad27_4267.tif", "EPSG:4267", (-100.0, 0.01, 0.0, 40.0, 0.0, -0.01)),
            ("crs_compound_4326_5773.tif", "EPSG:4326+5773", (10.0, 0.01, 0.0, 50.0, 0.0, -0.01)),
            # across the antimeridian: in longitude 170..190, and in UTM zone 60N east of 180
            ("crs_antimeridian_4326.tif", "EPSG:4326", (170.0, 0.05, 0.0, -10.0, 0.0, -0.05)),
            ("crs_antimeridian_utm60.tif", "EPSG:32660", (500000.0, 2000.0, 0.0, 6000000.0, 0.0, -2000.0)),
            ("crs_lcc_europe_3034.tif", "EPSG:3034", (2500000.0, 5000.0, 0.0, 3500000.0, 0.0, -5000.0))):
        def set_crs(ds, srs=srs, gt=gt):
            ref = osr.SpatialReference()
            ref.SetFromUserInput(srs)
            ds.SetSpatialRef(ref)
            ds.SetGeoTransform(gt)
        make(name, 1, gdal.GDT_Byte, ["GEOTIFF_VERSION=1.1"], set_crs)
    # Keys GDAL would not write, applied with libgeotiff's geotifcp: a user-defined UTM,
    # a projection whose citation names another CRS, a user-defined geographic CRS.
    if shutil.which("geotifcp"):
        tie = "ModelTiepointTag (2,3):\n 0 0 0\n 500000 5000000 0\nModelPixelScaleTag (1,3):\n 10 10 0\n"
        keyed = {
            "geokeys_user_defined_utm.tif": [
                "GTModelTypeGeoKey (Short,1): ModelTypeProjected", "GeographicTypeGeoKey (Short,1): GCS_WGS_84",
                "ProjectedCSTypeGeoKey (Short,1): User-Defined", "ProjectionGeoKey (Short,1): Proj_UTM_zone_33N",
                "ProjLinearUnitsGeoKey (Short,1): Linear_Meter"],
            "geokeys_wrong_citation.tif": [
                "GTModelTypeGeoKey (Short,1): ModelTypeProjected",
                'GTCitationGeoKey (Ascii,22): "WGS 84 / UTM zone 33N"', "GeographicTypeGeoKey (Short,1): GCS_NAD83",
                "ProjectedCSTypeGeoKey (Short,1): User-Defined", "ProjectionGeoKey (Short,1): User-Defined",
                "ProjCoordTransGeoKey (Short,1): CT_TransverseMercator", "ProjLinearUnitsGeoKey (Short,1): Linear_Meter",
                "ProjNatOriginLongGeoKey (Double,1): -93", "ProjNatOriginLatGeoKey (Double,1): 0",
                "ProjScaleAtNatOriginGeoKey (Double,1): 0.9996", "ProjFalseEastingGeoKey (Double,1): 500000",
                "ProjFalseNorthingGeoKey (Double,1): 0"],
            "geokeys_projected_citation_only.tif": [
                "GTModelTypeGeoKey (Short,1): ModelTypeProjected", 'GTCitationGeoKey (Ascii,7): "UTM 33"'],
            "geokeys_user_defined_geographic.tif": [
                "GTModelTypeGeoKey (Short,1): ModelTypeGeographic", "GeographicTypeGeoKey (Short,1): User-Defined",
                "GeogGeodeticDatumGeoKey (Short,1): Datum_North_American_Datum_1927",
                "GeogEllipsoidGeoKey (Short,1): Ellipse_Clarke_1866",
                "GeogAngularUnitsGeoKey (Short,1): Angular_Degree"],
        }
        for name, keys in keyed.items():
            geo = out / (name + ".geo")
            geo.write_text("Geotiff_Information:\n Version: 1\n Key_Revision: 1.0\n Tagged_Information:\n" + tie +
                           " End_Of_Tags.\n Keyed_Information:\n" + "\n".join(keys) +
                           "\n End_Of_Keys.\n End_Of_Geotiff.\n")
            subprocess.run(["geotifcp", "-g", str(geo), str(out / "no_georef.tif"), str(out / name)], check=True,
                           capture_output=True)
            geo.unlink()
    else:
        print("NOTE: geotifcp (geotiff-bin) absent: the hand-keyed CRS cases are not made")
    # Two pages (NewSubfileType 0 then 2): neither an overview nor a mask.
    ds = drv.Create(str(out / "two_pages.tif"), 64, 64, 1, gdal.GDT_Byte)
    ds = None
    page = out / "page2.tif"
    drv.Create(str(page), 32, 32, 1, gdal.GDT_Byte)
    subprocess.run(["tiffcp", "-a", str(page), str(out / "two_pages.tif")], check=False, capture_output=True)
    page.unlink()


def gdalinfo(path: Path) -> Any:
    proc = subprocess.run(["gdalinfo", "-json", "-mdd", "IMAGE_STRUCTURE", str(path)],
                          capture_output=True, timeout=60, env=GDAL_ENV)
    if proc.returncode != 0:
        return None
    return json.loads(proc.stdout)


def same_number(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    # Both write NaN and infinities as "NaN", "Infinity", "-Infinity" (JSON has none).
    a, b = (float(v.replace("Infinity", "inf")) if isinstance(v, str) else v for v in (a, b))
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def expected(path: Path, row: dict, g: dict) -> dict[str, Any]:
    """Each column's value as gdalinfo states it."""
    b0 = g["bands"][0]
    md = g.get("metadata", {})
    structure = md.get("IMAGE_STRUCTURE", {})
    band_structure = b0.get("metadata", {}).get("IMAGE_STRUCTURE", {})
    exp: dict[str, Any] = {}
    comp = structure.get("COMPRESSION", "NONE")
    exp["compression_name"] = "JPEG" if comp == "YCbCr JPEG" else comp
    dtype = b0["type"]
    if dtype == "Byte" and band_structure.get("PIXELTYPE") == "SIGNEDBYTE":
        dtype = "Int8"
    exp["data_type"] = dtype
    exp["band_count"] = len(g["bands"])
    width, _height = g["size"]
    # Strips are always as wide as the image (GDAL may read them a line at a time);
    # tiles are GDAL's blocks.
    if row["tiled"]:
        exp["tiled"] = b0["block"] == [row["tile_width"], row["tile_height"]]
    else:
        exp["tiled"] = b0["block"][0] != width
    exp["overview_count"] = len(b0.get("overviews", []))
    flags = b0.get("mask", {}).get("flags", [])
    exp["has_mask"] = flags == ["PER_DATASET"] and not Path(str(path) + ".msk").exists()
    exp["nodata"] = b0.get("noDataValue")
    bands = []
    for b in g["bands"]:
        stats = b.get("metadata", {}).get("", {})
        bands.append({
            "description": b.get("description") or None,
            "unit": b.get("unit") or None,
            "scale": b.get("scale") if "scale" in b else None,
            "offset": b.get("offset") if "offset" in b else None,
            "minimum": stats.get("STATISTICS_MINIMUM"),
            "maximum": stats.get("STATISTICS_MAXIMUM"),
            "mean": stats.get("STATISTICS_MEAN"),
            "stddev": stats.get("STATISTICS_STDDEV"),
            "valid_percent": stats.get("STATISTICS_VALID_PERCENT"),
        })
    exp["bands"] = bands
    exp["transform"] = g.get("geoTransform")
    exp["gcps"] = len(g.get("gcps", {}).get("gcpList", []))
    return exp


def close(a: list | None, b: list | None) -> bool:
    if a is None or b is None:
        return a is b
    return len(a) == len(b) and all(abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y)) for x, y in zip(a, b))


def gdal_epsg(path: Path) -> int | None:
    """gdalsrsinfo's EPSG code when it is certain of it (for a GCP-only file, which
    gdalsrsinfo reports no CRS for, the code of GDAL's GCP CRS)."""
    ds = gdal.OpenEx(str(path))
    if ds.GetGCPCount():
        srs = ds.GetGCPSpatialRef()
        ok = srs is not None and srs.GetAuthorityName(None) == "EPSG"
        return int(srs.GetAuthorityCode(None)) if ok else None
    proc = subprocess.run(["gdalsrsinfo", "-o", "epsg", str(path)], capture_output=True, text=True,
                          timeout=60, env=GDAL_ENV)
    text = proc.stdout
    if "Confidence in this match" in text and "Confidence in this match: 100" not in text:
        return None
    for token in text.split():
        if token.startswith("EPSG:"):
            code = int(token[5:])
            return code if code > 0 else None
    return None


def same_crs(ours: Any, path: Path) -> str | None:
    """None when GDAL finds our PROJJSON the same CRS as the file's."""
    ds = gdal.OpenEx(str(path))
    # GDAL gives a GCP-only file's CRS to its GCPs.
    theirs = ds.GetGCPSpatialRef() if ds.GetGCPCount() else ds.GetSpatialRef()
    if theirs is None:
        return None if ours is None else f"ours has a CRS, GDAL none: {str(ours)[:100]}"
    if ours is None and theirs.IsLocal() and theirs.GetName() == "unnamed":
        return None  # keys that only state the raster type: GDAL's placeholder, no CRS
    if ours is None:
        return f"ours null, GDAL {theirs.GetName()}"
    mine = osr.SpatialReference()
    if mine.SetFromUserInput(json.dumps(ours)) != 0:
        return "GDAL cannot read our PROJJSON"
    if not mine.IsSame(theirs, ["CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS",
                                "IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES"]):
        return f"not the same CRS: ours {mine.ExportToProj4()!r}, GDAL {theirs.ExportToProj4()!r}"
    return None


def compare_bbox(row: dict, path: Path) -> str | None:
    """None when our bbox is the one PROJ gives for the native extent."""
    ds = gdal.OpenEx(str(path))
    srs = ds.GetSpatialRef()
    if srs is None or row["native_bbox"] is None or ds.GetGCPCount() or srs.IsLocal():
        return None if row["bbox"] is None else f"a bbox {row['bbox']} where GDAL has no CRS'd extent"
    nb = row["native_bbox"]
    crs84 = osr.SpatialReference()
    crs84.SetFromUserInput("OGC:CRS84")
    src = srs.Clone()
    src.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
    try:
        ct = osr.CoordinateTransformation(src, crs84)
        theirs = list(ct.TransformBounds(nb["xmin"], nb["ymin"], nb["xmax"], nb["ymax"], 21))
    except RuntimeError:
        theirs = None
    # PROJ passes latitudes past the poles through some transformations unchecked.
    if theirs is None or not all(math.isfinite(v) for v in theirs) or max(abs(theirs[1]), abs(theirs[3])) > 90:
        kinds = [w["kind"] for w in row["warnings"] or []]
        if row["bbox"] is None and "footprint_not_computed" in kinds:
            return None
        return f"PROJ cannot transform the extent; ours {row['bbox']}, warnings {kinds}"
    if row["bbox"] is None:
        return "ours null"
    ours = [row["bbox"][k] for k in ("xmin", "ymin", "xmax", "ymax")]
    if theirs[2] - theirs[0] >= 360:
        theirs[0], theirs[2] = -180.0, 180.0
    else:  # a geographic source may give longitudes past 180: wrapped, as GeoParquet wants
        theirs[0], theirs[2] = ((theirs[0] + 180) % 360 - 180, (theirs[2] + 180) % 360 - 180)
        if theirs[2] == -180.0 and ours[2] == 180.0:
            theirs[2] = 180.0
    gt = row["transform"]
    rotated = gt[2] != 0 or gt[4] != 0
    # 1e-4 degrees (about 10 m): the datum transformations PROJ may pick for the same CRS
    # spelled two ways (ours from the GeoKeys, GDAL's from its own reading) differ by ~1 m.
    if not rotated and any(abs(a - b) > 1e-4 for a, b in zip(ours, theirs)):
        return f"ours {ours}, PROJ's TransformBounds {theirs}"
    ring = (gdalinfo(path) or {}).get("wgs84Extent", {}).get("coordinates", [[]])[0]
    crosses = ours[0] > ours[2]
    for lon, lat in ring:
        lon = (lon + 180) % 360 - 180
        tol = 1e-4  # as above
        inside_x = (lon >= ours[0] - tol or lon <= ours[2] + tol) if crosses else ours[0] - tol <= lon <= ours[2] + tol
        if not inside_x or not ours[1] - tol <= lat <= ours[3] + tol:
            return f"gdalinfo's wgs84Extent corner {lon, lat} lies outside ours {ours}"
    return None


def compare_bands(ours: list | None, theirs: list[dict]) -> str | None:
    """None when equal. gdalinfo prints scale 1 / offset 0 even when the file has none."""
    ours = ours or []
    for i, t in enumerate(theirs):
        o = ours[i] if i < len(ours) else {}
        for k in ("description", "unit"):
            if (o.get(k) or None) != t[k]:
                return f"band {i + 1} {k}: ours {o.get(k)!r}, gdalinfo {t[k]!r}"
        for k, default in (("scale", 1.0), ("offset", 0.0)):
            mine = o.get(k)
            if mine is None and t[k] in (None, default):
                continue
            if not same_number(mine, t[k]):
                return f"band {i + 1} {k}: ours {mine!r}, gdalinfo {t[k]!r}"
        for k in ("minimum", "maximum", "mean", "stddev", "valid_percent"):
            theirs_v = float(t[k]) if t[k] is not None else None
            if not same_number(o.get(k), theirs_v):
                return f"band {i + 1} {k}: ours {o.get(k)!r}, gdalinfo {t[k]!r}"
    if len(ours) > len(theirs):
        return f"ours has {len(ours)} bands of metadata, gdalinfo {len(theirs)} bands"
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--corpus", type=Path, action="append", default=[])
    ap.add_argument("--binary")
    args = ap.parse_args()
    if not shutil.which("gdalinfo"):
        print("SKIP: gdalinfo (gdal-bin) is not installed")
        return SKIP
    binary = find_binary(args.binary)
    make_cases(args.workdir)
    dirs = existing_dirs(args.workdir, args.corpus)
    files = [f for f in tiff_files(dirs) if f.suffix.lower() in (".tif", ".tiff")
             and not Path(str(f) + ".ovr").exists()]
    report = Report()
    agree = {c: 0 for c in COLUMNS}
    for f in files:
        g = gdalinfo(f)
        if g is None or not g.get("bands"):
            report.count("gdal_refused")
            continue
        row = info_row(binary, f, report)
        if row is None:
            continue
        if row.get("error_kind"):
            report.fail(f, f"error row {row['error_kind']} but GDAL opens it")
            continue
        report.count("files")
        exp = expected(f, row, g)
        interps = [b.get("colorInterpretation") for b in g["bands"]]
        rgba_interface = interps == ["Red", "Green", "Blue", "Alpha"] and row["band_count"] != 4
        if rgba_interface:
            report.count("rgba_interface")
        if "VERTCRS" in g.get("coordinateSystem", {}).get("wkt", ""):
            for b in exp["bands"]:
                b["unit"] = None
            if row["bands"]:
                for b in row["bands"]:
                    b["unit"] = None
        for col in COLUMNS:
            if col == "band_count" and rgba_interface:
                continue
            if col == "transform":
                why = None if close(row["transform"], exp["transform"]) else \
                    f"ours {row['transform']}, gdalinfo {exp['transform']}"
                kinds = [w["kind"] for w in row["warnings"] or []]
                if exp["gcps"] and "transform_from_gcps" not in kinds:
                    why = f"gdalinfo lists {exp['gcps']} GCPs; warnings lack transform_from_gcps: {kinds}"
            elif col == "bbox":
                why = compare_bbox(row, f)
            elif col == "crs_epsg":
                theirs = gdal_epsg(f)
                why = None if row["crs_epsg"] == theirs else f"ours {row['crs_epsg']}, gdalsrsinfo {theirs}"
            elif col == "crs_projjson":
                why = same_crs(row["crs_projjson"], f)
            elif col == "resolution":
                gt = exp["transform"]
                res = [math.hypot(gt[1], gt[4]), math.hypot(gt[2], gt[5])] if gt else None
                ours = [row["resolution_x"], row["resolution_y"]] if row["resolution_x"] is not None else None
                why = None if close(ours, res) else f"ours {ours}, from gdalinfo {res}"
            elif col == "bands":
                why = compare_bands(row["bands"], exp["bands"])
            elif col == "nodata":
                why = None if same_number(row["nodata"], exp["nodata"]) else \
                    f"ours {row['nodata']!r}, gdalinfo {exp['nodata']!r}"
            else:
                why = None if row[col] == exp[col] else f"ours {row[col]!r}, gdalinfo {exp[col]!r}"
            if why:
                report.fail(f, f"{col}: {why}")
            else:
                agree[col] += 1
    files_compared = report.counters.get("files", 0)
    for col in COLUMNS:
        skipped = report.counters.get("rgba_interface", 0) if col == "band_count" else 0
        print(f"{col}: agree {agree[col]} of {files_compared - skipped}")
    return report.print("catalog_compare")


if __name__ == "__main__":
    sys.exit(main())
