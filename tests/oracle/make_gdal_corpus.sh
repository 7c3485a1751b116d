#!/bin/bash
# Generates a small corpus of realistic GeoTIFFs with GDAL into OUTDIR, for
# gdal_compare.py (and, as plain TIFFs, tifffile_compare.py).
#
#   tests/oracle/make_gdal_corpus.sh OUTDIR
#
# Content is deterministic (gradients computed with numpy, no timestamps). Each
# file is 256-1024 px so the whole run takes a few seconds. File names state the
# intent that gdal_compare.py checks against the file: `_be` = big-endian (MM),
# `_bigtiff` = BigTIFF, `_extmask` = mask in a .msk side file.
#
# Needs gdal-bin and Debian's python3-gdal + numpy (/usr/bin/python3).
set -euo pipefail

if [[ $# -ne 1 ]]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
OUT=$1
for tool in gdal_translate gdalwarp gdaladdo gdal_create gdalinfo; do
  if ! command -v "$tool" >/dev/null; then
    echo "SKIP: $tool (gdal-bin) is not installed"
    exit 77
  fi
done
if ! /usr/bin/python3 -c 'import numpy; from osgeo import gdal' 2>/dev/null; then
  echo "SKIP: /usr/bin/python3 lacks numpy or osgeo.gdal (python3-gdal)"
  exit 77
fi
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
# Start clean: stale files from an older generator would be compared too.
find "$OUT" -maxdepth 1 -type f \( -name '*.tif' -o -name '*.msk' -o -name '*.ovr' \
  -o -name '*.aux.xml' \) -delete
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

export GDAL_PAM_ENABLED=NO          # no .aux.xml side files
export GDAL_DISABLE_READDIR_ON_OPEN=EMPTY_DIR
Q=-q
# Capture the format lists once: `gdalinfo ... | grep -q` would SIGPIPE under pipefail.
GTIFF_FORMAT=$(gdalinfo --format GTiff)
COG_FORMAT=$(gdalinfo --format COG)

# --- deterministic base rasters ------------------------------------------------
/usr/bin/python3 - "$TMP" <<'EOF'
import sys
import numpy as np
from osgeo import gdal, osr

gdal.UseExceptions()
tmp = sys.argv[1]
drv = gdal.GetDriverByName("GTiff")

def base(name, nx, ny, bands, gdt, fill, srs="EPSG:32633",
         gt=(500000.0, 10.0, 0.0, 5000000.0, 0.0, -10.0)):
    ds = drv.Create(f"{tmp}/{name}", nx, ny, bands, gdt)
    s = osr.SpatialReference()
    s.SetFromUserInput(srs)
    ds.SetSpatialRef(s)
    ds.SetGeoTransform(gt)
    y, x = np.mgrid[0:ny, 0:nx]
    for b in range(bands):
        ds.GetRasterBand(b + 1).WriteArray(fill(x, y, b))
    ds = None

base("u8.tif", 512, 512, 1, gdal.GDT_Byte,
     lambda x, y, b: ((x + 2 * y) % 256).astype(np.uint8))
base("rgb.tif", 512, 512, 3, gdal.GDT_Byte,
     lambda x, y, b: ((x * (b + 1) + y * (3 - b)) % 256).astype(np.uint8))
base("f32.tif", 512, 512, 1, gdal.GDT_Float32,
     lambda x, y, b: (np.sin(x / 37.0) * np.cos(y / 23.0) * 1000.0).astype(np.float32))
base("big_u8.tif", 1024, 1024, 1, gdal.GDT_Byte,
     lambda x, y, b: ((x ^ y) % 256).astype(np.uint8))
base("big_rgb.tif", 1024, 1024, 3, gdal.GDT_Byte,
     lambda x, y, b: (((x >> 2) + (y >> 2) * (b + 1)) % 256).astype(np.uint8))
EOF

B=$TMP
t() { gdal_translate $Q "$@"; }

# --- projections ----------------------------------------------------------------
t -co COMPRESS=NONE                                  "$B/u8.tif"  "$OUT/utm33_u8_strip_none.tif"
t -ot UInt16 -scale 0 255 0 65000 -co TILED=YES -co COMPRESS=DEFLATE -co PREDICTOR=2 \
                                                     "$B/u8.tif"  "$OUT/utm33_u16_tiled_deflate.tif"
gdalwarp $Q -t_srs EPSG:4326 -ts 400 300 -ot Int16 -co COMPRESS=LZW \
                                                     "$B/f32.tif" "$OUT/geo4326_i16_lzw.tif"
gdalwarp $Q -t_srs EPSG:3857 -ts 300 300 -co TILED=YES -co COMPRESS=ZSTD -co PREDICTOR=3 \
                                                     "$B/f32.tif" "$OUT/webmerc_f32_tiled_zstd.tif"
t -a_srs '+proj=lcc +lat_1=33 +lat_2=45 +lat_0=39 +lon_0=-96 +x_0=0 +y_0=0 +datum=NAD83 +units=m +no_defs' \
  -a_ullr -100000 100000 100000 -100000 -co COMPRESS=PACKBITS \
                                                     "$B/u8.tif"  "$OUT/custom_lcc_u8_packbits.tif"
t -a_srs '+proj=aea +lat_1=29.5 +lat_2=45.5 +lat_0=23 +lon_0=-84 +x_0=1000 +y_0=2000 +a=6378000 +rf=298.5 +units=m +no_defs' \
  -a_ullr 0 51200 51200 0 -ot Float32 -co TILED=YES -co BLOCKXSIZE=128 -co BLOCKYSIZE=128 \
                                                     "$B/f32.tif" "$OUT/custom_aea_ellps_f32_tiled.tif"
t -a_srs EPSG:4326 -a_ullr 10 50 12 48 -co GEOTIFF_VERSION=1.1 \
                                                     "$B/u8.tif"  "$OUT/geo4326_geotiff11_u8.tif"
t -a_srs EPSG:32633+5773 -co GEOTIFF_VERSION=1.1     "$B/u8.tif"  "$OUT/utm33_compound_vertical_u8.tif"
t -a_srs EPSG:2154 -a_ullr 700000 6600000 705120 6594880 -ot Int32 -co COMPRESS=LZMA \
                                                     "$B/u8.tif"  "$OUT/lambert93_i32_lzma.tif"
gdal_create -of GTiff -outsize 256 256 -bands 2 -ot UInt32 -burn 7 -burn 70000 \
  -a_srs EPSG:4326 -a_ullr -180 90 180 -90 -co COMPRESS=DEFLATE \
  "$OUT/world4326_u32_gdal_create.tif"

# --- BigTIFF and byte order -----------------------------------------------------
t -ot Float64 -co BIGTIFF=YES -co TILED=YES -co COMPRESS=DEFLATE \
                                                     "$B/f32.tif" "$OUT/utm33_f64_tiled_bigtiff.tif"
t -ot Int16 -co ENDIANNESS=BIG                       "$B/f32.tif" "$OUT/utm33_i16_strip_be.tif"
t -co ENDIANNESS=BIG -co BIGTIFF=YES -co TILED=YES -co COMPRESS=LZW \
                                                     "$B/rgb.tif" "$OUT/utm33_rgb_tiled_be_bigtiff.tif"
t -ot CFloat32 -co ENDIANNESS=BIG                    "$B/f32.tif" "$OUT/utm33_cf32_be.tif"

# --- colour, compression codecs, interleave, nodata -----------------------------
t -co COMPRESS=JPEG -co PHOTOMETRIC=YCBCR -co TILED=YES \
                                                     "$B/rgb.tif" "$OUT/utm33_rgb_jpeg_ycbcr.tif"
if grep -q '<Value>WEBP</Value>' <<<"$GTIFF_FORMAT"; then
  t -co COMPRESS=WEBP -co TILED=YES                  "$B/rgb.tif" "$OUT/utm33_rgb_webp.tif"
fi
t -ot UInt16 -co INTERLEAVE=BAND -co COMPRESS=DEFLATE \
                                                     "$B/rgb.tif" "$OUT/utm33_u16_planar_deflate.tif"
t -a_nodata -9999 -ot Int16 -co COMPRESS=PACKBITS    "$B/f32.tif" "$OUT/utm33_i16_nodata.tif"
t -mo AREA_OR_POINT=Point -ot Float32 -a_nodata nan "$B/f32.tif" "$OUT/utm33_f32_pixelispoint.tif"
t -mo TIFFTAG_ARTIST='Jane Doe' -mo 'TIFFTAG_COPYRIGHT=(c) 2024 Ørsted' \
  -mo TIFFTAG_DATETIME='2024:01:02 03:04:05' -mo TIFFTAG_DOCUMENTNAME=doc.tif \
  -mo TIFFTAG_IMAGEDESCRIPTION='A test image' -mo TIFFTAG_SOFTWARE=make_gdal_corpus \
  -mo TIFFTAG_HOSTCOMPUTER=oracle -mo TIFFTAG_XRESOLUTION=300 -mo TIFFTAG_YRESOLUTION=150 \
  -mo TIFFTAG_RESOLUTIONUNIT=2 -mo CUSTOM_ITEM=42 -co PHOTOMETRIC=RGB \
                                                     "$B/rgb.tif" "$OUT/utm33_rgb_tifftags.tif"

# --- rotated grid (ModelTransformationTag) -------------------------------------
/usr/bin/python3 - "$B/u8.tif" "$OUT/utm33_u8_rotated.tif" <<'EOF'
import sys
from osgeo import gdal
gdal.UseExceptions()
ds = gdal.Translate(sys.argv[2], sys.argv[1], creationOptions=["COMPRESS=DEFLATE"])
ds.SetGeoTransform((500000.0, 8.660254037844387, 5.0, 5000000.0, 5.0, -8.660254037844387))
ds = None
EOF

# --- masks ----------------------------------------------------------------------
GDAL_TIFF_INTERNAL_MASK=YES t -mask 1 -co TILED=YES -co COMPRESS=DEFLATE \
                                                     "$B/rgb.tif" "$OUT/utm33_rgb_intmask.tif"
GDAL_TIFF_INTERNAL_MASK=NO t -mask 1                 "$B/u8.tif"  "$OUT/utm33_u8_extmask.tif"
t -b 1 -b 2 -b 3 -b 1 -co ALPHA=YES -co PHOTOMETRIC=RGB \
                                                     "$B/rgb.tif" "$OUT/utm33_rgba_alpha.tif"

# --- overviews ------------------------------------------------------------------
t -co TILED=YES -co COMPRESS=DEFLATE                 "$B/big_u8.tif" "$OUT/utm33_u8_ovr_internal.tif"
gdaladdo $Q -r average "$OUT/utm33_u8_ovr_internal.tif" 2 4 8
GDAL_TIFF_INTERNAL_MASK=YES t -mask 1 -co TILED=YES  "$B/big_rgb.tif" "$TMP/rgbmask.tif"
GDAL_TIFF_INTERNAL_MASK=YES gdaladdo $Q -r nearest "$TMP/rgbmask.tif" 2 4
t -of COG -co COMPRESS=DEFLATE -co BLOCKSIZE=256 -co OVERVIEWS=AUTO \
                                                     "$B/big_u8.tif" "$OUT/cog_u8_deflate.tif"
t -of COG -co COMPRESS=JPEG -co BLOCKSIZE=256 -co OVERVIEWS=AUTO \
                                                     "$TMP/rgbmask.tif" "$OUT/cog_rgb_jpeg_mask.tif"
t -of COG -co COMPRESS=ZSTD -co PREDICTOR=YES -co BLOCKSIZE=256 -co BIGTIFF=YES \
  -ot Float32 -a_nodata -1                           "$B/big_u8.tif" "$OUT/cog_f32_zstd_bigtiff.tif"
if grep -q '<Value>LERC_DEFLATE</Value>' <<<"$COG_FORMAT"; then
  t -of COG -co COMPRESS=LERC_DEFLATE -co MAX_Z_ERROR=0.01 -co BLOCKSIZE=256 \
    -co TARGET_SRS=EPSG:4326 -ot Float32             "$B/f32.tif" "$OUT/cog_f32_lerc_4326.tif"
fi

ls "$OUT" | wc -l | xargs echo "make_gdal_corpus: files in $OUT:"
