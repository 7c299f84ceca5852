// Hand-written matchers for the pre-tokenization regexes real tokenizers ship: GPT-2's (also
// r50k / p50k and every ByteLevel pre-tokenizer), cl100k's (= Llama 3's), Qwen 2/3's (cl100k's
// with single digits) and o200k's (= GPT-4o's). Regex::compile picks one when the pattern is
// exactly one of these strings; find_all then gives the same pieces as PCRE2 without running it
// (known_patterns_test.cc compares both on random text over every class boundary and on every
// code point). Character classes come from char_classes.h, generated from PCRE2 itself.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>
#include <vector>

namespace embscope {

enum class KnownPattern { None, Gpt2, Cl100k, Qwen, O200k };

inline constexpr KnownPattern kKnownPatterns[] = {KnownPattern::Gpt2, KnownPattern::Cl100k, KnownPattern::Qwen,
                                                  KnownPattern::O200k};

// The pattern `pattern` is, or None.
KnownPattern recognize_pattern(std::string_view pattern);
// The regex of a known pattern ("" for None).
std::string_view known_pattern_text(KnownPattern pattern);

// Byte ranges of successive matches, as Regex::find_all gives them for that pattern. `text`
// should be valid UTF-8; an invalid byte is taken as one character of no class (no crash).
void split_known(KnownPattern pattern, std::string_view text, std::vector<std::pair<size_t, size_t>>& out);

}  // namespace embscope
