// SentencePiece .model files (NLLB-200, T5, Llama 2, ...) through Debian's libsentencepiece
// (Kudo & Richardson 2018), the library the models were trained with: its normalization,
// Unigram or BPE, and byte fallback, with the byte offsets it reports mapped to our tokens.
// Control symbols (<s>, </s>) in the text stay text, as in SentencePiece; --add-special-tokens
// prepends the model's BOS when it defines one.
#pragma once

#include <memory>

#include "tokenizer/tokenizer.h"

namespace sentencepiece {
class SentencePieceProcessor;
}

namespace embscope {

class SentencePieceTokenizer final : public Tokenizer {
 public:
  // Errors: NotFound for a missing file, Format when the library rejects the model.
  static Result<std::unique_ptr<SentencePieceTokenizer>> load(const std::string& path);
  // The same from the bytes of a .model file; source names it in messages.
  static Result<std::unique_ptr<SentencePieceTokenizer>> from_bytes(std::string_view bytes, const std::string& source);
  ~SentencePieceTokenizer() override;

  Result<std::vector<EncodedToken>> encode(std::string_view text, const EncodeOptions& o = {}) const override;
  Result<std::string> decode(std::span<const uint32_t> ids, bool skip_special = false) const override;
  std::optional<uint32_t> token_to_id(std::string_view piece) const override;
  const std::string* id_to_token(uint32_t id) const override;
  std::optional<std::string> token_bytes(uint32_t id) const override;
  size_t vocab_size() const override;
  bool is_special(uint32_t id) const override;
  const std::string& source() const override { return source_; }
  std::string_view kind() const override { return "SentencePiece .model"; }

 private:
  SentencePieceTokenizer();
  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
  std::string source_;
};

}  // namespace embscope
