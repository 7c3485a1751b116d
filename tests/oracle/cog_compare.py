#!/usr/bin/python3
"""Oracle: the `cog` and `blocks` columns (issue 17, item 2) against GDAL and tifffile.

    tests/oracle/cog_compare.py WORKDIR [--corpus DIR ...] [--binary PATH]

Makes its own layouts with GDAL in WORKDIR (COGs plain, masked, BigTIFF, sparse, JPEG;
tiled GeoTIFFs with overviews added after the data; strips narrow and wide; a COG edited
in place; COGs whose header bytes the test changes: blocks swapped out of row-major
order, a mask block moved, a byte count stretched over the next block; a truncated COG),
then for those and every TIFF under each --corpus DIR:

  cog.valid       equals the verdict of GDAL's validate_cloud_optimized_geotiff.py
                  (Debian python3-gdal, osgeo_utils.samples; validate(full_check=True),
                  as the script runs on local files)
  cog.errors      each error the script reports has its code here, and each code here
                  stands for an error the script reports (the script repeats per block
                  what is one entry per image here). Leader/trailer errors need image
                  data: the file then lists block_leader / block_trailer in not_checked.
  cog.warnings    the same for the script's warnings
  blocks          count, sparse, past_object_end, overlapping and shared, recomputed
                  from tifffile's dataoffsets / databytecounts of every IFD

Each made case also states the codes it must get, so a verdict that merely agrees with a
broken script run still fails. Prints files / agree per column; exit 1 on any disagreement.
"""

from __future__ import annotations

import argparse
import os
import re
import struct
import sys
from pathlib import Path

from oracle_common import SKIP, Report, existing_dirs, find_binary, info_row, tiff_files

try:
    import numpy as np
    import tifffile
    from osgeo import gdal
    from osgeo_utils.samples import validate_cloud_optimized_geotiff as cog_script
except ImportError as _exc:
    print(f"SKIP: {_exc}; run with /usr/bin/python3 (python3-gdal, python3-numpy, python3-tifffile)")
    sys.exit(SKIP)

gdal.UseExceptions()

# The script's messages (GDAL 3.6) and the codes the `cog` column gives them.
SCRIPT_CODES = [
    (r"^Overviews found in external \.ovr file", "external_ovr"),
    (r"but is not tiled$", "not_tiled"),
    (r"^KNOWN_INCOMPATIBLE_EDITION=YES is declared", "known_incompatible_edition"),
    (r"^The offset of the main IFD should be", "main_ifd_not_first"),
    (r"has larger dimension than", "overview_larger"),
    (r"^Overview of index \d+ is not tiled", "overview_not_tiled"),
    (r"^The offset of the IFD for overview", "ifd_order"),
    (r"should be after its IFD$", "data_before_ifd"),
    (r"^The offset of the first block of overview of index", "overview_data_order"),
    (r"^The offset of the first block of the main resolution image", "main_data_order"),
    (r"is smaller than previous block$", "block_order"),
    (r"mask block size is different", "mask_block_size"),
    (r"^Mask of .*offset is \d+, whereas \d+ was expected", "mask_not_interleaved"),
    (r"size in leader bytes", "block_leader"),
    (r"trailer bytes are invalid", "block_trailer"),
    (r"recommended to include internal overviews$", "no_overviews"),
]
NEEDS_IMAGE_DATA = {"block_leader", "block_trailer"}


def script_code(message: str) -> str:
    for pattern, code in SCRIPT_CODES:
        if re.search(pattern, message):
            return code
    return f"unmapped: {message}"


def run_script(path: Path) -> tuple[list[str], list[str]] | None:
    """The script's (warnings, errors) as codes; None when it cannot open the file."""
    try:
        try:
            warnings, errors, _ = cog_script.validate(str(path), full_check=True)
        except struct.error:  # its full check reads a block leader past the end (a truncated file)
            warnings, errors, _ = cog_script.validate(str(path), full_check=False)
    except (cog_script.ValidateCloudOptimizedGeoTIFFException, RuntimeError):
        return None
    return [script_code(w) for w in warnings], [script_code(e) for e in errors]


# ---------------------------------------------------------------------------- cases
def tag_array(path: Path, page_index: int, name: str) -> tuple[int, str, int]:
    """(file offset of the values, struct format of one element, count) of a tag."""
    with tifffile.TiffFile(path) as tif:
        page = tif.pages[page_index]
        t = page.tags[name]
        fmt = tif.byteorder + {3: "H", 4: "I", 16: "Q"}[int(t.dtype)]
        inline = t.count * struct.calcsize(fmt) <= (8 if tif.is_bigtiff else 4)
        offset = t.valueoffset if not inline else t.offset + (12 if tif.is_bigtiff else 8)
        return offset, fmt, t.count


