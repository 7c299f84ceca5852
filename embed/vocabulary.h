// Piece <-> id lookup over a model's vocabulary, forgiving in the ways users type pieces:
// " cat" finds GPT-2's "Ġcat" (byte-level alphabet) and SentencePiece's "▁cat". Unknown
// pieces get suggestions of close spellings. Immutable after construction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/error.h"
#include "formats/vocab_files.h"

namespace embscope {

struct PieceMatch {
  uint32_t id = 0;
  std::string piece;  // as stored in the vocabulary
  std::string how;    // "exact", "byte-level (' ' -> 'Ġ')", "sentencepiece (' ' -> '▁')"
};

class Vocabulary {
 public:
  explicit Vocabulary(VocabSpec spec);

  size_t size() const { return spec_.pieces.size(); }
  const std::string& source() const { return spec_.source; }
  const std::string& model_type() const { return spec_.model_type; }
  // The piece of `id`; nullptr for ids outside the vocabulary or not defined by it.
  const std::string* piece(size_t id) const;
  bool is_special(size_t id) const { return id < spec_.special.size() && spec_.special[id]; }

  // Errors: NotFound with up to 5 suggestions of close pieces.
  Result<PieceMatch> lookup(std::string_view text) const;
  // As lookup (exact, byte-level, SentencePiece forms) without the suggestions: nullopt.
  std::optional<PieceMatch> find(std::string_view text) const;
  std::vector<std::string> suggest(std::string_view text, size_t max_n = 5) const;

  // A subword vocabulary (BPE, Unigram, WordPiece; or a plain vocab.json / vocab.txt whose
  // pieces mark word starts with 'Ġ', '▁' or continuations with '##', over 5 % of them), as
  // opposed to a word-level one (word2vec, GloVe): its pieces are not all whole words.
  bool is_subword() const { return subword_; }

  // The id of exactly this piece (no fallbacks), or nullopt.
  std::optional<uint32_t> exact(std::string_view piece) const;

 private:

  VocabSpec spec_;
  std::unordered_map<std::string, uint32_t> ids_;
  bool subword_ = false;
};

}  // namespace embscope
