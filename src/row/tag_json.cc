#include "row/tag_json.h"

#include <nlohmann/json.hpp>

#include <charconv>

#include "row/tag_values.h"

namespace td::row {
namespace {

template <typename Int>
void append_int(std::string& out, Int v) {
  char buf[24];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// [a,b,...], or the bare value when there is exactly one.
template <typename Items, typename Write>
void append_array(std::string& out, const Items& items, Write write) {
  if (items.size() != 1) out.push_back('[');
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out.push_back(',');
    write(items[i]);
  }
  if (items.size() != 1) out.push_back(']');
}

}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  static const char kHex[] = "0123456789abcdef";
  out.reserve(out.size() + text.size() + 2);
  out.push_back('"');
  size_t run = 0;  // start of the bytes not yet copied
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\') continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        out += "\\u00";
        out.push_back(kHex[c >> 4]);
        out.push_back(kHex[c & 15]);
    }
  }
  out.append(text.data() + run, text.size() - run);
  out.push_back('"');
}

std::string not_loaded_json(const tiff::Tag& t) {
  const char* type = tiff::field_type_name(t.type_code);
  return std::string(R"({"not_loaded":{"type":")") + (type ? type : std::to_string(t.type_code)) +
         R"(","count":)" + std::to_string(t.count) + "}}";
}

std::string tag_values_json(const tiff::Tag& t) {
  // Integers (most tags) are written directly: building an nlohmann tree per
  // tag, dumping it, cost more than the rest of the tag's row work; so is text
  // (append_json_string). Floating point keeps nlohmann's shortest round-trip doubles.
  std::string out;
  std::visit(
      [&out, &t](const auto& v) {
        using V = std::decay_t<decltype(v)>;
        if constexpr (std::is_same_v<V, std::monostate>) {
          out = not_loaded_json(t);
        } else if constexpr (std::is_same_v<V, std::vector<tiff::Rational>>) {
          append_array(out, v, [&out](const tiff::Rational& r) {
            out.push_back('[');
            append_int(out, r.numerator);
            out.push_back(',');
            append_int(out, r.denominator);
            out.push_back(']');
          });
        } else if constexpr (std::is_same_v<V, std::vector<uint64_t>> || std::is_same_v<V, std::vector<int64_t>> ||
                             std::is_same_v<V, std::vector<uint8_t>>) {
          append_array(out, v, [&out](auto x) { append_int(out, x + 0); });  // + 0: uint8_t as a number
        } else if constexpr (std::is_same_v<V, std::string>) {
          append_json_string(out, utf8(v));  // the one text rule: valid UTF-8, bytes recoverable
        } else {  // std::vector<double>
          nlohmann::json j = v;
          if (j.is_array() && j.size() == 1) j = j[0];
          out = j.dump();
        }
      },
      t.values);
  return out;
}

}  // namespace td::row
