#include "cli/brief_text.h"

#include <cstdint>
#include <cstdio>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

namespace td::cli {

namespace {

using Json = nlohmann::ordered_json;

constexpr size_t kLabelWidth = 14;
constexpr size_t kMaxBands = 8;
constexpr size_t kMaxWarnings = 3;
constexpr size_t kMaxMessage = 160;

// Control characters written as \xHH: a path or message must not move the
// cursor or clear the terminal it is printed on.
std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "\\x%02X", c);
      out += hex;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

// The column's value, or null when the row lacks it.
const Json& field(const Json& row, const char* name) {
  static const Json null_value;
  if (!row.is_object()) return null_value;
  auto it = row.find(name);
  return it == row.end() ? null_value : *it;
}

std::string format_double(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

// A number as a person reads it: integers in full, doubles with 10 significant
// digits; row_to_json's "NaN"/"Infinity" spellings as they are.
std::string number(const Json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<int64_t>());
  if (v.is_number()) return format_double(v.get<double>(), 10);
  if (v.is_string()) return printable(v.get<std::string>());
  return "?";
}

// Degrees with 6 decimals (about 0.1 m), trailing zeros dropped.
std::string degrees(const Json& v) {
  if (!v.is_number()) return number(v);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6f", v.get<double>());
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string bytes_text(int64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " bytes";
  static const char* units[] = {"KiB", "MiB", "GiB", "TiB", "PiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(units)) {
    value /= 1024;
    ++unit;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.1f %s (%lld bytes)", value, units[unit], static_cast<long long>(bytes));
  return buf;
}

// Appends "  LABEL<pad>first" and each further line indented under it.
void add(std::string& out, const std::string& label, const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string head = i == 0 ? label : "";
    head.resize(kLabelWidth, ' ');
    out += "  " + head + lines[i] + "\n";
  }
}

void add(std::string& out, const std::string& label, const std::string& line) { add(out, label, std::vector{line}); }

std::string size_line(const Json& row) {
  std::vector<std::string> parts;
  if (const Json& size = field(row, "size"); size.is_number_integer()) parts.push_back(bytes_text(size.get<int64_t>()));
  const Json& bigtiff = field(row, "bigtiff");
  if (bigtiff.is_boolean()) parts.push_back(bigtiff.get<bool>() ? "BigTIFF" : "classic TIFF");
  const Json& order = field(row, "byte_order");
  if (order == "II") parts.push_back("little-endian");
  if (order == "MM") parts.push_back("big-endian");
  std::string line;
  for (const auto& p : parts) line += (line.empty() ? "" : ", ") + p;
  return line;
}

std::string image_line(const Json& row) {
  std::string line = number(field(row, "image_width")) + " x " + number(field(row, "image_height"));
  const Json& bands = field(row, "band_count");
  const Json& type = field(row, "data_type");
  bool one = bands.is_number_integer() && bands.get<int64_t>() == 1;
  line += ", " + number(bands) + (one ? " band" : " bands");
  line += type.is_string() ? " of " + printable(type.get<std::string>()) : " (data type unknown)";
  const Json& tiled = field(row, "tiled");
  if (tiled == true) {
    line += ", tiled " + number(field(row, "tile_width")) + " x " + number(field(row, "tile_height"));
  } else if (tiled == false) {
    const Json& rows = field(row, "rows_per_strip");
    // RowsPerStrip absent: TIFF 6.0's default, the whole image in one strip.
    line += rows.is_null() ? ", one strip" : ", strips of " + number(rows) + " rows";
  }
  if (const Json& name = field(row, "compression_name"); name.is_string()) {
    line += ", " + printable(name.get<std::string>());
  }
  return line;
}

std::string overviews_line(const Json& row) {
  const Json& count = field(row, "overview_count");
  std::string line = count.is_number_integer() && count.get<int64_t>() == 0 ? "none" : number(count);
  if (field(row, "has_mask") == true) line += " (+ internal mask)";
  return line;
}

// The CRS: "EPSG:CODE NAME", the name from crs_projjson.
std::string crs_line(const Json& row) {
  const Json& epsg = field(row, "crs_epsg");
  const Json& projjson = field(row, "crs_projjson");
  std::string name;
  if (projjson.is_object()) {
    if (auto it = projjson.find("name"); it != projjson.end() && it->is_string()) name = printable(it->get<std::string>());
  }
  std::string line = epsg.is_number_integer() ? "EPSG:" + number(epsg) : "";
  if (!name.empty()) line += (line.empty() ? "" : " ") + name;
  if (line.empty()) line = projjson.is_null() ? "none" : "(unnamed)";
  return line;
}

// The unit of the CRS's first axis as PROJJSON names it ("metre", "degree"), else "CRS units".
std::string crs_unit(const Json& row) {
  const Json& projjson = field(row, "crs_projjson");
  if (!projjson.is_object()) return "CRS units";
  auto cs = projjson.find("coordinate_system");
  if (cs == projjson.end() || !cs->is_object()) return "CRS units";
  auto axes = cs->find("axis");
  if (axes == cs->end() || !axes->is_array() || axes->empty() || !(*axes)[0].is_object()) return "CRS units";
  auto unit = (*axes)[0].find("unit");
  if (unit == (*axes)[0].end()) return "CRS units";
  if (unit->is_string()) return printable(unit->get<std::string>());
  if (unit->is_object() && unit->contains("name") && (*unit)["name"].is_string()) {
    return printable((*unit)["name"].get<std::string>());
  }
  return "CRS units";
}

std::string range(const Json& box, const char* axis_x, const char* axis_y, std::string (*fmt)(const Json&)) {
  return std::string(axis_x) + " " + fmt(field(box, "xmin")) + ".." + fmt(field(box, "xmax")) + ", " + axis_y + " " +
         fmt(field(box, "ymin")) + ".." + fmt(field(box, "ymax"));
}

// One band: 1: "red" unit m scale 0.01 offset 0 min 0 max 10000 (only what the file gives).
std::string band_line(size_t index, const Json& band) {
  std::string line = std::to_string(index + 1) + ":";
  size_t bare = line.size();
  if (const Json& d = field(band, "description"); d.is_string()) line += " \"" + printable(d.get<std::string>()) + "\"";
  if (const Json& u = field(band, "unit"); u.is_string()) line += " unit " + printable(u.get<std::string>());
  static constexpr std::pair<const char*, const char*> kNumbers[] = {
      {"scale", "scale"}, {"offset", "offset"}, {"minimum", "min"}, {"maximum", "max"}};
  for (const auto& [key, label] : kNumbers) {
    if (const Json& v = field(band, key); !v.is_null()) line += std::string(" ") + label + " " + number(v);
  }
  if (line.size() == bare) line += " (no metadata)";
  return line;
}

std::vector<std::string> bands_lines(const Json& bands) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < bands.size() && i < kMaxBands; ++i) lines.push_back(band_line(i, bands[i]));
  if (bands.size() > kMaxBands) lines.push_back("… " + std::to_string(bands.size() - kMaxBands) + " more");
  return lines;
}

