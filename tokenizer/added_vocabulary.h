// Added and special tokens (tokenizer.json "added_tokens"): matched in the text before the
// model runs, leftmost-longest, with single_word / lstrip / rstrip / normalized rules.
// Tokens with normalized=false are matched on the raw text, the others on the normalized
// pieces. tokenizers/src/tokenizer/added_vocabulary.rs.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "formats/tokenizer_spec.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/pre_tokenized.h"

namespace embscope {

class AddedVocabulary {
 public:
  AddedVocabulary(std::vector<AddedTokenSpec> tokens, const Normalizer* normalizer);

  // Splits `text` on added tokens, normalizes the rest (with `normalizer`), and splits again
  // on normalized added tokens. With `match_special` false, special tokens are plain text
  // (the reference's encode_special_tokens).
  PreTokenizedString extract_and_normalize(std::string_view text, const Normalizer* normalizer,
                                           bool match_special) const;

  // Without a normalizer: both passes on the raw text at once; pieces (token id or none,
  // byte range) in order, empty pieces dropped. Equal to extract_and_normalize's splits.
  std::vector<std::pair<std::optional<uint32_t>, ByteRange>> split_raw(std::string_view text, bool match_special) const;

  std::optional<uint32_t> token_to_id(std::string_view s) const;
  const AddedTokenSpec* by_id(uint32_t id) const;
  const std::vector<AddedTokenSpec>& tokens() const { return tokens_; }
  // Whether some added token is matched on the normalized text (normalized: true).
  bool has_normalized_tokens() const { return !normalized_.empty(); }

 private:
  // Leftmost-longest matcher over a set of patterns: a byte trie (Gemma 3 has 6,322 added
  // tokens starting with '<'), entered only at bytes that start some pattern.
  struct Matcher {
    std::vector<std::pair<std::string, uint32_t>> patterns;  // pattern -> index into tokens_
    struct Node {
      uint32_t edge_begin, edge_count;
      int32_t pattern;  // index into patterns of the pattern ending here, or -1
    };
    std::vector<Node> nodes;                               // nodes[0] is the root
    std::vector<std::pair<unsigned char, uint32_t>> edges;  // per node, sorted by byte
    bool starts[256] = {};
    bool empty() const { return patterns.empty(); }
    // The longest pattern that text has at pos (first listed among equal ones), or nullptr.
    const std::pair<std::string, uint32_t>* longest_at(std::string_view text, size_t pos) const;
  };
  void build(Matcher& m, bool normalized_set, const Normalizer* normalizer);
  void split_on(PreTokenizedString& s, const Matcher& m, bool match_special, bool normalize_first,
                const Normalizer* normalizer) const;
  std::vector<std::pair<std::optional<uint32_t>, ByteRange>> find(std::string_view text, const Matcher& m,
                                                                  bool match_special) const;

  std::vector<AddedTokenSpec> tokens_;
  std::unordered_map<uint32_t, size_t> by_id_;
  std::unordered_map<std::string, uint32_t> by_content_;
  Matcher raw_, normalized_;
};

}  // namespace embscope
