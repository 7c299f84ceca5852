// A Hugging Face tokenizer (tokenizer.json) as one object: added tokens -> normalizer ->
// pre-tokenizer -> model -> post-processor, and the decoder back. Every token carries its
// byte and character offsets into the original text through all of it.
// Example (GPT-2): "Mwarĩ" -> ids [44, 5767, 128, 102] with byte offsets
// [0,1) [1,4) [4,6) [4,6): the two byte tokens of "ĩ" both span its two bytes.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "formats/tokenizer_spec.h"
#include "tokenizer/added_vocabulary.h"
#include "tokenizer/decoders.h"
#include "tokenizer/model.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/pre_tokenizers.h"

namespace embscope {

struct EncodedToken {
  uint32_t id = 0;
  uint32_t byte_begin = 0, byte_end = 0;  // into the original text
  uint32_t char_begin = 0, char_end = 0;  // code points into the original text
  bool special = false;                   // a special token (added with special, or by the template)
  bool added = false;                     // from the added vocabulary
  uint32_t type_id = 0;
};

// What a special-token literal in the text ("<|endoftext|>", "<s>") becomes.
enum class SpecialTokens {
  Default,  // the tokenizer family's own rule: tokenizer.json matches them, tiktoken rejects them
  Match,    // encoded as the special token
  Text,     // encoded as ordinary text
  Reject,   // an error naming the offset
};

struct EncodeOptions {
  bool add_special_tokens = false;  // run the post-processor's template (BOS, CLS/SEP ...)
  SpecialTokens special = SpecialTokens::Default;
  bool general_path = false;        // tests: bypass the byte-level fast path
};

// Grows byte ranges to whole characters of `text` (so a character split across byte tokens is
// spanned by each of them), then fills char_begin/char_end from the byte offsets (one forward
// pass; tokens mostly in order). All-ASCII text skips both. Texts up to table_max_bytes
// count through a table of code points before each byte (4 bytes of scratch per byte of
// text), longer ones token by token.
void finish_offsets(std::string_view text, std::vector<EncodedToken>& tokens, size_t table_max_bytes = size_t{1} << 20);

// A capacity to reserve for the tokens of text: enough for most texts (a token covers two or
// more bytes on average in every vocabulary measured), bounded so a huge text does not reserve
// many times its own size up front.
inline size_t expected_tokens(std::string_view text) { return std::min<size_t>(text.size() / 2 + 8, size_t{1} << 16); }

// What every tokenizer embscope loads offers (tokenizer.json, tiktoken, SentencePiece).
// Implementations are immutable after load and safe to share across threads.
class Tokenizer {
 public:
  virtual ~Tokenizer() = default;
  // Errors: InvalidUtf8 (with the byte offset) for text that is not UTF-8; NotFound when the
  // model meets an unknown piece and has no unk token; InvalidArgument for a disallowed
  // special token (tiktoken rules).
  virtual Result<std::vector<EncodedToken>> encode(std::string_view text, const EncodeOptions& o = {}) const = 0;
  // ids -> text; ids outside the vocabulary are an OutOfRange error.
  virtual Result<std::string> decode(std::span<const uint32_t> ids, bool skip_special = false) const = 0;
  virtual std::optional<uint32_t> token_to_id(std::string_view piece) const = 0;
  // The vocabulary string of id (byte-level or SentencePiece form), or nullptr.
  virtual const std::string* id_to_token(uint32_t id) const = 0;
  // The raw bytes id stands for (byte-level pieces mapped back, <0xC4> -> one byte, '▁' ->
  // ' ' for SentencePiece-style vocabularies); nullopt for unknown ids.
  virtual std::optional<std::string> token_bytes(uint32_t id) const = 0;
  // One past the largest id.
  virtual size_t vocab_size() const = 0;
  virtual bool is_special(uint32_t id) const = 0;
  virtual const std::string& source() const = 0;
  virtual std::string_view kind() const = 0;  // "tokenizer.json (BPE)", "tiktoken", ...
};

class HfTokenizer final : public Tokenizer {
 public:
  static Result<std::unique_ptr<HfTokenizer>> create(TokenizerSpec spec);

  Result<std::vector<EncodedToken>> encode(std::string_view text, const EncodeOptions& o = {}) const override;
  Result<std::string> decode(std::span<const uint32_t> ids, bool skip_special = false) const override;
  std::optional<uint32_t> token_to_id(std::string_view piece) const override;
  const std::string* id_to_token(uint32_t id) const override;
  std::optional<std::string> token_bytes(uint32_t id) const override;
  size_t vocab_size() const override;
  bool is_special(uint32_t id) const override;
  const std::string& source() const override { return source_; }
  std::string_view kind() const override { return kind_; }
  // True when the pre-tokenizer maps bytes to GPT-2's alphabet (pieces are byte-level).
  bool byte_level() const { return byte_level_; }

 private:
  void post_process(std::vector<EncodedToken>& tokens, bool add_special) const;
  // An added token matched in the raw text at byte range r.
  EncodedToken added_token(uint32_t id, ByteRange r) const;
  // Byte-level fast path (no normalizer; Split / ByteLevel pre-tokenizers; BPE): the same
  // pieces and tokens as the general path without building NormalizedStrings. Proven equal
  // by the goldens, which run both paths.
  struct FastSplit {
    Pattern pattern;
    bool keep_matches = true, keep_gaps = true;
  };
  std::vector<FastSplit> fast_splits_;
  bool fast_ = false;
  bool fast_if_nfc_ = false;  // the only normalizer is NFC: the fast path serves NFC text
  void encode_fast(std::string_view text, bool match_special, std::vector<EncodedToken>& out) const;
  // SentencePiece-style fast path (Gemma 3): the only normalizer replaces ' ' with '▁', no
  // pre-tokenizer splits the result, BPE with byte fallback, added tokens matched on the raw
  // text. Each ' ' becomes '▁' in a plain string and offsets map back by counting them; the
  // goldens run both paths.
  bool marker_fast_ = false;
  Status encode_marker_fast(std::string_view text, bool match_special, std::vector<EncodedToken>& out) const;
  Status encode_general(std::string_view text, const EncodeOptions& o, std::vector<EncodedToken>& out) const;

  std::string source_;
  std::unique_ptr<Normalizer> normalizer_;
  std::unique_ptr<PreTokenizer> pre_tokenizer_;
  std::unique_ptr<TokenModel> model_;
  std::unique_ptr<AddedVocabulary> added_;
  std::optional<PostProcessorSpec> post_;
  std::unique_ptr<Decoder> decoder_;
  std::vector<std::pair<std::string, std::pair<std::vector<uint32_t>, std::vector<std::string>>>> template_tokens_;
  bool byte_level_ = false;
  std::string kind_;
  std::string metaspace_;  // the SentencePiece-style space marker, when the tokenizer uses one
};

}  // namespace embscope
