// The Precompiled normalizer of tokenizer.json: SentencePiece's compiled normalization rules
// (nmt_nfkc and friends; T5, ALBERT, XLM-R, mBART, NLLB-200) as a darts-clone double-array trie
// from UTF-8 byte sequences to replacement strings. Semantics of Hugging Face tokenizers
// (normalizers/precompiled.rs over the spm_precompiled crate): per extended grapheme cluster,
// a cluster under 6 bytes whose bytes start with a rule is replaced as a whole by that rule's
// output (the shortest matching prefix: their quirk, kept for identical ids); otherwise each
// character is looked up alone. Example (nmt_nfkc): "ﬁ" -> "fi", "①" -> "1", U+3000 -> " ".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "tokenizer/normalized_string.h"

namespace embscope {

class PrecompiledCharsmap {
 public:
  // `blob`: uint32 little-endian trie size in bytes, the trie's 32-bit units, then the
  // NUL-terminated replacement strings (bytes past the last whole unit count as strings, as
  // the reference reads them). Errors: Format naming the offset for a blob too short for its
  // trie or strings that are not UTF-8. An empty blob maps nothing.
  static Result<PrecompiledCharsmap> parse(std::string_view blob, const std::string& path);

  // For libsentencepiece, whose darts-clone searches read the trie unchecked: Format (naming
  // `what`) unless the trie size is whole units inside the blob and every search from the root,
  // over any bytes, reads inside the trie and finds values inside the replacement strings, each
  // NUL-terminated. Real charsmaps pass (darts-clone lays the trie out in whole 256-unit blocks).
  static Status check_for_sentencepiece(std::string_view blob, const std::string& what);

  // The replacement of the shortest rule that prefixes `chunk`, or nullopt.
  std::optional<std::string_view> transform(std::string_view chunk) const;

  // Normalizes `s` in place with alignments (the tokenizer.json normalizer).
  void normalize(NormalizedString& s) const;

 private:
  std::vector<uint32_t> units_;  // the double array
  std::string replacements_;     // NUL-terminated strings, indexed by trie values
};

}  // namespace embscope
