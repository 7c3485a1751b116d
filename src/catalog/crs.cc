#include "catalog/crs.h"

#include <geo_normalize.h>
#include <geo_simpletags.h>
#include <geo_tiffp.h>  // TIFFMethod
#include <geotiff.h>
#include <proj.h>
#include <proj_experimental.h>  // proj_create_compound_crs

#include <array>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "catalog/proj_ptr.h"
#include "parquet/utf8.h"  // the output's text rule (escape_key) and its UTF-8 check
#include "tiff/tags.h"

namespace td::catalog {
namespace {

namespace tag = tiff::tag;
constexpr uint16_t kModelTypeKey = 1024, kGeodeticCrsKey = 2048, kProjectedCrsKey = 3072, kVerticalKey = 4096;
constexpr uint64_t kUserDefined = 32767;
constexpr uint64_t kModelProjected = 1, kModelGeographic = 2;
constexpr size_t kCacheEntries = 4096;  // distinct GeoKey sets kept per thread

std::optional<uint64_t> key_code(const tiff::Header& h, uint16_t id) {
  const tiff::GeoKey* k = h.geokeys ? h.geokeys->find(id) : nullptr;
  const auto* v = k ? std::get_if<std::vector<uint64_t>>(&k->value) : nullptr;
  if (!v || v->empty()) return std::nullopt;
  return (*v)[0];
}

constexpr const char* kNoDefinition = "the GeoKeys define no CRS PROJ can express";

// What GDAL makes of projected keys that define nothing (no code, no projection): a
// local engineering CRS in metres named by GTCitationGeoKey.
ProjPtr engineering(PJ_CONTEXT* ctx, const tiff::Header& h) {
  const tiff::GeoKey* k = h.geokeys ? h.geokeys->find(1026) : nullptr;  // GTCitationGeoKey
  const auto* citation = k ? std::get_if<std::string>(&k->value) : nullptr;
  std::string name;
  // The citation is bytes from the file: the output's text rule makes it UTF-8 (PROJ
  // copies a name into PROJJSON as it is).
  for (char c : parquet::escape_key(citation ? *citation : std::string("unnamed"))) {
    if (c == '"') name += '"';  // WKT doubles a quote inside a string
    name += c;
  }
  const std::string wkt = "ENGCRS[\"" + name + "\",EDATUM[\"\"],CS[Cartesian,2],AXIS[\"(E)\",east,ORDER[1],"
                          "LENGTHUNIT[\"metre\",1]],AXIS[\"(N)\",north,ORDER[2],LENGTHUNIT[\"metre\",1]]]";
  return ProjPtr(proj_create(ctx, wkt.c_str()));
}

// libgeotiff's error callback: keeps the first error as the reason (user data: a
// std::string), instead of libgeotiff's default of printing to stderr.
void keep_geotiff_error(GTIF* gtif, int level, const char* format, ...) {
  auto* first = static_cast<std::string*>(GTIFGetUserData(gtif));
  if (level != LIBGEOTIFF_ERROR || !first || !first->empty()) return;
  char text[512];
  va_list args;
  va_start(args, format);
  std::vsnprintf(text, sizeof text, format, args);
  va_end(args);
  *first = text;
  while (!first->empty() && (first->back() == '\n' || first->back() == '.')) first->pop_back();
}

// A CRS from PROJ's EPSG database, or null when the code is none it knows.
ProjPtr from_epsg(PJ_CONTEXT* ctx, uint64_t code) {
  if (code == 0 || code >= kUserDefined) return nullptr;
  return ProjPtr(proj_create_from_database(ctx, "EPSG", std::to_string(code).c_str(), PJ_CATEGORY_CRS, 0, nullptr));
}

// The definition the keys spell out, through libgeotiff's normalisation (GTIFGetDefn)
// and its PROJ string. `why` is set when there is none.
// The GeoKeys as the three GeoTIFF tags, rebuilt from the keys the reader decoded
// and checked (tiff/geokeys.h) rather than copied from the file: libgeotiff trusts a
// directory's key count and offsets, and a hostile one made it read past its arrays.
// Keys in id order, a repeated id once (its last value, as libgeotiff keeps), keys
// without a value left out; SHORT lists longer than one, DOUBLEs and text go to
// their params tags as the specification lays them out (GeoTIFF 1.1, 7.1.4).
void set_geokey_tags(ST_TIFF* st, const tiff::GeoKeyDirectory& keys) {
  std::map<uint16_t, const tiff::GeoKey*> last;
  for (const tiff::GeoKey& k : keys.keys)
    if (!std::holds_alternative<std::monostate>(k.value)) last[k.id] = &k;
  std::vector<uint16_t> directory = {1, 1, 0, 0}, extra_shorts;
  std::vector<double> doubles;
  std::string ascii;
  for (const auto& [id, key] : last) {
    // Every offset is a SHORT: a directory that would pass 65535 shorts ends here.
    const auto* list = std::get_if<std::vector<uint64_t>>(&key->value);
    if (directory.size() + 4 + extra_shorts.size() + (list ? list->size() : 0) > 0xFFFF) break;
    uint16_t location = 0, count = 1, offset = 0;
    if (const auto* v = std::get_if<std::vector<uint64_t>>(&key->value)) {
      if (v->empty() || v->size() > 0xFFFF) continue;
      if (v->size() == 1) {
        offset = static_cast<uint16_t>((*v)[0]);
      } else {
        location = tag::geo_key_directory;
        count = static_cast<uint16_t>(v->size());
        offset = static_cast<uint16_t>(extra_shorts.size());  // fixed up below
        for (uint64_t x : *v) extra_shorts.push_back(static_cast<uint16_t>(x));
      }
    } else if (const auto* d = std::get_if<std::vector<double>>(&key->value)) {
      if (d->empty() || d->size() > 0xFFFF || doubles.size() + d->size() > 0xFFFF) continue;
      location = tag::geo_double_params;
      count = static_cast<uint16_t>(d->size());
      offset = static_cast<uint16_t>(doubles.size());
      doubles.insert(doubles.end(), d->begin(), d->end());
    } else if (const auto* text = std::get_if<std::string>(&key->value)) {
      if (text->size() + 1 > 0xFFFF || ascii.size() + text->size() + 1 > 0xFFFF) continue;
      location = tag::geo_ascii_params;
      count = static_cast<uint16_t>(text->size() + 1);
      offset = static_cast<uint16_t>(ascii.size());
      ascii += *text + '|';
    }
    directory.insert(directory.end(), {id, location, count, offset});
  }
  const size_t n = (directory.size() - 4) / 4;
  if (n == 0) return;
  directory[3] = static_cast<uint16_t>(n);
  for (size_t i = 0; i < n; ++i)  // SHORT lists follow the key entries
    if (directory[4 + 4 * i + 1] == tag::geo_key_directory) directory[4 + 4 * i + 3] += static_cast<uint16_t>(directory.size());
  directory.insert(directory.end(), extra_shorts.begin(), extra_shorts.end());
  ST_SetKey(st, tag::geo_key_directory, static_cast<int>(directory.size()), STT_SHORT, directory.data());
  if (!doubles.empty()) ST_SetKey(st, tag::geo_double_params, static_cast<int>(doubles.size()), STT_DOUBLE, doubles.data());
  if (!ascii.empty()) ST_SetKey(st, tag::geo_ascii_params, static_cast<int>(ascii.size() + 1), STT_ASCII, ascii.data());
}

ProjPtr from_definition(PJ_CONTEXT* ctx, const tiff::GeoKeyDirectory& keys, std::string& why) {
  std::unique_ptr<ST_TIFF, void (*)(ST_TIFF*)> st(ST_Create(), ST_Destroy);
  set_geokey_tags(st.get(), keys);
  TIFFMethod methods;
  GTIFSetSimpleTagsMethods(&methods);
  std::string geotiff_error;
  std::unique_ptr<GTIF, void (*)(GTIF*)> gtif(
      GTIFNewWithMethodsEx(st.get(), &methods, keep_geotiff_error, &geotiff_error), GTIFFree);
  if (!gtif) {
    why = "libgeotiff could not read the GeoKey directory" + (geotiff_error.empty() ? "" : ": " + geotiff_error);
    return nullptr;
  }
  GTIFAttachPROJContext(gtif.get(), ctx);
  std::unique_ptr<GTIFDefn, void (*)(GTIFDefn*)> defn(GTIFAllocDefn(), GTIFFreeDefn);
  if (!defn || !GTIFGetDefn(gtif.get(), defn.get())) {
    why = "libgeotiff found no coordinate system in the GeoKeys" + (geotiff_error.empty() ? "" : ": " + geotiff_error);
    return nullptr;
  }
  char* proj4 = GTIFGetProj4Defn(defn.get());
  const std::string definition = proj4 ? proj4 : "";
  GTIFFreeMemory(proj4);
  if (definition.empty()) {
    why = kNoDefinition;
    return nullptr;
  }
  ProjPtr crs(proj_create(ctx, (definition + " +type=crs").c_str()));
  if (!crs) {
    why = "PROJ could not build a CRS from the GeoKeys' definition \"" + definition + "\"";
    return nullptr;
  }
  // A PROJ string names no datum but a few: take the geodetic CRS (or datum) the keys
  // name from the EPSG database, as GDAL does, and keep the string's projection.
  ProjPtr base = from_epsg(ctx, static_cast<uint16_t>(defn->GCS));
  if (!base && defn->Datum > 0 && defn->Datum < static_cast<int>(kUserDefined)) {
    ProjPtr datum(proj_create_from_database(ctx, "EPSG", std::to_string(defn->Datum).c_str(), PJ_CATEGORY_DATUM, 0,
                                            nullptr));
    ProjPtr cs(proj_create_ellipsoidal_2D_cs(ctx, PJ_ELLPS2D_LATITUDE_LONGITUDE, nullptr, 0));
    if (datum && cs) base.reset(proj_create_geographic_crs_from_datum(ctx, proj_get_name(datum.get()), datum.get(), cs.get()));
  }
  if (!base) return crs;
  if (proj_get_type(crs.get()) == PJ_TYPE_BOUND_CRS) crs.reset(proj_get_source_crs(ctx, crs.get()));
  if (!crs) return nullptr;
  const PJ_TYPE type = proj_get_type(crs.get());
  if (type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS) return base;
  if (type != PJ_TYPE_PROJECTED_CRS) return crs;
  ProjPtr altered(proj_crs_alter_geodetic_crs(ctx, crs.get(), base.get()));
  return altered ? std::move(altered) : std::move(crs);
}

// The EPSG code PROJ identifies `crs` as with 100 % confidence, if any.
std::optional<int64_t> identify(PJ_CONTEXT* ctx, PJ* crs) {
  int* confidence = nullptr;
  PJ_OBJ_LIST* found = proj_identify(ctx, crs, "EPSG", nullptr, &confidence);
  std::optional<int64_t> code;
  const int n = found ? proj_list_get_count(found) : 0;
  for (int i = 0; i < n && !code; ++i) {
    if (confidence[i] != 100) continue;
    ProjPtr match(proj_list_get(ctx, found, i));
    const char* id = match ? proj_get_id_code(match.get(), 0) : nullptr;
    if (id) code = std::strtoll(id, nullptr, 10);
  }
  proj_int_list_destroy(confidence);
  proj_list_destroy(found);
  return code;
}

Crs build(const tiff::Header& h) {
  Crs out;
  const tiff::Ifd* ifd = geokey_ifd(h);
  if (!ifd) return out;
  auto* ctx = static_cast<PJ_CONTEXT*>(proj_context());
  const auto model = key_code(h, kModelTypeKey);
  out.geographic = model == kModelGeographic;
  uint64_t named = 0;  // the EPSG code the keys name for the whole CRS, 0 for none
  if (model == kModelProjected) named = key_code(h, kProjectedCrsKey).value_or(0);
  if (model == kModelGeographic) named = key_code(h, kGeodeticCrsKey).value_or(0);
  ProjPtr horizontal = from_epsg(ctx, named);
  std::string why;
  if (!horizontal) {
    named = 0;
    horizontal = from_definition(ctx, *h.geokeys, why);
    if (!horizontal && why == kNoDefinition && model == kModelProjected) horizontal = engineering(ctx, h);
  }
  if (!horizontal) {
    // Keys that only say PixelIsArea/Point (GDAL writes them for files without a CRS)
    // define no CRS and claim none: no warning then.
    if (model || named) out.problem = why;
    return out;
  }
  ProjPtr crs = std::move(horizontal);
  if (const auto v = key_code(h, kVerticalKey)) {
    if (ProjPtr vertical = from_epsg(ctx, *v)) {
      const std::string name = std::string(proj_get_name(crs.get())) + " + " + proj_get_name(vertical.get());
      ProjPtr compound(proj_create_compound_crs(ctx, name.c_str(), crs.get(), vertical.get()));
      if (compound) {
        crs = std::move(compound);
        named = 0;
      }
    } else if (*v != 0 && *v != kUserDefined) {
      out.problem = "VerticalCSTypeGeoKey " + std::to_string(*v) + " is no vertical CRS in PROJ's EPSG database: "
                    "the CRS is the horizontal one";
    }
  }
  const char* options[] = {"MULTILINE=NO", nullptr};
  const char* json = proj_as_projjson(ctx, crs.get(), options);
  if (json && parquet::is_valid_utf8(json)) {
    out.projjson = json;
  } else {  // never seen: every name in it comes from PROJ's database or the rule above
    out.problem = "PROJ gave no PROJJSON in UTF-8 for the CRS";
    return out;
  }
  out.epsg = named ? std::optional<int64_t>(static_cast<int64_t>(named)) : identify(ctx, crs.get());
  return out;
}

// The cache key: the three GeoKey tags' values as bytes.
std::string key_of(const tiff::Ifd& ifd) {
  std::string key;
  for (uint16_t code : {tag::geo_key_directory, tag::geo_double_params, tag::geo_ascii_params}) {
    const tiff::Tag* t = ifd.find(code);
    key.push_back(static_cast<char>(t ? t->values.index() : 255));
    if (!t) continue;
    std::visit(
        [&key](const auto& v) {
          using V = std::decay_t<decltype(v)>;
          if constexpr (std::is_same_v<V, std::string>) {
            key += v;
          } else if constexpr (!std::is_same_v<V, std::monostate>) {
            key.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0]));
          }
          key.push_back('\x1f');
        },
        t->values);
  }
  return key;
}

