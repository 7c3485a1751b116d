#include "row/columns.h"

#include <algorithm>
#include <bitset>
#include <charconv>

#include "catalog/cog.h"
#include "catalog/crs.h"
#include "catalog/gdal_metadata.h"
#include "catalog/geotransform.h"
#include "catalog/image_structure.h"
#include "row/geokeys_column.h"
#include "row/tag_json.h"
#include "row/tag_values.h"
#include "tiff/tags.h"

namespace td::row {
namespace {

using parquet::Logical;
using parquet::Node;
using parquet::Physical;
using parquet::RowSink;
namespace tag = tiff::tag;

// Column types.
Node int64(const char* name) { return Node::primitive(name, Physical::int64, Logical::int64); }
Node float64(const char* name) { return Node::primitive(name, Physical::double_); }
Node string(const char* name) { return Node::string(name); }
Node int_list_of(const char* name) { return Node::list(name, int64("element")); }
Node double_list_of(const char* name) { return Node::list(name, float64("element")); }
Node json_map(const char* name) {
  return Node::map(name, Node::string("key", false), Node::primitive("value", Physical::byte_array, Logical::json));
}

// Fill functions. First-IFD columns read tag self.tags[0] of the first IFD.
template <void (*Get)(const tiff::Ifd&, uint16_t, RowSink&)>
void first_ifd(const FillContext& c, const Column& self, RowSink& out) {
  if (!c.ifd) return out.null();
  Get(*c.ifd, self.tags[0], out);
}

// Values whose JSON text is longer than this become not-loaded markers when the row is
// over its memory budget: short ones cost less than the marker.
constexpr size_t kShortValueJson = 64;

void other_tags(const FillContext& c, const Column&, RowSink& out) {
  if (!c.ifd) return out.null();
  out.begin_map();
  std::bitset<65536> seen;  // no allocation, and O(1) however many tags a hostile IFD holds
  for (const auto& t : c.ifd->tags) {
    // A repeated code keeps its first entry, as the columns (and libtiff) do.
    if (has_own_column(t.code) || seen.test(t.code)) continue;
    seen.set(t.code);
    std::string json = tag_values_json(t);
    if (c.values_shrunk && json.size() > kShortValueJson && t.loaded()) {
      json = not_loaded_json(t);
      ++*c.values_shrunk;
    }
    char code[8];
    const auto written = std::to_chars(code, code + sizeof code, t.code);
    out.bytes(std::string_view(code, static_cast<size_t>(written.ptr - code)));
    out.bytes(json);
  }
  out.end_map();
}

void ifd_summaries(const FillContext& c, const Column&, RowSink& out) {
  if (!c.header) return out.null();
  const auto fields = ifd_fields();
  out.begin_list();
  for (const auto& ifd : c.header->ifds) {
    out.begin_group();
    for (const IfdField& f : fields) f.fill(ifd, f.tag, out);
    out.end_group();
  }
  out.end_list();
}

// A catalog name of the first IFD (catalog/image_structure.h): null when there is none.
template <auto Name>
void first_ifd_name(const FillContext& c, const Column&, RowSink& out) {
  const auto name = c.ifd ? Name(*c.ifd) : decltype(Name(*c.ifd)){};
  if (!name) return out.null();
  out.bytes(*name);
}

void maybe_double(const std::optional<double>& v, RowSink& out) {
  if (!v) return out.null();
  out.float64(*v);
}

void warnings_column(const FillContext& c, const Column&, RowSink& out) {
  if (!c.header) return out.null();
  const uint64_t gcps = georeferencing(c).gcp_count;
  const auto& crs_problem = crs(c).problem;
  footprint(c);
  const std::string& footprint_problem = c.footprint_problem;
  const bool shrunk = c.values_shrunk && *c.values_shrunk > 0;
  if (!shrunk && gcps == 0 && !crs_problem && footprint_problem.empty()) return warnings_value(c.header->warnings, out);
  std::vector<tiff::Warning> warnings = c.header->warnings;
  if (crs_problem) warnings.push_back({"crs_not_built", 0, tiff::tag::geo_key_directory, *crs_problem});
  if (!footprint_problem.empty())
    warnings.push_back({"footprint_not_computed", 0, std::nullopt, footprint_problem + ": bbox and geometry are null"});
  if (gcps > 0)
    warnings.push_back({"transform_from_gcps", 0, tiff::tag::model_tiepoint,
                        "georeferenced by " + std::to_string(gcps) + " tiepoints (ground control points) without "
                        "ModelPixelScale or ModelTransformation: no geotransform, `transform` is null"});
  if (shrunk) {
    warnings.push_back({"value_not_loaded", 0, std::nullopt,
                        std::to_string(*c.values_shrunk) + " values of other_tags are written as not_loaded: the row " +
                            "would take more than " + row_budget_text(*c.header)});
  }
  warnings_value(warnings, out);
}

// resolution_x (Axis 0) or resolution_y (Axis 1): catalog::resolution of the transform.
template <size_t Axis>
void resolution_column(const FillContext& c, const Column&, RowSink& out) {
  const auto& gt = c.header ? georeferencing(c).transform : std::nullopt;
  if (!gt) return out.null();
  out.float64(catalog::resolution(*gt)[Axis]);
}

// ImageWidth and ImageLength of the first IFD, when both are numbers.
std::optional<std::pair<uint64_t, uint64_t>> image_size(const FillContext& c) {
  const tiff::Tag* w = c.ifd ? c.ifd->find(tiff::tag::image_width) : nullptr;
  const tiff::Tag* h = c.ifd ? c.ifd->find(tiff::tag::image_length) : nullptr;
  if (!w || !h || !w->first_uint() || !h->first_uint()) return std::nullopt;
  return std::pair{*w->first_uint(), *h->first_uint()};
}

// A bounding box: struct {xmin, ymin, xmax, ymax} of doubles (GeoParquet 1.1's bbox covering).
Node box_node(const char* name) {
  return Node::group(name, {float64("xmin"), float64("ymin"), float64("xmax"), float64("ymax")});
}

void box_value(const catalog::Box& b, RowSink& out) {
  out.begin_group();
  for (double v : b) out.float64(v);
  out.end_group();
}

// The `bands` column: GDAL_METADATA's per-band items (catalog/gdal_metadata.h).
Node bands_node() {
  return Node::list("bands", Node::group("element", {string("description"), string("unit"), float64("scale"),
                                                     float64("offset"), float64("minimum"), float64("maximum"),
                                                     float64("mean"), float64("stddev"), float64("valid_percent")}));
}

void bands_column(const FillContext& c, const Column&, RowSink& out) {
  const tiff::Tag* t = c.ifd ? c.ifd->find(tag::gdal_metadata) : nullptr;
  const auto* xml = t ? std::get_if<std::string>(&t->values) : nullptr;
  // Most GDAL_METADATA blocks hold only dataset items: skip the XML parse for them.
  if (!xml || xml->find("sample=") == std::string::npos) return out.null();
  const auto bands = catalog::band_metadata(*xml, catalog::band_count(*c.ifd).value_or(0));
  if (bands.empty()) return out.null();
  out.begin_list();
  for (const catalog::BandMetadata& b : bands) {
    out.begin_group();
    if (b.description) text(*b.description, out); else out.null();
    if (b.unit) text(*b.unit, out); else out.null();
    for (const auto& v : {b.scale, b.offset, b.minimum, b.maximum, b.mean, b.stddev, b.valid_percent}) maybe_double(v, out);
    out.end_group();
  }
  out.end_list();
}

// The `cog` column: GDAL's COG checks on the header (catalog/cog.h).
Node findings_node(const char* name) {
  return Node::list(name, Node::group("element", {Node::string("code", false), Node::string("message", false)}, false));
}
Node cog_node() {
  return Node::group("cog", {Node::primitive("valid", Physical::boolean), findings_node("errors"),
                             findings_node("warnings"), Node::list("not_checked", Node::string("element", false))});
}

void findings(const std::vector<catalog::CogFinding>& list, RowSink& out) {
  out.begin_list();
  for (const catalog::CogFinding& f : list) {
    out.begin_group();
    text(f.code, out);
    text(f.message, out);
    out.end_group();
  }
  out.end_list();
}

void cog_column(const FillContext& c, const Column&, RowSink& out) {
  if (!c.ifd) return out.null();
  const catalog::CogVerdict v = catalog::cog_verdict(*c.header, pyramid(c));
  out.begin_group();
  out.boolean(v.valid);
  findings(v.errors, out);
  findings(v.warnings, out);
  out.begin_list();
  for (const std::string& code : v.not_checked) text(code, out);
  out.end_list();
  out.end_group();
}

// The `blocks` column: where the image data lies against the object (catalog/cog.h).
Node blocks_node() {
  return Node::group("blocks", {int64("count"), int64("sparse"), int64("past_object_end"), int64("overlapping"),
                                int64("shared")});
}

void blocks_column(const FillContext& c, const Column&, RowSink& out) {
  if (!c.ifd) return out.null();
  const catalog::BlockIntegrity b = catalog::block_integrity(*c.header, c.outcome.object.size);
  out.begin_group();
  out.int64(static_cast<int64_t>(b.count));
  out.int64(static_cast<int64_t>(b.sparse));
  opt_int(b.past_object_end, out);
  out.int64(static_cast<int64_t>(b.overlapping));
  out.int64(static_cast<int64_t>(b.shared));
  out.end_group();
}

std::vector<Column> make_columns() {
  std::vector<Column> t;
  auto add = [&t](Node node, const char* meaning, std::vector<uint16_t> tags,
                  void (*fill)(const FillContext&, const Column&, RowSink&)) {
    t.push_back(Column{std::move(node), meaning, std::move(tags), fill});
  };
  auto first_string = [&](const char* name, uint16_t code, const char* what) {
    add(string(name), what, {code}, first_ifd<opt_string>);
  };
  auto first_int = [&](const char* name, uint16_t code, const char* what) {
    add(int64(name), what, {code}, first_ifd<opt_int>);
  };
  // The listing.
  add(Node::string("path", false),
      "key relative to the store root (or the `--keys` line); bytes that are not UTF-8 escaped as `\\xHH`, "
      "see \"Reliability guarantees\"",
      {}, [](const FillContext& c, const Column&, RowSink& out) { out.bytes(path_text(c.outcome)); });
  add(int64("size"), "object size in bytes, from the listing", {},
      [](const FillContext& c, const Column&, RowSink& out) { opt_int(c.outcome.object.size, out); });
  add(Node::primitive("last_modified", Physical::int64, Logical::timestamp_ms_utc),
      "last modification time, from the listing", {}, [](const FillContext& c, const Column&, RowSink& out) {
        const auto& ms = c.outcome.object.last_modified_ms;
        if (!ms) return out.null();
        out.int64(*ms);
      });
  add(string("etag"), "entity tag, from the listing (null for local files)", {},
      [](const FillContext& c, const Column&, RowSink& out) {
        const auto& e = c.outcome.object.etag;
        if (!e) return out.null();
        text(*e, out);
      });
  // The reference tool's columns, from the first IFD.
  first_string("artist", tag::artist, "first IFD: Artist (315)");
  first_string("copyright", tag::copyright, "first IFD: Copyright (33432)");
  first_string("date_time", tag::date_time, "first IFD: DateTime (306)");
  first_string("document_name", tag::document_name, "first IFD: DocumentName (269)");
  first_string("host_computer", tag::host_computer, "first IFD: HostComputer (316)");
  first_string("image_description", tag::image_description, "first IFD: ImageDescription (270)");
  first_string("software", tag::software, "first IFD: Software (305)");
  add(int_list_of("bits_per_sample"), "first IFD: BitsPerSample (258)", {tag::bits_per_sample}, first_ifd<int_list>);
  add(int_list_of("sample_format"), "first IFD: SampleFormat (339)", {tag::sample_format}, first_ifd<int_list>);
  add(int_list_of("extra_samples"), "first IFD: ExtraSamples (338)", {tag::extra_samples}, first_ifd<int_list>);
  first_int("compression", tag::compression, "first IFD: Compression (259)");
  first_int("image_height", tag::image_length, "first IFD: ImageLength (257)");
  first_int("image_width", tag::image_width, "first IFD: ImageWidth (256)");
  first_int("new_subfile_type", tag::new_subfile_type, "first IFD: NewSubfileType (254)");
  first_int("orientation", tag::orientation, "first IFD: Orientation (274)");
  first_int("photometric_interpretation", tag::photometric_interpretation, "first IFD: PhotometricInterpretation (262)");
  first_int("planar_configuration", tag::planar_configuration, "first IFD: PlanarConfiguration (284)");
  first_int("predictor", tag::predictor, "first IFD: Predictor (317)");
  first_int("resolution_unit", tag::resolution_unit, "first IFD: ResolutionUnit (296)");
  first_int("rows_per_strip", tag::rows_per_strip, "first IFD: RowsPerStrip (278)");
  first_int("samples_per_pixel", tag::samples_per_pixel, "first IFD: SamplesPerPixel (277)");
  first_int("tile_height", tag::tile_length, "first IFD: TileLength (323)");
  first_int("tile_width", tag::tile_width, "first IFD: TileWidth (322)");
  first_int("max_sample_value", tag::max_sample_value, "first IFD: MaxSampleValue (281)");
  first_int("min_sample_value", tag::min_sample_value, "first IFD: MinSampleValue (280)");
  add(float64("x_resolution"), "first IFD: XResolution (282)", {tag::x_resolution}, first_ifd<opt_double>);
  add(float64("y_resolution"), "first IFD: YResolution (283)", {tag::y_resolution}, first_ifd<opt_double>);
  add(Node::primitive("jpeg_tables", Physical::byte_array), "first IFD: JPEGTables (347)", {tag::jpeg_tables},
      first_ifd<bytes>);
  add(double_list_of("model_pixel_scale"), "first IFD: ModelPixelScaleTag (33550)", {tag::model_pixel_scale},
      first_ifd<double_list>);
  add(double_list_of("model_tiepoint"), "first IFD: ModelTiepointTag (33922)", {tag::model_tiepoint},
      first_ifd<double_list>);
  add(double_list_of("model_transformation"), "first IFD: ModelTransformationTag (34264)",
      {tag::model_transformation}, first_ifd<double_list>);
  add(geokeys_node("geokeys"),
      "every GeoTIFF 1.1 key by name (`model_type`, `projected_type`, `citation`, …), plus `unknown` (map id → JSON); "
      "a repeated key gives the last entry (earlier ones in `unknown`), as libgeotiff; see \"What is kept when a file is damaged\"",
      {tag::geo_key_directory, tag::geo_double_params, tag::geo_ascii_params},
      [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.header) return out.null();
        geokeys_value(c.header->geokeys, out);
      });
  add(json_map("other_tags"), "every other tag of the first IFD, by code (e.g. `42113` GDAL_NODATA), arrays in full; a value that was "
      "not loaded is `{\"not_loaded\": {\"type\": \"BYTE\", \"count\": 15198}}` (TIFF 6.0 type name), never null", {},
      other_tags);
  // Whole-file facts.
  add(string("byte_order"), "`II` (little-endian) or `MM` (big-endian)", {}, [](const FillContext& c, const Column&, RowSink& out) {
    if (!c.header) return out.null();
    out.bytes(c.header->byte_order == tiff::ByteOrder::little ? "II" : "MM");
  });
  add(Node::primitive("bigtiff", Physical::boolean), "whether the file is a BigTIFF", {},
      [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.header) return out.null();
        out.boolean(c.header->bigtiff);
      });
  add(int64("ifd_count"), "number of IFDs in the main chain (tifffile's `len(tif.pages)`); SubIFDs not counted",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.header) return out.null();
        const auto& ifds = c.header->ifds;
        out.int64(std::count_if(ifds.begin(), ifds.end(), [](const tiff::Ifd& i) { return !i.parent; }));
      });
  {
    std::vector<Node> fields;
    std::string names;
    for (const IfdField& f : ifd_fields()) {
      fields.push_back(f.node);
      names += (names.empty() ? "" : ", ") + f.node.name;
    }
    const std::string meaning = "every IFD read, main chain in order with each IFD's SubIFDs (tag 330) after it: " + names;
    t.push_back(Column{Node::list("ifds", Node::group("element", std::move(fields))), meaning, {}, ifd_summaries});
  }
  add(string("gdal_structural_metadata"), "GDAL's COG layout block, when present", {},
      [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.header || !c.header->gdal_structural_metadata) return out.null();
        text(*c.header->gdal_structural_metadata, out);
      });
  add(int64("header_bytes"),
      "bytes from the start of the file to the end of the last metadata byte: file header, every IFD, every "
      "tag value, strip/tile offset and byte-count arrays included (see \"`header_bytes` and `first_data_offset`\")",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.header) return out.null();
        out.int64(static_cast<int64_t>(c.header->metadata_end));
      });
  add(int64("first_data_offset"),
      "smallest non-zero strip/tile offset whose byte count is non-zero, over every IFD (empty tiles skipped); "
      "null when no IFD has image data",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.header) return out.null();
        opt_int(c.header->first_data_offset, out);
      });
  // The catalog: the first IFD (the main image) in GDAL's terms (catalog/image_structure.h),
  // TIFF 6.0 defaults applied where a tag is absent.
  add(string("compression_name"),
      "GDAL's name of the main image's compression (`NONE`, `LZW`, `JPEG`, `DEFLATE`, `ZSTD`, `WEBP`, "
      "`LERC_DEFLATE`, …; `NONE` when Compression is absent; an unnamed code as its number)",
      {}, first_ifd_name<catalog::compression_name>);
  add(string("data_type"),
      "GDAL's data type of the main image's samples (`Byte`, `Int8`, `UInt16`, `Int16`, `UInt32`, `Int32`, `UInt64`, "
      "`Int64`, `Float32`, `Float64`, `CInt16`, `CInt32`, `CFloat32`, `CFloat64`); null when GDAL could not read it",
      {}, first_ifd_name<catalog::data_type>);
  add(int64("band_count"), "bands of the main image: SamplesPerPixel (1 when absent)", {},
      [](const FillContext& c, const Column&, RowSink& out) {
        opt_int(c.ifd ? catalog::band_count(*c.ifd) : std::nullopt, out);
      });
  add(Node::primitive("tiled", Physical::boolean), "whether the main image is tiled (TileWidth or TileLength present), "
      "else in strips", {}, [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.ifd) return out.null();
        out.boolean(catalog::tiled(*c.ifd));
      });
  add(int64("overview_count"),
      "reduced-resolution images of the main image, as GDAL counts them (masks and other pages excluded)", {},
      [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.ifd) return out.null();
        out.int64(static_cast<int64_t>(pyramid(c).overviews.size()));
      });
  add(Node::primitive("has_mask", Physical::boolean),
      "whether the main image has an internal transparency mask (an IFD with NewSubfileType bit 4), as GDAL finds it",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.ifd) return out.null();
        out.boolean(pyramid(c).mask.has_value());
      });
  add(float64("nodata"), "GDAL_NODATA (42113) as a number, as GDAL reads it (`nan`, `inf`, `-inf` understood)",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        maybe_double(c.ifd ? catalog::nodata(*c.ifd) : std::nullopt, out);
      });
  add(double_list_of("transform"),
      "the geotransform in GDAL's order [x0, dx/dcol, dx/drow, y0, dy/dcol, dy/drow] (pixel corner, CRS units), "
      "from ModelPixelScale + ModelTiepoint or ModelTransformation, PixelIsPoint shifted as GDAL does; null when "
      "there is none (a file georeferenced by several tiepoints has a `transform_from_gcps` warning)",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        const auto gt = c.header ? georeferencing(c).transform : std::nullopt;
        if (!gt) return out.null();
        out.begin_list();
        for (double v : *gt) out.float64(v);
        out.end_list();
      });
  add(float64("resolution_x"), "pixel width in CRS units: hypot(transform[1], transform[4]), always positive", {},
      resolution_column<0>);
  add(float64("resolution_y"), "pixel height in CRS units: hypot(transform[2], transform[5]), always positive", {},
      resolution_column<1>);
  add(int64("crs_epsg"),
      "EPSG code of the CRS: the one the GeoKeys name, or the one PROJ identifies their definition as with 100 % "
      "confidence; null for a compound CRS without a code and for user-defined CRSs that match none",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        const auto& epsg = c.header ? crs(c).epsg : std::nullopt;
        if (!epsg) return out.null();
        out.int64(*epsg);
      });
  add(Node::primitive("crs_projjson", Physical::byte_array, Logical::json),
      "the CRS as PROJJSON (built by libgeotiff and PROJ; a vertical CRS makes it compound); null when the file has "
      "no GeoKeys, or with a `crs_not_built` warning when they define none",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        const auto& json = c.header ? crs(c).projjson : std::nullopt;
        if (!json) return out.null();
        out.bytes(*json);
      });
  add(box_node("native_bbox"), "the image's extent in its own CRS: min and max of the four corners through `transform`",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        const auto& gt = c.header ? georeferencing(c).transform : std::nullopt;
        const auto size = image_size(c);
        if (!gt || !size) return out.null();
        box_value(catalog::native_bbox(*gt, size->first, size->second), out);
      });
  add(box_node("bbox"),
      "the footprint's bounding box in WGS 84 longitude/latitude (CRS84); across the antimeridian xmin > xmax "
      "(GeoParquet 1.1); the GeoParquet covering of `geometry`",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        const auto& f = c.header ? footprint(c) : std::nullopt;
        if (!f) return out.null();
        box_value(f->bbox, out);
      });
  add(Node::primitive("geometry", Physical::byte_array),
      "the image's outline in CRS84 as WKB (GeoParquet 1.1 primary geometry): a Polygon with densified edges, or a "
      "MultiPolygon split at the antimeridian; null with a `footprint_not_computed` warning when PROJ cannot place it",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        const auto& f = c.header ? footprint(c) : std::nullopt;
        if (!f) return out.null();
        out.bytes(f->wkb);
      });
  add(bands_node(),
      "per band, from GDAL_METADATA (42112): {description, unit, scale, offset, minimum, maximum, mean, stddev, "
      "valid_percent}; element i is band i + 1; null when the file has none",
      {}, bands_column);
  add(cog_node(),
      "the COG verdict of GDAL's validate_cloud_optimized_geotiff.py from the header: {valid, errors, warnings: "
      "[{code, message}], not_checked: the declared checks that need image data}; codes in docs/reading-rules.md",
      {}, cog_column);
  add(blocks_node(),
      "the strip/tile byte ranges of every IFD: {count, sparse (empty), past_object_end (ranges past the object's "
      "size: a truncated upload; null when the size is unknown), overlapping, shared (equal to another)}",
      {}, blocks_column);
  // What reading this header cost.
  add(int64("requests"), "read requests made for this object", {}, [](const FillContext& c, const Column&, RowSink& out) {
    out.int64(static_cast<int64_t>(c.outcome.cost.requests));
  });
  add(int64("bytes_read"), "bytes read for this object", {}, [](const FillContext& c, const Column&, RowSink& out) {
    out.int64(static_cast<int64_t>(c.outcome.cost.bytes_read));
  });
  add(string("error_kind"),
      "null on success; otherwise `not_tiff`, `truncated`, `limit_exceeded`, `invalid_value`, "
      "`not_found`, `permission_denied`, `not_a_file` (a key names a directory, FIFO, socket or device), `io`, "
      "`unwritable_row` (the Parquet writer refused the object's row; this row, with only its path, size, "
      "last_modified, etag and costs, stands in)",
      {}, [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.error) return out.null();
        out.bytes(error_kind_name(c.error->kind));
      });
  add(string("error"), "what went wrong, null on success", {},
      [](const FillContext& c, const Column&, RowSink& out) {
        if (!c.error) return out.null();
        text(c.error->message, out);
      });
  // Filled after other_tags, whose over-budget markers it reports.
  add(Node::list("warnings", Node::group("element", {Node::string("kind", false),
                                                     Node::primitive("ifd", Physical::int32, Logical::int32, false),
                                                     Node::primitive("tag", Physical::int32, Logical::int32),
                                                     Node::string("message", false)})),
      "what was skipped while the rest was kept: list of {kind, ifd, tag, message} (see \"What is kept when a "
      "file is damaged\"); null when nothing was",
      {}, warnings_column);
  return t;
}

