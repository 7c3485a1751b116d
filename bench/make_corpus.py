#!/usr/bin/python3
"""Writes the benchmark's distinct source TIFFs with GDAL into OUTDIR (once;
bench/run caches them). A few dozen files of realistic header sizes:

  cog_*      COGs (gdal COG driver: IFDs, then tag arrays, then tiles) with
             several overview levels, 256/512/1024 blocks, Byte/UInt16/Int16/Float32
  tiled_*    tiled GeoTIFFs (GTiff TILED=YES), some with internal overviews
             copied in front (COPY_SRC_OVERVIEWS) and some with gdaladdo's
             overviews appended at the end of the file (the IFDs then sit past the data)
  strip_*    stripped GeoTIFFs (GDAL's default layout), a few thousand strips
  *_bigtiff  BigTIFF variants of the above

Content is deterministic (numpy gradients upsampled with nearest neighbour), so
files compress well and the whole set is small on disk; header sizes depend only
on dimensions, blocks, bands and overviews, not on pixel values.

    /usr/bin/python3 bench/make_corpus.py OUTDIR
"""
import os
import sys

import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
gdal.SetConfigOption("GDAL_PAM_ENABLED", "NO")
gdal.SetConfigOption("GDAL_NUM_THREADS", "ALL_CPUS")