// Equal values of the kinds GeoKey tags hold (SHORT, DOUBLE, ASCII, or not loaded).
bool same_values(const tiff::TagValues& a, const tiff::TagValues& b) {
  if (a.index() != b.index()) return false;
  if (const auto* x = std::get_if<std::vector<uint64_t>>(&a)) return *x == std::get<std::vector<uint64_t>>(b);
  if (const auto* x = std::get_if<std::vector<double>>(&a)) return *x == std::get<std::vector<double>>(b);
  if (const auto* x = std::get_if<std::string>(&a)) return *x == std::get<std::string>(b);
  return a.index() == 0;  // both not loaded; any other kind is never taken as the same
}

}  // namespace

void* proj_context() {
  struct Context {
    PJ_CONTEXT* ctx = proj_context_create();
    Context() { proj_log_level(ctx, PJ_LOG_NONE); }
    ~Context() { proj_context_destroy(ctx); }
  };
  thread_local Context context;
  return context.ctx;
}

const tiff::Ifd* geokey_ifd(const tiff::Header& header) {
  if (!header.geokeys) return nullptr;
  for (const tiff::Ifd& ifd : header.ifds)
    if (ifd.find(tag::geo_key_directory)) return &ifd;
  return nullptr;
}

const Crs& crs(const tiff::Header& header) {
  static const Crs none;
  const tiff::Ifd* ifd = geokey_ifd(header);
  if (!ifd) return none;
  // The context first: thread_locals are destroyed in reverse order of construction,
  // and the cached CRSs' PROJ objects must go before the context that made them.
  proj_context();
  // Consecutive objects of a bucket mostly share their GeoKeys: compare with the last
  // ones before building a cache key (the key's bytes cost more than the comparison).
  struct Last {
    std::array<tiff::TagValues, 3> values;
    const Crs* crs = nullptr;
  };
  thread_local Last last;
  constexpr std::array<uint16_t, 3> kTags{tag::geo_key_directory, tag::geo_double_params, tag::geo_ascii_params};
  std::array<const tiff::TagValues*, 3> now{};
  for (size_t i = 0; i < kTags.size(); ++i) {
    const tiff::Tag* t = ifd->find(kTags[i]);
    now[i] = t ? &t->values : nullptr;
  }
  auto same_as_last = [&] {
    for (size_t i = 0; i < kTags.size(); ++i) {
      const tiff::TagValues empty;
      if (!same_values(now[i] ? *now[i] : empty, last.values[i])) return false;
    }
    return true;
  };
  if (last.crs && same_as_last()) return *last.crs;
  thread_local std::unordered_map<std::string, Crs> cache;
  std::string key = key_of(*ifd);
  auto it = cache.find(key);
  if (it == cache.end()) {
    if (cache.size() >= kCacheEntries) cache.clear();
    it = cache.emplace(std::move(key), build(header)).first;
  }
  for (size_t i = 0; i < kTags.size(); ++i) last.values[i] = now[i] ? *now[i] : tiff::TagValues{};
  last.crs = &it->second;
  return it->second;
}

}  // namespace td::catalog
