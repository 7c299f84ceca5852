// Normalizers of tokenizer.json applied to a NormalizedString, with alignments kept:
// NFC/NFD/NFKC/NFKD, Lowercase, Strip, StripAccents, Replace, Prepend, BertNormalizer,
// ByteLevel, Precompiled (the SentencePiece charsmap, tokenizer/precompiled.h) and Sequence.
// Semantics: tokenizers/src/normalizers/*.rs.
#pragma once

#include <memory>
#include <vector>

#include "core/error.h"
#include "formats/tokenizer_spec.h"
#include "tokenizer/normalized_string.h"
#include "tokenizer/regex.h"

namespace embscope {

class Normalizer {
 public:
  virtual ~Normalizer() = default;
  virtual void normalize(NormalizedString& s) const = 0;
};

// Errors: Format for a regex that does not compile or a malformed charsmap.
Result<std::unique_ptr<Normalizer>> make_normalizer(const NormalizerSpec& spec);

// Shared helpers (also used by pre-tokenizers).
std::vector<uint32_t> code_points(std::string_view s);
void apply_unicode_form(NormalizedString& s, int form);  // unicode::Form as int
void filter_chars(NormalizedString& s, bool (*keep)(uint32_t));
void map_chars(NormalizedString& s, uint32_t (*f)(uint32_t));
void lowercase(NormalizedString& s);
// Every byte of the text -> its GPT-2 alphabet character; the characters of one original
// character all align to it (the ByteLevel normalizer and pre-tokenizer).
void byte_level_transform(NormalizedString& s);

// A Pattern: literal string or regex, finding (range, is_match) pieces as the reference does.
class Pattern {
 public:
  static Result<Pattern> create(const PatternSpec& spec);
  std::vector<std::pair<ByteRange, bool>> find_matches(std::string_view text) const;
  void find_ranges(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;

 private:
  std::shared_ptr<const Regex> regex_;
  bool empty_literal_ = false;
};

}  // namespace embscope
