// Byte-pair encoding over a fixed vocabulary and ranked merges (Sennrich et al. 2016,
// "Neural Machine Translation of Rare Words with Subword Units"). A word starts as one
// symbol per character (with continuing_subword_prefix / end_of_word_suffix, byte_fallback
// to <0xXX> tokens, unk fusing); then the lowest-rank adjacent pair is merged, leftmost
// first, until none applies: O(n log n) with a heap, so a 50,000-character word is fine.
#pragma once

#include <atomic>

#include "tokenizer/model.h"
#include "tokenizer/string_id_map.h"
#include "tokenizer/token_cache.h"

namespace embscope {

// The merge loop shared by BPE models and tiktoken: initial symbols (id, byte length) are
// merged lowest rank first (leftmost on ties) through `merges`, until no pair merges; the
// tokens are appended with offsets as running sums of their lengths, from 0.
void merge_by_rank(const PairMap& merges, const std::vector<uint32_t>& ids, const std::vector<uint32_t>& lens,
                   std::vector<ModelToken>& out);

class BpeModel final : public TokenModel {
 public:
  static Result<std::unique_ptr<BpeModel>> create(ModelSpec spec, const std::string& source);

  Status tokenize(std::string_view word, std::vector<ModelToken>& out) const override;
  // Byte-level vocabularies: tokenizes the GPT-2-alphabet form of `raw` without building it;
  // token ranges are in raw bytes. Same result as tokenize(bytes_to_byte_level(raw)).
  // Precondition: raw_bytes_ready().
  void tokenize_raw_bytes(std::string_view raw, uint64_t hash, TokenCache& cache, std::vector<ModelToken>& out) const;
  TokenCache& raw_cache() const;
  bool raw_bytes_ready() const { return have_raw_byte_ids_; }
  bool byte_fallback() const { return have_byte_ids_; }
  std::optional<uint32_t> token_to_id(std::string_view piece) const override { return vocab_.get(piece); }
  const std::string* id_to_token(uint32_t id) const override {
    return id < spec_.pieces.size() && spec_.present[id] ? &spec_.pieces[id] : nullptr;
  }
  size_t vocab_size() const override { return vocab_.size(); }

 private:
  Status merge_word(std::string_view word, std::vector<ModelToken>& out) const;

  ModelSpec spec_;
  StringIdMap vocab_;
  PairMap merges_;
  std::optional<uint32_t> unk_id_;
  std::vector<uint32_t> bmp_ids_;  // code point < U+10000 -> id + 1 of the piece that is that character, or 0
  uint32_t byte_ids_[256];
  bool have_byte_ids_ = false;
  uint32_t raw_byte_ids_[256];  // id of the byte-level character of each byte
  bool have_raw_byte_ids_ = false;
  uint64_t instance_;  // keys the per-thread word cache
  // SentencePiece-style vocabularies (Gemma, Llama 2): a '▁' that follows a non-'▁' character
  // starts a word. A merge can join across that point only into a "crossing" piece (one with
  // such a '▁' inside), and a token covers exactly its own text, so where no crossing piece
  // matches the text around the point, the two sides merge independently: a long sequence is
  // merged word by word, with the same result and word caching. Gemma 3 has one crossing
  // piece (">▁</"); a vocabulary with more than a few is not split. Only with nothing dropped
  // (unk or byte fallback), no merge of byte-fallback tokens (their text is not what they
  // cover) and no prefix / suffix / ignore_merges, where positions matter.
  bool split_at_marker_ = false;
  struct CrossingPiece {
    std::string text;
    std::vector<uint32_t> at;  // byte positions of its word-starting '▁'s
  };
  std::vector<CrossingPiece> crossing_;
  bool is_word_start(std::string_view word, size_t pos) const;
  // hash = hash_bytes(word); cache = the thread's cache for this model.
  Status tokenize_cached(std::string_view word, uint64_t hash, TokenCache& cache, std::vector<ModelToken>& out) const;
};

}  // namespace embscope