def edit_array(path: Path, page_index: int, name: str, edit) -> None:
    """Rewrites a strip/tile array of IFD page_index in place: edit(list) -> list."""
    offset, fmt, count = tag_array(path, page_index, name)
    size = struct.calcsize(fmt)
    with open(path, "r+b") as f:
        f.seek(offset)
        values = list(struct.unpack(fmt[0] + fmt[1] * count, f.read(size * count)))
        f.seek(offset)
        f.write(struct.pack(fmt[0] + fmt[1] * count, *edit(values)))


def make_cases(out: Path) -> dict[str, dict]:
    """GDAL-made layouts; returns, per file name, the codes and blocks figures it must get."""
    gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
    gdal.SetConfigOption("GDAL_TIFF_INTERNAL_MASK", "YES")
    out.mkdir(parents=True, exist_ok=True)
    for p in out.glob("*"):
        p.unlink()
    mem = gdal.GetDriverByName("MEM")
    gtiff = gdal.GetDriverByName("GTiff")
    cog = gdal.GetDriverByName("COG")
    expect: dict[str, dict] = {}

    def source(w: int, h: int, bands: int = 1, gdt=gdal.GDT_Byte, mask: bool = False, zeros: bool = False):
        ds = mem.Create("", w, h, bands, gdt)
        y, x = np.mgrid[0:h, 0:w]
        for b in range(bands):
            data = np.zeros((h, w)) if zeros else (x * 7 + y * 3 + b * 50) % 251
            if zeros:
                data[: h // 4, : w // 4] = 9  # one corner of data, the rest empty
            ds.GetRasterBand(b + 1).WriteArray(data)
        ds.SetGeoTransform([500000, 10, 0, 4000000, 0, -10])
        if mask:
            ds.CreateMaskBand(gdal.GMF_PER_DATASET)
            m = ds.GetRasterBand(1).GetMaskBand()
            mask_data = np.full((h, w), 255, dtype=np.uint8)
            mask_data[: h // 3, : w // 3] = 0
            m.WriteArray(mask_data)
        return ds

    def make(name: str, driver, src, options, errors=(), warnings=(), after=None, **blocks) -> Path:
        path = out / name
        driver.CreateCopy(str(path), src, options=list(options))
        if after:
            after(path)
        expect[name] = {"errors": set(errors), "warnings": set(warnings), "blocks": blocks}
        return path

    def add_overviews(path: Path) -> None:
        ds = gdal.Open(str(path), gdal.GA_Update)
        ds.BuildOverviews("AVERAGE", [2, 4])
        ds = None

    # Valid COGs.
    make("cog_deflate.tif", cog, source(1100, 900), ["BLOCKSIZE=256", "COMPRESS=DEFLATE"])
    make("cog_mask.tif", cog, source(1024, 1024, mask=True), ["BLOCKSIZE=256"])
    make("cog_bigtiff.tif", cog, source(800, 700, 2, gdal.GDT_UInt16), ["BLOCKSIZE=256", "BIGTIFF=YES"])
    make("cog_jpeg_rgb.tif", cog, source(1000, 1000, 3), ["COMPRESS=JPEG", "BLOCKSIZE=512"])
    make("cog_sparse.tif", cog, source(1024, 1024, zeros=True), ["BLOCKSIZE=256", "SPARSE_OK=TRUE"],
         sparse_min=1)
    make("cog_small.tif", cog, source(300, 200), [])
    make("gtiff_copy_src_overviews.tif", gtiff, _with_overviews(source(1200, 1000)),
         ["TILED=YES", "COPY_SRC_OVERVIEWS=YES", "COMPRESS=LZW"])
    # Not COGs.
    make("tiled_overviews_after.tif", gtiff, source(1200, 1000), ["TILED=YES"], after=add_overviews,
         errors={"main_data_order", "overview_data_order"})
    make("strips_wide.tif", gtiff, source(2000, 600), [], errors={"not_tiled"}, warnings={"no_overviews"})
    make("strips_narrow.tif", gtiff, source(1000, 1500, 1, gdal.GDT_Int16), ["BLOCKYSIZE=64"],
         warnings={"no_overviews"})
    make("strips_wide_overviews.tif", gtiff, source(1500, 800), [], after=add_overviews,
         errors={"not_tiled", "main_data_order", "overview_data_order"})
    # GDAL tiles the overviews it adds; tifffile writes a pyramid of strips, and sizes out of order.
    with tifffile.TiffWriter(out / "tifffile_strip_pyramid.tif") as w:
        w.write(np.zeros((600, 1500), np.uint8), rowsperstrip=64, metadata=None)
        w.write(np.zeros((300, 1100), np.uint8), rowsperstrip=64, subfiletype=1, metadata=None)
        w.write(np.zeros((350, 400), np.uint8), tile=(128, 128), subfiletype=1, metadata=None)
    expect["tifffile_strip_pyramid.tif"] = {
        "errors": {"not_tiled", "overview_not_tiled", "overview_larger", "overview_data_order", "main_data_order"},
        "warnings": set(), "blocks": {}}
    make("tiled_band_interleaved.tif", gtiff, source(1024, 768, 3), ["TILED=YES", "INTERLEAVE=BAND"],
         after=add_overviews, errors={"main_data_order", "overview_data_order"})

    def edit_in_place(path: Path) -> None:
        ds = gdal.Open(str(path), gdal.GA_Update)
        noise = np.random.default_rng(1).integers(0, 255, (256, 256), dtype=np.uint8)
        ds.GetRasterBand(1).WriteArray(noise, 0, 0)  # recompressed larger: moved to the end
        ds = None
    make("cog_edited.tif", cog, source(1024, 1024), ["BLOCKSIZE=256", "COMPRESS=DEFLATE"], after=edit_in_place,
         errors={"known_incompatible_edition", "block_order"})

    def swap_first_tiles(path: Path) -> None:  # blocks out of row-major order
        for name in ("TileOffsets", "TileByteCounts"):
            edit_array(path, 0, name, lambda v: [v[1], v[0], *v[2:]])
    make("cog_blocks_swapped.tif", cog, source(1024, 1024), ["BLOCKSIZE=256"], after=swap_first_tiles,
         errors={"block_order"})

    def move_mask_tile(path: Path) -> None:  # a mask block no longer right after its image block
        with tifffile.TiffFile(path) as tif:
            mask_page = next(i for i, p in enumerate(tif.pages) if p.subfiletype == 4)
        edit_array(path, mask_page, "TileOffsets", lambda v: [v[0] + 2, *v[1:]])
    make("cog_mask_moved.tif", cog, source(1024, 1024, mask=True), ["BLOCKSIZE=256"], after=move_mask_tile,
         errors={"mask_not_interleaved"})

    def stretch_tile(path: Path) -> None:  # tile 0's byte count runs into tile 1
        edit_array(path, 0, "TileByteCounts", lambda v: [v[0] + 100, *v[1:]])
    make("cog_overlap.tif", cog, source(1024, 1024), ["BLOCKSIZE=256"], after=stretch_tile, overlapping=1)

    def share_tile(path: Path) -> None:  # tile 1 points at tile 0's bytes (a deduplicating writer)
        for name in ("TileOffsets", "TileByteCounts"):
            edit_array(path, 0, name, lambda v: [v[0], v[0], *v[2:]])
    make("cog_shared.tif", cog, source(1024, 1024), ["BLOCKSIZE=256"], after=share_tile, shared=1)

    def blank_in_size(path: Path) -> None:  # "=000174" as "= 00174": the script's int() reads 174
        data = bytearray(path.read_bytes())
        at = data.index(b"GDAL_STRUCTURAL_METADATA_SIZE=0") + len(b"GDAL_STRUCTURAL_METADATA_SIZE=")
        data[at] = ord(" ")
        path.write_bytes(bytes(data))
    make("cog_size_with_blank.tif", cog, source(1024, 1024, mask=True), ["BLOCKSIZE=256"], after=blank_in_size)

    def truncate(path: Path) -> None:  # an upload cut short
        size = path.stat().st_size
        with open(path, "r+b") as f:
            f.truncate(size * 6 // 10)
    make("cog_truncated.tif", cog, source(1024, 1024), ["BLOCKSIZE=256"], after=truncate, past_object_end_min=1)
    return expect


def _with_overviews(ds):
    ds.BuildOverviews("NEAREST", [2, 4, 8])
    return ds


# ------------------------------------------------------------------- blocks by tifffile
def tifffile_blocks(path: Path) -> dict | None:
    """The blocks figures from tifffile's view of every IFD, or None if it lacks one."""
    ranges, count, sparse = [], 0, 0
    size = path.stat().st_size
    try:
        with tifffile.TiffFile(path) as tif:
            pages = list(tif.pages)
            for p in pages:
                if p.tags.get("SubIFDs") is not None:
                    return None  # SubIFD pyramids: not walked here
                offsets, counts = p.dataoffsets, p.databytecounts
                n = min(len(offsets), len(counts))
                count += n
                for o, c in zip(offsets[:n], counts[:n]):
                    if o == 0 or c == 0:
                        sparse += 1
                    else:
                        ranges.append((o, o + c))
    except Exception:  # noqa: BLE001 - tifffile refuses the file: nothing to compare
        return None
    ranges.sort()
    overlapping = shared = reach = 0
    for i, r in enumerate(ranges):
        if i and r == ranges[i - 1]:
            shared += 1
        elif r[0] < reach:
            overlapping += 1
        reach = max(reach, r[1])
    return {"count": count, "sparse": sparse, "past_object_end": sum(1 for r in ranges if r[1] > size),
            "overlapping": overlapping, "shared": shared}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--corpus", type=Path, action="append", default=[])
    ap.add_argument("--binary")
    args = ap.parse_args()
    binary = find_binary(args.binary)
    expect = make_cases(args.workdir)
    dirs = existing_dirs(args.workdir, args.corpus)
    report = Report()
    agree = {"valid": 0, "errors": 0, "warnings": 0, "blocks": 0, "made_cases": 0}
    compared = {k: 0 for k in agree}
    for f in tiff_files(dirs):
        if Path(str(f) + ".ovr").exists():
            report.count("ovr_side_file_skipped")
            continue
        row = info_row(binary, f, report)
        if row is None:
            continue
        script = None if row.get("error_kind") else run_script(f)
        ours = row.get("cog")
        if script is not None and ours is None:
            report.fail(f, "the script checks it but cog is null")
            continue
        if script is not None:
            s_warnings, s_errors = script
            e_codes = {c["code"] for c in ours["errors"]}
            w_codes = {c["code"] for c in ours["warnings"]}
            needs_data = set(s_errors) & NEEDS_IMAGE_DATA
            if needs_data and not needs_data <= set(ours["not_checked"]):
                report.fail(f, f"the script found {sorted(needs_data)}; not_checked is {ours['not_checked']}")
            checkable = set(s_errors) - NEEDS_IMAGE_DATA
            for key, theirs, mine in (("valid", not checkable, ours["valid"]),
                                      ("errors", checkable, e_codes), ("warnings", set(s_warnings), w_codes)):
                compared[key] += 1
                if theirs == mine:
                    agree[key] += 1
                else:
                    report.fail(f, f"{key}: ours {sorted(mine) if isinstance(mine, set) else mine}, "
                                   f"script {sorted(theirs) if isinstance(theirs, set) else theirs} ({s_errors})")
        else:
            report.count("gdal_refused")
        theirs_blocks = tifffile_blocks(f)
        if theirs_blocks is not None and row.get("blocks") is not None:
            compared["blocks"] += 1
            if row["blocks"] == theirs_blocks:
                agree["blocks"] += 1
            else:
                report.fail(f, f"blocks: ours {row['blocks']}, tifffile {theirs_blocks}")
        if f.name in expect and f.parent == args.workdir:
            want = expect[f.name]
            compared["made_cases"] += 1
            why = []
            if ours is None:
                why.append("cog is null")
            else:
                if {c["code"] for c in ours["errors"]} != want["errors"]:
                    why.append(f"errors {[c['code'] for c in ours['errors']]}, the case wants {sorted(want['errors'])}")
                if {c["code"] for c in ours["warnings"]} != want["warnings"]:
                    why.append(f"warnings {ours['warnings']}, the case wants {sorted(want['warnings'])}")
            b = row.get("blocks") or {}
            for key, value in want["blocks"].items():
                field = key.removesuffix("_min")
                got = b.get(field)
                if got is None or (got < value if key.endswith("_min") else got != value):
                    why.append(f"blocks.{field} is {got}, the case wants {'>= ' if key.endswith('_min') else ''}{value}")
            for field in ("overlapping", "shared", "past_object_end"):
                if field not in want["blocks"] and f"{field}_min" not in want["blocks"] and b.get(field):
                    why.append(f"blocks.{field} is {b.get(field)}, the case wants 0")
            if why:
                report.fail(f, "; ".join(why))
            else:
                agree["made_cases"] += 1
    missing = set(expect) - {p.name for p in args.workdir.iterdir()}
    for name in sorted(missing):
        report.fail(name, "case not made")
    for key in agree:
        print(f"{key}: agree {agree[key]} of {compared[key]}")
    return report.print("cog_compare")


if __name__ == "__main__":
    os.environ.setdefault("GDAL_PAM_ENABLED", "NO")
    sys.exit(main())
