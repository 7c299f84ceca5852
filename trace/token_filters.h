// Which rows of a real LLM vocabulary a neighbour search may answer with. Raw top-k lists over
// GPT-2 or Gemma vocabularies are full of the query's own forms (" cat", "cat", " Cat"),
// byte tokens and word fragments; these filters keep the words people mean to compare:
//   words_only     pieces that start a word and are letters only ("Ġcat", "▁cat", a WordPiece
//                  head; in a word-level vocabulary: words made of letters)
//   complete_only  no byte-fallback pieces (<0xC4>) and no pieces whose bytes are not whole
//                  UTF-8 characters (GPT-2's "Ä" half of "ĩ")
//   min_length     at least N characters, the word-start space not counted
//   script         only pieces written in one Unicode script (plus common digits/punctuation
//                  and combining marks): a PCRE2 script name ("Latin", "Cyrillic", "Han") or
//                  "auto" = the script of each query
//   skip_forms     not the query's own forms: same text up to case and the leading space
//   restrict       only the N most frequent rows (embscope.counts; a word-level vocabulary
//                  without counts is taken as frequency-sorted, as gensim's restrict_vocab)
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.h"
#include "embed/model.h"
#include "tokenizer/tokenizer.h"

namespace embscope {

// A SentencePiece byte-fallback piece: "<0xC4>".
bool byte_fallback_piece(const std::string& p);

struct TokenFilterOptions {
  bool words_only = false;
  bool complete_only = false;
  size_t min_length = 0;
  std::string script;  // "", "auto", or a PCRE2 script name
  bool skip_forms = false;
  size_t restrict = 0;  // 0 = every row
};

// The text a row stands for: the token's bytes (tokenizer), else the vocabulary piece; the
// word-start space / '▁' / WordPiece '##' removed. nullopt when the bytes are not whole UTF-8.
struct RowText {
  std::string text;
  bool starts_word = false;
  bool byte_piece = false;  // a byte-fallback piece such as <0xC4>
};
std::optional<RowText> row_text(const Model& model, const Tokenizer* tokenizer, uint32_t row);

// The whole word a vocabulary piece stands for when it starts a word and is letters only:
// "Ġcat" -> "cat", "▁cat" -> "cat", WordPiece "cat" (not "##s"); nullopt otherwise.
std::optional<std::string> whole_word_of_piece(const Vocabulary& vocab, const std::string& piece);
// BPE, Unigram and WordPiece vocabularies are subword vocabularies; the others word-level.
bool is_subword_vocabulary(const Vocabulary& vocab);

// Corpus frequency of each row from the embscope.counts tensor (written by `embscope train`);
// empty when the file has none.
std::vector<int64_t> corpus_counts(const Model& model);

class TokenFilter {
 public:
  // Errors: InvalidArgument for an unknown script name, or --restrict without frequencies.
  static Result<TokenFilter> create(const Model& model, const Tokenizer* tokenizer, const TokenFilterOptions& options);

  // Rows the filters allow for any query (AND-ed into `allowed`, which has one byte per row);
  // returns how many rows the filters removed.
  size_t apply(std::vector<uint8_t>& allowed) const;
  // Rows to leave out for one query whose text is `query_text` (its own forms).
  std::vector<uint32_t> excluded_for(const std::string& query_text) const;
  // "auto" script: the script of `text` (its first letter), or "" when it has none.
  std::string script_of(const std::string& text) const;
  // Rows written in `script` (a PCRE2 name), one byte per row.
  Result<std::vector<uint8_t>> rows_in_script(const std::string& script) const;
  const TokenFilterOptions& options() const { return options_; }

 private:
  TokenFilterOptions options_;
  std::vector<std::optional<RowText>> texts_;   // per row; empty when no filter reads texts
  std::vector<std::string> folded_;            // per row: upper-cased text
  std::vector<uint8_t> static_mask_;           // per row: passes the query-independent filters
};

}  // namespace embscope
