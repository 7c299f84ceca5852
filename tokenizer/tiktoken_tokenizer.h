// OpenAI's tiktoken byte-level BPE: the encoding's regex splits the text, each piece that is
// a whole token is one id, the others are merged byte pair by byte pair, lowest rank first
// (the rank of a pair is the rank of its concatenation). Special tokens follow tiktoken's
// rules: by default a special-token literal in the text is an error (tiktoken's
// disallowed_special="all"); SpecialTokens::Match encodes them as specials, Text as text.
#pragma once

#include "formats/tiktoken.h"
#include "tokenizer/regex.h"
#include "tokenizer/bpe.h"
#include "tokenizer/string_id_map.h"
#include "tokenizer/tokenizer.h"

namespace embscope {

class TiktokenTokenizer final : public Tokenizer {
 public:
  static Result<std::unique_ptr<TiktokenTokenizer>> create(TiktokenSpec spec);

  Result<std::vector<EncodedToken>> encode(std::string_view text, const EncodeOptions& o = {}) const override;
  Result<std::string> decode(std::span<const uint32_t> ids, bool skip_special = false) const override;
  std::optional<uint32_t> token_to_id(std::string_view piece) const override;
  const std::string* id_to_token(uint32_t id) const override;
  std::optional<std::string> token_bytes(uint32_t id) const override;
  size_t vocab_size() const override { return n_vocab_; }
  bool is_special(uint32_t id) const override;
  const std::string& source() const override { return spec_.source; }
  std::string_view kind() const override { return kind_; }

  // The byte-level merge of one piece (exposed for tests): token ids in order.
  void merge_piece(std::string_view piece, std::vector<uint32_t>& ids, std::vector<uint32_t>& lens) const;

 private:
  // The same, appended as tokens with offsets from 0.
  void merge_tokens(std::string_view piece, std::vector<ModelToken>& out) const {
    merge_tokens(piece, hash_bytes(piece), out);
  }
  void merge_tokens(std::string_view piece, uint64_t hash, std::vector<ModelToken>& out) const;
  TiktokenSpec spec_;
  StringIdMap ranks_;
  // (rank of x, rank of y) -> rank of x+y, for every token that splits into two tokens x, y:
  // the merge loop then runs on ranks like BPE's, with no string hashing.
  PairMap pairs_;
  uint32_t byte_ranks_[256];
  std::vector<std::string> display_;  // GPT-2 alphabet form of each token, for id_to_token
  std::optional<Regex> regex_;
  size_t n_vocab_ = 0;
  std::string kind_;
  uint64_t instance_ = 0;
};

}  // namespace embscope
