#!/usr/bin/python3
"""Peer: GDAL over /vsicurl/ with a thread pool, reading what tiff-dumper
reads: every IFD (overviews, masks), georeferencing and metadata.

    /usr/bin/python3 gdal_vsicurl.py URL_FILE THREADS

Configured the way a careful user would, so that GDAL makes no needless
requests: no directory listing or sibling-file probing, no .aux.xml.
"""
import concurrent.futures
import os
import sys

os.environ.update({
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",   # no listing / sidecar (.ovr, .msk, .aux.xml) probes
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".tif,.tiff",
    "GDAL_PAM_ENABLED": "NO",
    "GDAL_HTTP_MAX_RETRY": "0",
    "VSI_CACHE": "FALSE",
    "CPL_DEBUG": "OFF",
})
from osgeo import gdal  # noqa: E402

gdal.UseExceptions()


def read_header(url):
    ds = gdal.OpenEx("/vsicurl/" + url, gdal.OF_RASTER | gdal.OF_READONLY)
    try:
        info = [ds.RasterXSize, ds.RasterYSize, ds.RasterCount, ds.GetGeoTransform(can_return_null=True),
                ds.GetSpatialRef(), ds.GetMetadata(), ds.GetMetadata("IMAGE_STRUCTURE")]
        band = ds.GetRasterBand(1)
        info.append((band.DataType, band.GetBlockSize(), band.GetNoDataValue(), band.GetMaskFlags()))
        for i in range(band.GetOverviewCount()):  # walks every IFD
            ov = band.GetOverview(i)
            info.append((ov.XSize, ov.YSize))
        return 1
    finally:
        ds = None


def main():
    urls = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    threads = int(sys.argv[2])
    ok = errors = 0
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for f in concurrent.futures.as_completed([pool.submit(read_header, u) for u in urls]):
            try:
                ok += f.result()
            except Exception as e:  # noqa: BLE001
                errors += 1
                if errors <= 3:
                    print(f"gdal: {e}", file=sys.stderr)
    print(f"ok {ok} errors {errors}")


if __name__ == "__main__":
    main()