# name, width, height, bands, data type, creation driver, creation options, extra step
SPECS = [
    # --- COGs ---------------------------------------------------------------
    ("cog_rgb_jpeg_1024", 1024, 1024, 3, gdal.GDT_Byte, "COG", ["COMPRESS=JPEG", "BLOCKSIZE=512"]),
    ("cog_rgb_jpeg_4096", 4096, 4096, 3, gdal.GDT_Byte, "COG", ["COMPRESS=JPEG", "BLOCKSIZE=512"]),
    ("cog_rgb_deflate_8192", 8192, 8192, 3, gdal.GDT_Byte, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=256"]),
    ("cog_u16_s2_10980", 10980, 10980, 1, gdal.GDT_UInt16, "COG", ["COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKSIZE=1024"]),
    ("cog_u16_s2_5490", 5490, 5490, 1, gdal.GDT_UInt16, "COG", ["COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKSIZE=1024"]),
    ("cog_u16_landsat_7821", 7821, 7951, 1, gdal.GDT_UInt16, "COG", ["COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKSIZE=256"]),
    ("cog_u16_deflate_2048", 2048, 2048, 1, gdal.GDT_UInt16, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=256"]),
    ("cog_f32_lzw_4096", 4096, 4096, 1, gdal.GDT_Float32, "COG", ["COMPRESS=LZW", "PREDICTOR=3", "BLOCKSIZE=512"]),
    ("cog_f32_dem_6000", 6000, 6000, 1, gdal.GDT_Float32, "COG", ["COMPRESS=DEFLATE", "PREDICTOR=3", "BLOCKSIZE=512"]),
    ("cog_i16_zstd_3600", 3600, 3600, 1, gdal.GDT_Int16, "COG", ["COMPRESS=ZSTD", "PREDICTOR=2", "BLOCKSIZE=256"]),
    ("cog_byte_mask_2048", 2048, 2048, 1, gdal.GDT_Byte, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=512"], "mask"),
    ("cog_rgba_deflate_4096", 4096, 4096, 4, gdal.GDT_Byte, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=512"]),
    ("cog_u8_512", 512, 512, 1, gdal.GDT_Byte, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=256"]),
    ("cog_u16_multiband_2000", 2000, 2000, 6, gdal.GDT_UInt16, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=512", "INTERLEAVE=BAND"]),
    ("cog_u16_16384", 16384, 16384, 1, gdal.GDT_UInt16, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=512"]),
    ("cog_u8_1280", 1280, 960, 3, gdal.GDT_Byte, "COG", ["COMPRESS=LZW", "BLOCKSIZE=256"]),
    ("cog_f32_3000", 3000, 3000, 1, gdal.GDT_Float32, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=256"]),
    ("cog_u16_s2_10980_bigtiff", 10980, 10980, 1, gdal.GDT_UInt16, "COG",
     ["COMPRESS=DEFLATE", "PREDICTOR=2", "BLOCKSIZE=1024", "BIGTIFF=YES"]),
    ("cog_rgb_4096_bigtiff", 4096, 4096, 3, gdal.GDT_Byte, "COG", ["COMPRESS=DEFLATE", "BLOCKSIZE=256", "BIGTIFF=YES"]),
    ("cog_f32_2048_bigtiff", 2048, 2048, 1, gdal.GDT_Float32, "COG", ["COMPRESS=LZW", "BLOCKSIZE=512", "BIGTIFF=YES"]),
    # --- tiled GeoTIFFs --------------------------------------------------------
    ("tiled_u8_4096", 4096, 4096, 1, gdal.GDT_Byte, "GTiff", ["TILED=YES", "COMPRESS=DEFLATE"]),
    ("tiled_rgb_2048_ovr_front", 2048, 2048, 3, gdal.GDT_Byte, "GTiff",
     ["TILED=YES", "COMPRESS=DEFLATE", "COPY_SRC_OVERVIEWS=YES"], "src_overviews"),
    ("tiled_u16_5000_ovr_front", 5000, 5000, 1, gdal.GDT_UInt16, "GTiff",
     ["TILED=YES", "COMPRESS=LZW", "BLOCKXSIZE=512", "BLOCKYSIZE=512", "COPY_SRC_OVERVIEWS=YES"], "src_overviews"),
    ("tiled_f32_3000", 3000, 3000, 1, gdal.GDT_Float32, "GTiff", ["TILED=YES", "COMPRESS=DEFLATE", "PREDICTOR=3"]),
    ("tiled_u16_2048_ovr_end", 2048, 2048, 1, gdal.GDT_UInt16, "GTiff", ["TILED=YES", "COMPRESS=DEFLATE"], "gdaladdo"),
    ("tiled_u8_1024_ovr_end", 1024, 1024, 3, gdal.GDT_Byte, "GTiff", ["TILED=YES", "COMPRESS=JPEG"], "gdaladdo"),
    ("tiled_u16_4000_bigtiff", 4000, 4000, 1, gdal.GDT_UInt16, "GTiff", ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=YES"]),
    ("tiled_u8_8192_bigtiff_ovr_front", 8192, 8192, 1, gdal.GDT_Byte, "GTiff",
     ["TILED=YES", "COMPRESS=DEFLATE", "BIGTIFF=YES", "COPY_SRC_OVERVIEWS=YES"], "src_overviews"),
    # --- stripped GeoTIFFs -----------------------------------------------------
    ("strip_u8_1000", 1000, 1000, 1, gdal.GDT_Byte, "GTiff", []),
    ("strip_rgb_2000_deflate", 2000, 2000, 3, gdal.GDT_Byte, "GTiff", ["COMPRESS=DEFLATE"]),
    ("strip_u16_3000_lzw", 3000, 3000, 1, gdal.GDT_UInt16, "GTiff", ["COMPRESS=LZW"]),
    ("strip_f32_1500", 1500, 1500, 1, gdal.GDT_Float32, "GTiff", ["COMPRESS=DEFLATE", "PREDICTOR=3"]),
    ("strip_u8_800_rps16", 800, 600, 1, gdal.GDT_Byte, "GTiff", ["BLOCKYSIZE=16"]),
    ("strip_u16_6000_deflate", 6000, 6000, 1, gdal.GDT_UInt16, "GTiff", ["COMPRESS=DEFLATE"]),
    ("strip_u16_2000_bigtiff", 2000, 2000, 1, gdal.GDT_UInt16, "GTiff", ["COMPRESS=DEFLATE", "BIGTIFF=YES"]),
    ("strip_u8_be_1200", 1200, 1200, 1, gdal.GDT_Byte, "GTiff", ["ENDIANNESS=BIG", "COMPRESS=DEFLATE"]),
]

EPSGS = [32633, 4326, 3857, 32618, 2154, 25832]


def base_dataset(width, height, bands, dtype, seed):
    """A small deterministic raster upsampled to width x height on the fly (VRT)."""
    small = 256
    y, x = np.mgrid[0:small, 0:small].astype(np.float64)
    mem = gdal.GetDriverByName("MEM").Create("", small, small, bands, dtype)
    for b in range(bands):
        v = (np.sin(x / (9 + b + seed % 7)) + np.cos(y / (13 + b)) + 2) * 60 + b * 10
        mem.GetRasterBand(b + 1).WriteArray(v.astype(np.float32))
    epsg = EPSGS[seed % len(EPSGS)]
    srs = osr.SpatialReference()
    srs.ImportFromEPSG(epsg)
    mem.SetSpatialRef(srs)
    if epsg == 4326:
        mem.SetGeoTransform((10.0 + seed, 0.5 / small, 0, 50.0, 0, -0.5 / small))
    else:
        mem.SetGeoTransform((400000.0 + 1000 * seed, 10.0 * width / small, 0, 5000000.0, 0, -10.0 * height / small))
    mem.SetMetadataItem("SOURCE", f"tiff-dumper bench {seed}")
    if dtype != gdal.GDT_Byte:
        for b in range(bands):
            mem.GetRasterBand(b + 1).SetNoDataValue(0)
    return gdal.Translate("", mem, format="VRT", width=width, height=height, resampleAlg="nearest")


def make(outdir, seed, spec):
    name, width, height, bands, dtype, driver, options = spec[:7]
    extra = spec[7] if len(spec) > 7 else None
    path = os.path.join(outdir, name + ".tif")
    if os.path.exists(path):
        return path
    tmp = path + ".part"
    src = base_dataset(width, height, bands, dtype, seed)
    if extra == "mask":
        src = gdal.Translate("", src, format="MEM")
        src.CreateMaskBand(gdal.GMF_PER_DATASET)
        src.GetRasterBand(1).GetMaskBand().Fill(255)
    if extra == "src_overviews":
        # COPY_SRC_OVERVIEWS needs a source with overviews: a temporary GTiff.
        staged = path + ".src.tif"
        gdal.Translate(staged, src, format="GTiff", creationOptions=["TILED=YES", "COMPRESS=DEFLATE"])
        ds = gdal.Open(staged, gdal.GA_Update)
        ds.BuildOverviews("AVERAGE", [2, 4, 8, 16])
        ds = None
        src = gdal.Open(staged)
    if driver == "COG":
        options = options + ["OVERVIEWS=IGNORE_EXISTING", "RESAMPLING=AVERAGE"]
    gdal.Translate(tmp, src, format=driver, creationOptions=options)
    src = None
    if extra == "src_overviews":
        os.remove(path + ".src.tif")
    if extra == "gdaladdo":
        ds = gdal.Open(tmp, gdal.GA_Update)
        ds.BuildOverviews("AVERAGE", [2, 4, 8])
        ds = None
    os.rename(tmp, path)
    return path


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    for seed, spec in enumerate(SPECS):
        print(f"make_corpus: {spec[0]}", file=sys.stderr, flush=True)
        make(outdir, seed, spec)


if __name__ == "__main__":
    main()