std::vector<IfdField> make_ifd_fields() {
  auto i = [](const char* name, uint16_t code) { return IfdField{int64(name), code, opt_int}; };
  auto l = [](const char* name, uint16_t code) { return IfdField{int_list_of(name), code, int_list}; };
  // Where the IFD came from (tiff::Ifd): its main-chain index, or for a SubIFD the index in
  // `ifds` of its parent and its position in the parent's SubIFDs (null for main-chain IFDs).
  auto origin = [](const char* name, void (*fill)(const tiff::Ifd&, uint16_t, RowSink&)) {
    return IfdField{int64(name), 0, fill};
  };
  // The origin fields come last, so the fields older files had keep their positions.
  return {i("width", tag::image_width), i("height", tag::image_length), i("tile_width", tag::tile_width),
          i("tile_height", tag::tile_length), i("new_subfile_type", tag::new_subfile_type),
          i("compression", tag::compression), i("photometric_interpretation", tag::photometric_interpretation),
          i("samples_per_pixel", tag::samples_per_pixel), l("bits_per_sample", tag::bits_per_sample),
          l("sample_format", tag::sample_format), i("planar_configuration", tag::planar_configuration),
          i("predictor", tag::predictor),
          origin("chain_index", [](const tiff::Ifd& d, uint16_t, RowSink& out) { out.int64(d.chain_index); }),
          origin("parent", [](const tiff::Ifd& d, uint16_t, RowSink& out) { opt_int(d.parent, out); }),
          origin("subifd_index", [](const tiff::Ifd& d, uint16_t, RowSink& out) { opt_int(d.subifd_index, out); })};
}

}  // namespace

