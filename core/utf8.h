// UTF-8 validation and escaping of untrusted bytes for error messages.
// Used by every parser that reads names (tensor names, vocabulary pieces) from files.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace embscope {

// Byte offset of the first byte that is not part of a well-formed UTF-8 sequence
// (Unicode 15, Table 3-7: no overlongs, no surrogates, nothing above U+10FFFF), or nullopt.
std::optional<size_t> find_invalid_utf8(std::string_view s);

// True when every byte of s is below 0x80 (then byte offsets are character offsets).
bool is_ascii(std::string_view s);

// Printable rendering of untrusted bytes for a message: valid UTF-8 printable characters are
// kept, control characters and invalid bytes become \xNN, quotes and backslashes are escaped;
// at most `max_bytes` of input are shown, then "...". Example: "a\x01b\xff" -> a\x01b\xff.
std::string escape_for_message(std::string_view s, size_t max_bytes = 80);

// Number of code points in valid UTF-8 `s`.
size_t count_code_points(std::string_view s);

// Decodes the code point starting at s[i] of valid UTF-8 and advances i.
uint32_t next_code_point(std::string_view s, size_t& i);

// Appends the UTF-8 encoding of code point `cp` (must be a scalar value).
void append_utf8(std::string& out, uint32_t cp);

}  // namespace embscope
