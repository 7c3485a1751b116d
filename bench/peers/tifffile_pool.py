#!/usr/bin/python3
"""Peer: tifffile on local files with a thread pool, reading every IFD's tags
and the GeoTIFF keys of the first.

    /usr/bin/python3 tifffile_pool.py PATH_FILE THREADS
"""
import concurrent.futures
import sys

import tifffile


def read_header(path):
    with tifffile.TiffFile(path) as tif:
        out = []
        for page in tif.pages:  # every IFD of the chain
            out.append((page.shape, page.dtype, page.compression, {t.code: t.value for t in page.tags.values()}))
        out.append(tif.geotiff_metadata)
        return 1


def main():
    paths = [line.strip() for line in open(sys.argv[1]) if line.strip()]
    threads = int(sys.argv[2])
    ok = errors = 0
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for f in concurrent.futures.as_completed([pool.submit(read_header, p) for p in paths]):
            try:
                ok += f.result()
            except Exception as e:  # noqa: BLE001
                errors += 1
                if errors <= 3:
                    print(f"tifffile: {e}", file=sys.stderr)
    print(f"ok {ok} errors {errors}")


if __name__ == "__main__":
    main()
