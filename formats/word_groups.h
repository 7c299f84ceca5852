// Named groups of words for projection plots: one group a line, "Name: word word word ...";
// words separated by spaces or commas; '#' starts a comment line; blank lines ignored.
// Example: "Animals: cat dog horse cow".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace embscope {

struct WordGroup {
  std::string name;
  std::vector<std::string> words;
  uint64_t line = 0;  // 1-based
};

// Errors: InvalidUtf8 / Format (a line without "Name:" or without words, naming the line and
// its byte offset); InvalidArgument for a file without groups.
Result<std::vector<WordGroup>> parse_word_groups(std::string_view text, const std::string& path);
Result<std::vector<WordGroup>> read_word_groups(const std::string& path);

}  // namespace embscope
