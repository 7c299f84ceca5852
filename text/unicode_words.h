// Locale-independent Unicode word helpers for the evaluation sets (Unicode 15 tables through
// utf8proc): upper-casing as the comparison key of case-insensitive evaluation (gensim
// compares str.upper()), and "all letters" (Python's str.isalpha) for picking whole-word pieces.
#pragma once

#include <string>
#include <string_view>

namespace embscope {

// Each code point mapped to its simple uppercase (UnicodeData.txt): "Kĩkũyũ" -> "KĨKŨYŨ".
// Differs from Python's str.upper() only for the ~100 SpecialCasing.txt expansions
// ("ß" -> "SS" there, kept as "ß" here). Invalid UTF-8 bytes are kept as they are.
std::string to_upper(std::string_view utf8);

// True when `utf8` is non-empty, valid UTF-8 and every code point is a letter (general
// category Lu, Ll, Lt, Lm or Lo), as Python's str.isalpha(): "cat", "Kĩkũyũ" yes; "don't", "" no.
bool is_letters(std::string_view utf8);

}  // namespace embscope
