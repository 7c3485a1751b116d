#!/usr/bin/python3
"""Oracle: `header_bytes` and `first_data_offset` (issue 15, kind 4) against tifffile.

Generates, with GDAL, files whose layout tells the two apart, then compares
`tiff-dumper info` with what tifffile 2023.2.3 sees in the same bytes:
  * sparse_cog.tif      COG with SPARSE_OK=TRUE whose first tiles are empty (offset 0,
                        byte count 0): first_data_offset skips them
  * cog_mask.tif        COG with a per-dataset mask (mask IFDs, overviews)
  * meta_after.tif      strip GTiff whose IFD GDAL rewrote at the end of the file
                        (metadata set in update mode): header_bytes > first_data_offset
  * subifds_big.tif     (tifffile) BigTIFF, 1024 px tiled, levels of 512 and 256 px in the
                        SubIFDs of IFD 0, a second main-chain page after them (issue 15, kind 3)
  * subifds_classic.tif (tifffile) classic TIFF, one reduced level in a SubIFD
For the SubIFD files the `ifds` list is compared too: main-chain IFDs in tifffile's page
order, each followed by the offsets of its `page.pages` (with parent and subifd_index).

Expected values, from tifffile's view of the main chain:
  header_bytes      = max(end of the file header, end of every IFD's entry table, end of
                      every out-of-line tag value, strip/tile offset and byte-count
                      arrays included; the GDAL ghost block when present)
  first_data_offset = min over every IFD of the offsets (non-zero) whose byte count is
                      non-zero; null when there is none

Usage: layout_compare.py OUT_DIR [--binary tiff-dumper]
Exit status: 0 when everything matches, 1 on a mismatch, 77 when GDAL is missing.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from oracle_common import SKIP, Report, dumper_json, find_binary

try:
    import numpy
    import tifffile
    from osgeo import gdal
except ImportError as _exc:
    print(f"SKIP: {_exc}; run with /usr/bin/python3 (python3-tifffile, python3-gdal)")
    sys.exit(SKIP)

TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8,
             13: 4, 16: 8, 17: 8, 18: 8}


def mem_dataset(size: int, fill) -> "gdal.Dataset":
    ds = gdal.GetDriverByName("MEM").Create("", size, size, 1, gdal.GDT_Byte)
    ds.SetGeoTransform([500000, 10, 0, 4600000, 0, -10])
    ds.GetRasterBand(1).WriteArray(fill(size))
    return ds


def make_files(out: Path) -> dict[str, Path]:
    out.mkdir(parents=True, exist_ok=True)
    files = {}
    # Sparse COG: the top half is nodata, so its tiles (and the first one) are not written.
    def lower_half(n):
        a = numpy.zeros((n, n), numpy.uint8)
        a[n // 2:, :] = (numpy.arange(n, dtype=numpy.uint32) % 251 + 1).astype(numpy.uint8)
        return a
    src = mem_dataset(1024, lower_half)
    src.GetRasterBand(1).SetNoDataValue(0)
    files["sparse_cog"] = out / "sparse_cog.tif"
    gdal.Translate(str(files["sparse_cog"]), src, format="COG",
                   creationOptions=["SPARSE_OK=TRUE", "BLOCKSIZE=256", "COMPRESS=DEFLATE"])
    # COG with a mask: mask IFDs follow each image IFD.
    src = mem_dataset(1024, lambda n: (numpy.indices((n, n)).sum(0) % 250 + 1).astype(numpy.uint8))
    src.CreateMaskBand(gdal.GMF_PER_DATASET)
    mask = numpy.full((1024, 1024), 255, numpy.uint8)
    mask[:100, :100] = 0
    src.GetRasterBand(1).GetMaskBand().WriteArray(mask)
    files["cog_mask"] = out / "cog_mask.tif"
    gdal.Translate(str(files["cog_mask"]), src, format="COG",
                   creationOptions=["BLOCKSIZE=256", "COMPRESS=DEFLATE"])
    # Metadata after the data: GDAL rewrites a grown IFD at the end of the file.
    files["meta_after"] = out / "meta_after.tif"
    ds = gdal.Translate(str(files["meta_after"]), mem_dataset(256, lambda n: numpy.ones((n, n), numpy.uint8)),
                        format="GTiff")
    ds = None
    ds = gdal.Open(str(files["meta_after"]), gdal.GA_Update)
    ds.SetMetadataItem("DESCRIPTION_LONG", "x" * 2000)
    ds.GetRasterBand(1).SetDescription("band one")
    ds = None
    # SubIFDs, written by tifffile: subifds=N puts the next N writes in IFD 0's SubIFDs.
    for name, big, levels in (("subifds_big", True, (1024, 512, 256)), ("subifds_classic", False, (256, 128))):
        files[name] = out / f"{name}.tif"
        with tifffile.TiffWriter(files[name], bigtiff=big) as w:
            for i, n in enumerate(levels):
                data = (numpy.arange(n * n, dtype=numpy.uint32) % 251).astype(numpy.uint8).reshape(n, n)
                w.write(data, tile=(128, 128) if big else None, subifds=len(levels) - 1 if i == 0 else None,
                        subfiletype=1 if i else 0)
            w.write(numpy.ones((32, 32), numpy.uint8))  # a second main-chain page
    return files


def expected(path: Path) -> dict:
    with tifffile.TiffFile(path) as tif:
        big = tif.is_bigtiff
        offset_size = 8 if big else 4
        end = 16 if big else 8
        head = path.read_bytes()[end:end + 43]
        m = re.match(rb"GDAL_STRUCTURAL_METADATA_SIZE=(\d{6}) bytes\n", head)
        if m:
            end += 43 + int(m.group(1))
        first = None
        top = [tif.pages._getitem(i, aspage=True) for i in range(len(tif.pages))]
        # ifds as tiff-dumper lists them: (offset, chain_index, parent, subifd_index)
        ifds, pages = [], []
        def visit(page, chain_index, parent, position, depth):
            index = len(ifds)
            ifds.append({"offset": page.offset, "chain_index": chain_index, "parent": parent,
                         "subifd_index": position})
            pages.append(page)
            if depth < 4 and page.subifds:
                for k, sub in enumerate(page.pages):
                    visit(sub, chain_index, index, k, depth + 1)
        for i, page in enumerate(top):
            visit(page, i, None, None, 0)
        for page in pages:
            n = len(page.tags)
            end = max(end, page.offset + (8 + 20 * n + 8 if big else 2 + 12 * n + 4))
            for tag in page.tags.values():
                nbytes = tag.count * TYPE_SIZE.get(tag.dtype, 0)
                if nbytes > offset_size:
                    end = max(end, tag.valueoffset + nbytes)
            for off, count in zip(page.dataoffsets, page.databytecounts):
                if off and count and (first is None or off < first):
                    first = off
        return {"header_bytes": end, "first_data_offset": first, "ifd_count": len(top), "ifds": ifds}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("out", type=Path)
    ap.add_argument("--binary")
    args = ap.parse_args()
    binary = find_binary(args.binary)
    report = Report()
    for name, path in make_files(args.out).items():
        want = expected(path)
        row = dumper_json(binary, ["info", str(path)])
        row["ifds"] = [{k: d.get(k) for k in ("chain_index", "parent", "subifd_index")}
                       for d in row.get("ifds") or []]
        raw = dumper_json(binary, ["info", "--raw", str(path)])
        for d, r in zip(row["ifds"], raw.get("ifds") or []):
            d["offset"] = r.get("offset")
        for key, value in want.items():
            if row.get(key) != value:
                report.fail(path, f"{key}: tiff-dumper {row.get(key)!r}, tifffile {value!r}")
        print(f"{name}: { {k: v for k, v in want.items() if k != 'ifds'} }, ifds "
              f"{[(d['offset'], d['chain_index'], d['parent'], d['subifd_index']) for d in want['ifds']]}")
        report.count("files")
    # The layouts the files were made for, so the comparison means something.
    sparse, after = expected(args.out / "sparse_cog.tif"), expected(args.out / "meta_after.tif")
    with tifffile.TiffFile(args.out / "sparse_cog.tif") as tif:
        if tif.pages[0].dataoffsets[0] != 0:
            report.fail("sparse_cog.tif", "its first tile is not empty: GDAL did not write it sparse")
    if not after["header_bytes"] > after["first_data_offset"]:
        report.fail("meta_after.tif", f"metadata does not follow the data: {after}")
    del sparse
    return report.print("layout_compare")


if __name__ == "__main__":
    sys.exit(main())