const catalog::Georeferencing& georeferencing(const FillContext& c) {
  if (!c.georeferencing_memo) c.georeferencing_memo = catalog::georeferencing(*c.header);
  return *c.georeferencing_memo;
}

const catalog::Pyramid& pyramid(const FillContext& c) {
  if (!c.pyramid_memo) c.pyramid_memo = catalog::pyramid(*c.header);
  return *c.pyramid_memo;
}

const catalog::Crs& crs(const FillContext& c) {
  if (!c.crs_memo) c.crs_memo = &catalog::crs(*c.header);
  return *c.crs_memo;
}

const std::optional<catalog::Footprint>& footprint(const FillContext& c) {
  if (!c.footprint_done) {
    c.footprint_done = true;
    const auto& gt = georeferencing(c).transform;
    if (const auto size = image_size(c); gt && size)
      c.footprint_memo = catalog::footprint(*gt, size->first, size->second, crs(c), c.footprint_problem);
  }
  return c.footprint_memo;
}

bool has_catalog_warnings(const FillContext& c) {
  if (!c.header) return false;
  footprint(c);
  return georeferencing(c).gcp_count > 0 || crs(c).problem || !c.footprint_problem.empty();
}

std::span<const Column> columns() {
  static const std::vector<Column> table = make_columns();
  return table;
}

std::span<const IfdField> ifd_fields() {
  static const std::vector<IfdField> fields = make_ifd_fields();
  return fields;
}

bool has_own_column(uint16_t code) {
  static const std::bitset<65536> own = [] {
    std::bitset<65536> bits;
    for (const Column& c : columns())
      for (uint16_t t : c.tags) bits.set(t);
    return bits;
  }();
  return own.test(code) || tiff::is_data_array_tag(code);
}

}  // namespace td::row
