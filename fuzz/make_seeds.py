#!/usr/bin/python3
"""Writes the tiny seed files in fuzz/seeds/ (run with Debian's python3; needs tifffile,
numpy and, for the COG seeds, gdal_translate). Seeds only need to reach many code paths:
both byte orders, BigTIFF, every field type, GeoKeys, GDAL structural metadata."""
import os
import struct
import subprocess
import tempfile

import numpy
import tifffile

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "seeds")
os.makedirs(HERE, exist_ok=True)
image = numpy.arange(16, dtype=numpy.uint8).reshape(4, 4)

geo_tags = [
    (33550, "d", 3, (30.0, 30.0, 0.0), False),
    (33922, "d", 6, (0, 0, 0, 500000.0, 4000000.0, 0), False),
    (34735, "H", 24, (1, 1, 1, 5, 1024, 0, 1, 1, 1026, 34737, 7, 0,
                      2057, 34736, 1, 0, 3072, 0, 1, 32633, 4096, 0, 1, 5773), False),
    (34736, "d", 1, (6378137.0,), False),
    (34737, "s", 0, "WGS 84|", False),
    (42113, "s", 0, "0", False),
]
all_types = [
    (65001, 1, 3, (1, 2, 3), False), (65002, 8, 3, (-1, 2, -3), False),
    (65003, 9, 2, (-70000, 5), False), (65004, 11, 2, (1.5, -2.5), False),
    (65005, 5, 1, (1, 3), False), (65006, 10, 1, (-1, 3), False),
    (65007, 6, 5, (-1, 1, -2, 2, 0), False), (65008, 16, 2, (1, 2**40), False),
    (65009, 17, 1, (-(2**40),), False), (65010, 7, 7, b"undefd\0", False),
    (65011, 12, 2, (0.25, -1e300), False), (65012, 13, 1, (8,), False),
]

for name, kwargs in {
    "classic_le.tif": dict(byteorder="<"),
    "classic_be.tif": dict(byteorder=">"),
    "bigtiff_le.tif": dict(byteorder="<", bigtiff=True),
    "bigtiff_be.tif": dict(byteorder=">", bigtiff=True),
    "geotiff_le.tif": dict(byteorder="<", extratags=geo_tags),
    "types_be_bigtiff.tif": dict(byteorder=">", bigtiff=True, extratags=all_types),
    "tiled_two_pages.tif": dict(byteorder="<", tile=(16, 16)),
}.items():
    path = os.path.join(HERE, name)
    data = numpy.zeros((2, 16, 16), numpy.uint8) if "pages" in name else image
    tifffile.imwrite(path, data, **kwargs)

# A COG as GDAL writes it: structural metadata block, overview, geokeys.
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "src.tif")
    tifffile.imwrite(src, numpy.zeros((256, 256), numpy.uint8), extratags=geo_tags[:5])
    for name, extra in {"cog_le.tif": [], "cog_bigtiff.tif": ["-co", "BIGTIFF=YES"]}.items():
        subprocess.run(["gdal_translate", "-q", "-of", "COG", "-co", "BLOCKSIZE=128", "-co", "COMPRESS=DEFLATE",
                        "-co", "OVERVIEW_RESAMPLING=NEAREST", *extra, src,
                        os.path.join(HERE, name)], check=True)

# Hand-made: a two-IFD loop and a next-IFD offset past the end.
entry = struct.pack("<HHII", 256, 3, 1, 7)
with open(os.path.join(HERE, "loop.tif"), "wb") as f:
    f.write(b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 1) + entry + struct.pack("<I", 26)
            + struct.pack("<H", 1) + entry + struct.pack("<I", 8))
with open(os.path.join(HERE, "next_past_end.tif"), "wb") as f:
    f.write(b"MM\0*" + struct.pack(">I", 8) + struct.pack(">H", 1)
            + struct.pack(">HHII", 256, 4, 1, 7) + struct.pack(">I", 99999))

# Hand-made hostile inputs, kept as regression inputs (tests/unit/tiff/regression_test.cc
# parses every file in fuzz/regressions/; crash inputs the fuzzer finds go there too).
REG = os.path.join(os.path.dirname(HERE), "regressions")
os.makedirs(REG, exist_ok=True)


def write(name, data):
    with open(os.path.join(REG, name), "wb") as f:
        f.write(data)


big_header = b"II+\0" + struct.pack("<HHQ", 8, 0, 16)
write("bigtiff_ifd_count_max.tif", big_header + struct.pack("<Q", 2**64 - 1) + bytes(40))
write("bigtiff_value_offset_wraps.tif", big_header + struct.pack("<Q", 1)
      + struct.pack("<HHQQ", 270, 2, 100, 2**64 - 10) + struct.pack("<Q", 0))
