// The coordinate reference system the GeoKeys define, as an EPSG code when it is one
// and as PROJJSON always (PROJJSON 0.5, https://proj.org/specifications/projjson.html).
// The keys are read by libgeotiff (GTIFGetDefn: what GDAL reads them with) and the
// CRS is built by PROJ: from its EPSG database when the keys name a code, else from
// the definition the keys spell out (GTIFGetProj4Defn). A vertical CRS named by
// VerticalCSTypeGeoKey makes the result a compound CRS. Projected keys that define
// nothing (no code, no projection) give a local engineering CRS named by the citation,
// as GDAL reads them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "tiff/header.h"

namespace td::catalog {

struct Crs {
  // The EPSG code of the whole CRS: the code the keys name (ProjectedCSTypeGeoKey or
  // GeodeticCRSGeoKey, no vertical), or the one PROJ identifies the definition as with
  // 100 % confidence (proj_identify). nullopt otherwise (a compound CRS EPSG has no
  // code for, a user-defined CRS that matches none).
  std::optional<int64_t> epsg;
  // The CRS as single-line PROJJSON; nullopt when the file has no GeoKeys or PROJ
  // could not build a CRS from them (then `problem` says why).
  std::optional<std::string> projjson;
  std::optional<std::string> problem;
  // Whether the CRS is geographic (longitude/latitude), from the keys' model type.
  bool geographic = false;
  // Its transformation to WGS 84 (footprint.cc), made on first use by this thread and
  // kept with the CRS; the reason when there is none ("" for a local CRS).
  mutable std::shared_ptr<void> to_crs84;
  mutable bool to_crs84_tried = false;
  mutable std::string to_crs84_problem;
};

// The CRS of the header's GeoKeys (the IFD that carries the GeoKeyDirectoryTag).
// Results are cached per thread by the bytes of the three GeoKey tags, so a bucket
// of files in a few CRSs builds each CRS once per thread. Never throws.
const Crs& crs(const tiff::Header& header);

// The IFD whose GeoKeyDirectoryTag (34735) header.geokeys was read from, or nullptr.
const tiff::Ifd* geokey_ifd(const tiff::Header& header);

// This thread's PROJ context (PJ_CONTEXT*), made on first use with logging off;
// PROJ objects must be used by the thread whose context made them.
void* proj_context();

}  // namespace td::catalog
