// JSON input for format parsers: simdjson DOM for speed (tokenizer.json reaches 33 MB), with
// errors that name the file, the byte offset of a syntax error, and the JSON path of a value
// of the wrong type ("tokenizer.json: $.model.merges[3]: expected string, found number").
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "core/error.h"

namespace embscope::json {

using Element = simdjson::dom::element;
using Object = simdjson::dom::object;
using Array = simdjson::dom::array;

// Owns the parser and the parsed document. Move-only; elements point into it.
class Document {
 public:
  // Parses `text` (must outlive nothing: it is copied into padded storage). Nesting deeper
  // than `max_depth` is an error. `base_offset` is added to reported syntax-error offsets
  // (the safetensors header starts at byte 8).
  static Result<Document> parse(std::string_view text, std::string path, uint64_t base_offset = 0,
                                size_t max_depth = 128);
  // The same for a whole string; when its capacity leaves simdjson's padding past the end (as
  // read_file reserves), it is parsed in place instead of copied (Gemma 3's file is 33 MB).
  static Result<Document> parse(const std::string& text, std::string path, uint64_t base_offset = 0,
                                size_t max_depth = 128);

  Element root() const { return root_; }
  const std::string& path() const { return path_; }

 private:
  // text, and the same bytes with readable padding after them.
  static Result<Document> parse_padded(std::string_view text, simdjson::padded_string_view padded, std::string path,
                                       uint64_t base_offset, size_t max_depth);
  std::unique_ptr<simdjson::dom::parser> parser_;
  Element root_;
  std::string path_;
};

std::string_view type_name(Element e);

// Typed access with path-aware errors: `where` is the JSON path of e ("$.model.vocab").
Result<Object> as_object(Element e, const std::string& file, const std::string& where);
Result<Array> as_array(Element e, const std::string& file, const std::string& where);
Result<std::string_view> as_string(Element e, const std::string& file, const std::string& where);
Result<uint64_t> as_uint(Element e, const std::string& file, const std::string& where);
Result<int64_t> as_int(Element e, const std::string& file, const std::string& where);
Result<double> as_number(Element e, const std::string& file, const std::string& where);
Result<bool> as_bool(Element e, const std::string& file, const std::string& where);

// Member lookup: absent -> nullopt-like empty result via `found`.
bool find(Object o, std::string_view key, Element& out);

// JSON path helpers: member("$.a", "b") -> "$.a.b" (quoted when not an identifier); index.
std::string member(const std::string& where, std::string_view key);
std::string index(const std::string& where, size_t i);

}  // namespace embscope::json