write("bigtiff_count_overflows.tif", big_header + struct.pack("<Q", 1)
      + struct.pack("<HHQQ", 33922, 12, 2**61, 64) + struct.pack("<Q", 0))
write("next_ifd_into_header.tif", b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 1)
      + struct.pack("<HHII", 256, 3, 1, 1) + struct.pack("<I", 4))
write("strip_offsets_count_max.tif", b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 2)
      + struct.pack("<HHII", 273, 4, 2**32 - 1, 8) + struct.pack("<HHII", 279, 4, 2**32 - 1, 12)
      + struct.pack("<I", 0))
gdal = b"GDAL_STRUCTURAL_METADATA_SIZE=999999 bytes\nLAYOUT=IFDS_BEFORE_DATA\n"
write("gdal_block_longer_than_file.tif", b"II*\0" + struct.pack("<I", 8 + len(gdal)) + gdal
      + struct.pack("<H", 1) + struct.pack("<HHII", 256, 3, 1, 1) + struct.pack("<I", 0))
keys = 300
directory = [1, 1, 0, keys] + [2057, 34736, 300, 0] * keys
ifd_at = 8
dir_at = ifd_at + 2 + 2 * 12 + 4
dbl_at = dir_at + 2 * len(directory)
write("geokeys_overlapping.tif", b"II*\0" + struct.pack("<I", ifd_at) + struct.pack("<H", 2)
      + struct.pack("<HHII", 34735, 3, len(directory), dir_at)
      + struct.pack("<HHII", 34736, 12, 300, dbl_at) + struct.pack("<I", 0)
      + struct.pack(f"<{len(directory)}H", *directory) + struct.pack("<300d", *([1.5] * 300)))

# Issue 15's kinds (damage kept as warnings, SubIFDs, header_bytes, odd GeoKeys, text).
# SubIFDs of type LONG/IFD (classic) and IFD8 (BigTIFF), as tifffile writes pyramids.
for name, bigtiff in {"subifds_classic.tif": False, "subifds_bigtiff.tif": True}.items():
    with tifffile.TiffWriter(os.path.join(HERE, name), bigtiff=bigtiff) as tif:
        tif.write(numpy.zeros((32, 32), numpy.uint8), subifds=2, tile=(16, 16))
        tif.write(numpy.zeros((16, 16), numpy.uint8), subfiletype=1, tile=(16, 16))
        tif.write(numpy.zeros((16, 16), numpy.uint8), subfiletype=1, tile=(16, 16))
tifffile.imwrite(os.path.join(HERE, "many_pages.tif"), numpy.zeros((40, 2, 2), numpy.uint8), metadata=None)
# A SubIFD that points back at its own IFD (a loop through tag 330).
with open(os.path.join(HERE, "subifd_loop.tif"), "wb") as f:
    f.write(b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 2) + struct.pack("<HHII", 256, 3, 1, 7)
            + struct.pack("<HHII", 330, 13, 1, 8) + struct.pack("<I", 0))
# A junk ASCII tag of 3.9 billion values in a tiny file, and an ICC profile past the end.
with open(os.path.join(HERE, "values_past_end.tif"), "wb") as f:
    f.write(b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 3) + struct.pack("<HHII", 256, 3, 1, 7)
            + struct.pack("<HHII", 34675, 7, 5000, 400) + struct.pack("<HHII", 50001, 2, 3_900_000_000, 60)
            + struct.pack("<I", 0) + bytes(16))
# GeoKeys: location 0 with count 2, a key pointing at absent GeoAsciiParams, a key given twice.
odd_keys = [1, 1, 0, 4, 1024, 0, 2, 1, 1026, 34737, 5, 0, 2048, 0, 1, 4326, 2048, 0, 1, 4269]
with open(os.path.join(HERE, "geokeys_odd.tif"), "wb") as f:
    f.write(b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 2) + struct.pack("<HHII", 256, 3, 1, 7)
            + struct.pack("<HHII", 34735, 3, len(odd_keys), 38) + struct.pack("<I", 0)
            + struct.pack(f"<{len(odd_keys)}H", *odd_keys))
# Text that is valid UTF-8 mixed with invalid bytes.
tifffile.imwrite(os.path.join(HERE, "text_not_utf8.tif"), image,
                 extratags=[(315, "s", 0, "Zürich ".encode() + b"\xb5m\xff", False)], metadata=None)
# A sparse COG: empty tiles (offset 0, byte count 0).
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "zeros.tif")
    tifffile.imwrite(src, numpy.zeros((256, 256), numpy.uint8), extratags=geo_tags[:5])
    subprocess.run(["gdal_translate", "-q", "-of", "COG", "-co", "BLOCKSIZE=128", "-co", "SPARSE_OK=TRUE",
                    src, os.path.join(HERE, "cog_sparse.tif")], check=True)