std::string shorten(std::string text) {
  if (text.size() <= kMaxMessage) return text;
  size_t cut = kMaxMessage;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;  // not inside a UTF-8 sequence
  return text.substr(0, cut) + "…";
}

std::vector<std::string> warnings_lines(const Json& warnings) {
  std::vector<std::string> lines;
  for (size_t i = 0; i < warnings.size() && i < kMaxWarnings; ++i) {
    const Json& w = warnings[i];
    const Json& kind = field(w, "kind");
    const Json& message = field(w, "message");
    std::string line = kind.is_string() ? printable(kind.get<std::string>()) : "?";
    if (message.is_string()) line += " (" + shorten(printable(message.get<std::string>())) + ")";
    lines.push_back(line);
  }
  if (warnings.size() > kMaxWarnings) lines.push_back("… " + std::to_string(warnings.size() - kMaxWarnings) + " more");
  return lines;
}

// The COG verdict, then one line per finding: "valid", "not valid", the messages.
std::vector<std::string> cog_lines(const Json& cog) {
  const Json& valid = field(cog, "valid");
  std::vector<std::string> lines{valid == true ? "valid" : valid == false ? "not valid" : "?"};
  for (const char* list : {"errors", "warnings"}) {
    const Json& findings = field(cog, list);
    if (!findings.is_array()) continue;
    for (const Json& f : findings) {
      const Json& code = field(f, "code");
      const Json& message = field(f, "message");
      lines.push_back(std::string(list[0] == 'e' ? "error " : "warning ") +
                      (code.is_string() ? printable(code.get<std::string>()) : "?") + ": " +
                      (message.is_string() ? shorten(printable(message.get<std::string>())) : "?"));
    }
  }
  if (const Json& skipped = field(cog, "not_checked"); skipped.is_array() && !skipped.empty()) {
    std::string line = "not checked (needs image data):";
    for (const Json& code : skipped) line += " " + (code.is_string() ? printable(code.get<std::string>()) : "?");
    lines.push_back(line);
  }
  return lines;
}

