// catalog/crs.h on GeoKeys built by hand: codes, compound, user-defined, broken keys,
// and the per-thread cache. catalog_compare.py checks GDAL-written and geotifcp-keyed files.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/crs.h"
#include "tiff/tags.h"

namespace td::catalog {
namespace {

namespace tag = tiff::tag;

// A header whose IFD 0 carries a GeoKeyDirectory of SHORT keys (id, location 0, 1, value)
// and, decoded, the same keys (as the reader would give them).
tiff::Header keys(const std::vector<std::pair<uint16_t, uint16_t>>& shorts) {
  tiff::Header h;
  h.ifds.emplace_back();
  tiff::Tag dir;
  dir.code = tag::geo_key_directory;
  dir.type_code = 3;
  std::vector<uint64_t> v = {1, 1, 0, shorts.size()};
  tiff::GeoKeyDirectory decoded;
  for (const auto& [id, value] : shorts) {
    v.insert(v.end(), {id, 0, 1, value});
    decoded.keys.push_back({id, std::vector<uint64_t>{value}});
  }
  dir.count = v.size();
  dir.values = v;
  h.ifds[0].tags.push_back(dir);
  h.geokeys = decoded;
  return h;
}

TEST(Crs, NamedCodeAndCompound) {
  const Crs& utm = crs(keys({{1024, 1}, {3072, 32633}}));
  EXPECT_EQ(utm.epsg, 32633);
  ASSERT_TRUE(utm.projjson);
  EXPECT_EQ(nlohmann::json::parse(*utm.projjson)["name"], "WGS 84 / UTM zone 33N");
  const Crs& geo = crs(keys({{1024, 2}, {2048, 4326}}));
  EXPECT_EQ(geo.epsg, 4326);
  EXPECT_TRUE(geo.geographic);
  const Crs& compound = crs(keys({{1024, 1}, {3072, 32633}, {4096, 5773}}));
  ASSERT_TRUE(compound.projjson);
  EXPECT_EQ(nlohmann::json::parse(*compound.projjson)["type"], "CompoundCRS");
  EXPECT_EQ(compound.epsg, std::nullopt);  // EPSG has no code for UTM 33N + EGM96 height
}

TEST(Crs, UserDefinedIdentifiedOnlyWithFullConfidence) {
  // ProjectedCSType user-defined, UTM zone 33N projection on WGS 84: PROJ finds 32633 but
  // not with 100 % confidence (the name differs), as gdalsrsinfo says (70 %).
  const Crs& spelled = crs(keys({{1024, 1}, {2048, 4326}, {3072, 32767}, {3074, 16033}, {3076, 9001}}));
  ASSERT_TRUE(spelled.projjson);
  EXPECT_EQ(nlohmann::json::parse(*spelled.projjson)["type"], "ProjectedCRS");
  EXPECT_EQ(spelled.epsg, std::nullopt);
}

TEST(Crs, KeysThatDefineNothingOrNoKeys) {
  EXPECT_FALSE(crs(tiff::Header{}).projjson);
  EXPECT_FALSE(crs(tiff::Header{}).problem);
  const Crs& raster_type_only = crs(keys({{1025, 1}}));
  EXPECT_FALSE(raster_type_only.projjson);
  EXPECT_FALSE(raster_type_only.problem);  // claims no CRS: nothing to warn about
  const Crs& unknown_code = crs(keys({{1024, 1}, {3072, 32699}}));  // no such EPSG CRS
  EXPECT_FALSE(unknown_code.epsg);
  const Crs& local = crs(keys({{1024, 1}}));  // projected, nothing defined: GDAL's local CRS
  ASSERT_TRUE(local.projjson);
  EXPECT_EQ(nlohmann::json::parse(*local.projjson)["type"], "EngineeringCRS");
}

TEST(Crs, HostileDirectoryIsNotHandedToLibgeotiffAsIs) {
  // The raw directory claims 50 keys and holds 1: libgeotiff, given it, read past the
  // array (nondeterministic rows; an ASan report). The CRS comes from the decoded keys.
  tiff::Header h = keys({{1024, 1}});
  auto& raw = std::get<std::vector<uint64_t>>(h.ifds[0].tags[0].values);
  raw[3] = 50;
  const Crs& first = crs(h);
  ASSERT_TRUE(first.projjson);
  EXPECT_EQ(nlohmann::json::parse(*first.projjson)["type"], "EngineeringCRS");  // projected, nothing defined
  // Long SHORT lists, doubles and text all land in their params tags and are read back.
  tiff::Header spelled = keys({{1024, 2}, {2048, 32767}, {2050, 6267}, {2054, 9102}});
  spelled.geokeys->keys.push_back({2049, std::string("NAD27 by hand")});
  spelled.geokeys->keys.push_back({2057, std::vector<double>{6378206.4}});
  const Crs& geographic = crs(spelled);
  ASSERT_TRUE(geographic.projjson) << geographic.problem.value_or("");
  EXPECT_EQ(nlohmann::json::parse(*geographic.projjson)["type"], "GeographicCRS");
}

TEST(Crs, CitationBytesBecomeUtf8InTheLocalCrsName) {
  // Citation-only projected keys name GDAL's local CRS after the citation: bytes from
  // the file, which must not make the PROJJSON invalid UTF-8 (the fuzzer found it).
  tiff::Header h = keys({{1024, 1}, {1025, 2}});  // raw keys of its own: the cache keys on them
  h.geokeys->keys.push_back({1026, std::string("site \xff grid")});
  const Crs& local = crs(h);
  ASSERT_TRUE(local.projjson);
  EXPECT_EQ(nlohmann::json::parse(*local.projjson)["name"], "site \\xFF grid");
}

TEST(Crs, CachedPerDistinctKeys) {
  const tiff::Header a = keys({{1024, 1}, {3072, 3857}});
  const Crs* first = &crs(a);
  EXPECT_EQ(first, &crs(keys({{1024, 1}, {3072, 3857}})));  // same keys: the same entry
  EXPECT_NE(first, &crs(keys({{1024, 1}, {3072, 3395}})));
}

}  // namespace
}  // namespace td::catalog
