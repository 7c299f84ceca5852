// The character classes of the pre-tokenization patterns real tokenizers ship (GPT-2, cl100k /
// Llama 3, Qwen 2/3, o200k), one bit each per code point. The table is generated at build time
// by gen_char_classes, which asks the PCRE2 library the regex path links whether each code point
// matches each class: the hand-written splitters (known_patterns.h) and PCRE2 see the same
// Unicode version by construction.
#pragma once

#include <cstdint>

namespace embscope::char_classes {

enum : uint8_t {
  kSpace = 1 << 0,   // \s (UCP: Unicode White_Space)
  kLetter = 1 << 1,  // \p{L}
  kNumber = 1 << 2,  // \p{N}
  kUpper = 1 << 3,   // [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] (o200k's "upper or caseless" run)
  kLower = 1 << 4,   // [\p{Ll}\p{Lm}\p{Lo}\p{M}] (o200k's "lower or caseless" run)
};

// The class patterns, in bit order, as gen_char_classes compiles them.
inline constexpr const char* kClassPatterns[] = {
    R"(\s)", R"(\p{L})", R"(\p{N})", R"([\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}])", R"([\p{Ll}\p{Lm}\p{Lo}\p{M}])"};

// The letters of the contractions 's 't 're 've 'm 'll 'd; under (?i:...) each also matches the
// code points PCRE2 folds to it (for 's': "S" and U+017F LATIN SMALL LETTER LONG S).
inline constexpr char kContractionLetters[] = "strevmld";

// Generated (char_classes.inc): two-stage table, code point -> class bits; kStage1[0] is 0.
inline constexpr uint32_t kBlockBits = 8;
extern const uint16_t kStage1[0x110000 >> kBlockBits];
extern const uint8_t kStage2[];
// Code point -> the contraction letter it matches case-insensitively, or 0. ASCII in a table,
// the few others (sorted by code point) in a list.
extern const char kFoldAscii[128];
struct Fold {
  uint32_t cp;
  char letter;
};
extern const Fold kFoldOther[];
extern const uint32_t kNumFoldOther;

inline uint8_t of(uint32_t cp) {
  if (cp >= 0x110000) return 0;
  return kStage2[(static_cast<uint32_t>(kStage1[cp >> kBlockBits]) << kBlockBits) | (cp & ((1u << kBlockBits) - 1))];
}

// Code points below 256 sit in the first block, which the generator stores first: no stage 1.
inline uint8_t of_latin1(uint32_t cp) { return kStage2[cp]; }

inline char fold_letter(uint32_t cp) {
  if (cp < 128) return kFoldAscii[cp];
  for (uint32_t i = 0; i < kNumFoldOther; ++i)
    if (kFoldOther[i].cp == cp) return kFoldOther[i].letter;
  return 0;
}

}  // namespace embscope::char_classes