// "36", or "36 (4 empty), 3 past the end of the object, 1 overlapping, 2 shared".
std::string blocks_line(const Json& blocks) {
  std::string line = number(field(blocks, "count"));
  auto positive = [&](const char* key) {
    const Json& v = field(blocks, key);
    return v.is_number_integer() && v.get<int64_t>() > 0;
  };
  if (positive("sparse")) line += " (" + number(field(blocks, "sparse")) + " empty)";
  if (positive("past_object_end"))
    line += ", " + number(field(blocks, "past_object_end")) + " past the end of the object (truncated?)";
  if (positive("overlapping")) line += ", " + number(field(blocks, "overlapping")) + " overlapping";
  if (positive("shared")) line += ", " + number(field(blocks, "shared")) + " shared";
  return line;
}

std::string header_line(const Json& row) {
  std::string line = "header_bytes " + number(field(row, "header_bytes"));
  const Json& first = field(row, "first_data_offset");
  line += first.is_null() ? ", no image data" : ", first data at " + number(first);
  return line;
}

}  // namespace

std::string brief_text(const nlohmann::ordered_json& row) {
  const Json& path = field(row, "path");
  std::string out = (path.is_string() ? printable(path.get<std::string>()) : "?") + "\n";
  if (std::string size = size_line(row); !size.empty()) add(out, "size", size);
  if (const Json& kind = field(row, "error_kind"); !kind.is_null()) {
    const Json& error = field(row, "error");
    add(out, "error", number(kind) + ": " + (error.is_string() ? printable(error.get<std::string>()) : "?"));
    return out;
  }
  add(out, "image", image_line(row));
  add(out, "overviews", overviews_line(row));
  if (const Json& nodata = field(row, "nodata"); !nodata.is_null()) add(out, "nodata", number(nodata));
  add(out, "crs", crs_line(row));
  const Json& rx = field(row, "resolution_x");
  const Json& ry = field(row, "resolution_y");
  if (!rx.is_null() || !ry.is_null()) add(out, "resolution", number(rx) + " x " + number(ry) + " (" + crs_unit(row) + ")");
  if (const Json& box = field(row, "native_bbox"); box.is_object()) add(out, "extent", range(box, "x", "y", number));
  if (const Json& box = field(row, "bbox"); box.is_object()) {
    std::string line = range(box, "lon", "lat", degrees);
    const Json& xmin = field(box, "xmin");
    const Json& xmax = field(box, "xmax");
    if (xmin.is_number() && xmax.is_number() && xmin.get<double>() > xmax.get<double>()) {
      line += " (crosses the antimeridian)";
    }
    add(out, "wgs84 bbox", line);
  }
  if (const Json& bands = field(row, "bands"); bands.is_array() && !bands.empty()) add(out, "bands", bands_lines(bands));
  if (const Json& cog = field(row, "cog"); cog.is_object()) add(out, "cog", cog_lines(cog));
  if (const Json& blocks = field(row, "blocks"); blocks.is_object()) add(out, "blocks", blocks_line(blocks));
  add(out, "header", header_line(row));
  if (const Json& warnings = field(row, "warnings"); warnings.is_array() && !warnings.empty()) {
    add(out, "warnings", warnings_lines(warnings));
  }
  return out;
}

std::string brief_error_text(const std::string& path, const Error& error) {
  std::string out = printable(path) + "\n";
  add(out, "error", printable(error.describe()));
  return out;
}

}  // namespace td::cli
