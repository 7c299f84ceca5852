// json::Document: simdjson parse; on a syntax error, nlohmann re-parses only to find the byte.
#include "formats/json.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace embscope::json {
namespace {

// simdjson reports what is wrong but not where; nlohmann reports the byte. Slow path only.
std::optional<uint64_t> syntax_error_byte(std::string_view text) {
  try {
    const auto parsed = nlohmann::json::parse(text.begin(), text.end());
    (void)parsed;
  } catch (const nlohmann::json::parse_error& e) {
    return e.byte > 0 ? e.byte - 1 : 0;
  } catch (...) {
  }
  return std::nullopt;
}

Error type_error(Element e, const std::string& file, const std::string& where, std::string_view want) {
  return make_error(ErrorKind::Format, file,
                    fmt::format("{}: expected {}, found {}", where, want, type_name(e)));
}

}  // namespace

Result<Document> Document::parse(std::string_view text, std::string path, uint64_t base_offset,
                                 size_t max_depth) {
  const simdjson::padded_string padded(text);
  return parse_padded(text, padded, std::move(path), base_offset, max_depth);
}

Result<Document> Document::parse(const std::string& text, std::string path, uint64_t base_offset,
                                 size_t max_depth) {
  if (text.capacity() - text.size() < simdjson::SIMDJSON_PADDING) {
    return parse(std::string_view(text), std::move(path), base_offset, max_depth);
  }
  return parse_padded(text, simdjson::padded_string_view(text.data(), text.size(), text.capacity()), std::move(path),
                      base_offset, max_depth);
}

Result<Document> Document::parse_padded(std::string_view text, simdjson::padded_string_view padded, std::string path,
                                        uint64_t base_offset, size_t max_depth) {
  if (auto bad = find_invalid_utf8(text)) {
    return make_error_at(ErrorKind::InvalidUtf8, path, base_offset + *bad,
                         "JSON text is not valid UTF-8");
  }
  Document d;
  d.path_ = std::move(path);
  d.parser_ = std::make_unique<simdjson::dom::parser>();
  if (d.parser_->allocate(text.size() + simdjson::SIMDJSON_PADDING, max_depth)) {
    return make_error(ErrorKind::Io, d.path_, "cannot allocate the JSON parser");
  }
  // parse() into the parser's own storage; the padded text can go away (the DOM tape owns
  // copies of all strings).
  auto r = d.parser_->parse(padded);
  if (r.error()) {
    const auto code = r.error();
    std::string msg = fmt::format("invalid JSON ({})", simdjson::error_message(code));
    if (code == simdjson::DEPTH_ERROR) {
      return make_error(ErrorKind::Format, d.path_,
                        fmt::format("JSON nested deeper than {} levels", max_depth));
    }
    if (auto at = syntax_error_byte(text)) return make_error_at(ErrorKind::Format, d.path_, base_offset + *at, msg);
    return make_error(ErrorKind::Format, d.path_, msg);
  }
  d.root_ = r.value_unsafe();
  return d;
}

std::string_view type_name(Element e) {
  switch (e.type()) {
    case simdjson::dom::element_type::ARRAY: return "array";
    case simdjson::dom::element_type::OBJECT: return "object";
    case simdjson::dom::element_type::INT64:
    case simdjson::dom::element_type::UINT64:
    case simdjson::dom::element_type::DOUBLE: return "number";
    case simdjson::dom::element_type::STRING: return "string";
    case simdjson::dom::element_type::BOOL: return "boolean";
    case simdjson::dom::element_type::NULL_VALUE: return "null";
  }
  return "unknown";
}

Result<Object> as_object(Element e, const std::string& file, const std::string& where) {
  Object o;
  if (e.get_object().get(o)) return type_error(e, file, where, "an object");
  return o;
}

Result<Array> as_array(Element e, const std::string& file, const std::string& where) {
  Array a;
  if (e.get_array().get(a)) return type_error(e, file, where, "an array");
  return a;
}

Result<std::string_view> as_string(Element e, const std::string& file, const std::string& where) {
  std::string_view s;
  if (e.get_string().get(s)) return type_error(e, file, where, "a string");
  return s;
}

Result<uint64_t> as_uint(Element e, const std::string& file, const std::string& where) {
  uint64_t v;
  if (e.get_uint64().get(v)) return type_error(e, file, where, "a non-negative integer");
  return v;
}

Result<int64_t> as_int(Element e, const std::string& file, const std::string& where) {
  int64_t v;
  if (e.get_int64().get(v)) return type_error(e, file, where, "an integer");
  return v;
}

Result<double> as_number(Element e, const std::string& file, const std::string& where) {
  double v;
  if (e.get_double().get(v)) return type_error(e, file, where, "a number");
  return v;
}

Result<bool> as_bool(Element e, const std::string& file, const std::string& where) {
  bool v;
  if (e.get_bool().get(v)) return type_error(e, file, where, "a boolean");
  return v;
}

bool find(Object o, std::string_view key, Element& out) {
  return o.at_key(key).get(out) == simdjson::SUCCESS;
}

std::string member(const std::string& where, std::string_view key) {
  bool ident = !key.empty();
  for (char c : key) ident = ident && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  if (ident) return fmt::format("{}.{}", where, key);
  return fmt::format("{}[\"{}\"]", where, escape_for_message(key, 60));
}

std::string index(const std::string& where, size_t i) { return fmt::format("{}[{}]", where, i); }

}  // namespace embscope::json
