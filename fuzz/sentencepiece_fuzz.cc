// libFuzzer target: SentencePiece .model files (a ModelProto) on arbitrary bytes, through
// libsentencepiece as embscope loads them; a model that loads then encodes and decodes a few
// texts (Kikuyu, CJK, emoji, a control-symbol literal, whitespace runs).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/sentencepiece_tokenizer.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using embscope::SentencePieceTokenizer;
  auto t = SentencePieceTokenizer::from_bytes(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.model");
  if (!t) return 0;
  for (std::string_view text : {"Mwar\xC4\xA9 wa K\xC4\xA9k\xC5\xA9y\xC5\xA9", "\xE4\xB8\x96\xE7\x95\x8C \xF0\x9F\x98\x80",
                                "<s> a  b\t\n", ""}) {
    for (bool add : {false, true}) {
      embscope::EncodeOptions o;
      o.add_special_tokens = add;
      auto enc = (*t)->encode(text, o);
      if (!enc) continue;
      std::vector<uint32_t> ids;
      for (const auto& tok : *enc) {
        ids.push_back(tok.id);
        (void)(*t)->id_to_token(tok.id);
        (void)(*t)->token_bytes(tok.id);
      }
      (void)(*t)->decode(ids);
    }
  }
  (void)(*t)->decode(std::vector<uint32_t>{0, 1, 2, 3, 0xFFFFFFFFu});
  return 0;
}
