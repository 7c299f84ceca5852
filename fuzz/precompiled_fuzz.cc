// libFuzzer target: a Precompiled (SentencePiece) charsmap from arbitrary bytes, then lookups
// and normalization of fixed texts and of the input itself (valid UTF-8 only, as a tokenizer
// would pass it) through whatever trie the bytes make.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/utf8.h"
#include "tokenizer/precompiled.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto map = embscope::PrecompiledCharsmap::parse(bytes, "fuzz.charsmap");
  if (!map) return 0;
  for (std::string_view text : {std::string_view("A\xCC\x81 \xEF\xAC\x81 \xE2\x91\xA0 x"), std::string_view("\xE3\x80\x80")}) {
    embscope::NormalizedString s(text);
    map->normalize(s);
  }
  if (!embscope::find_invalid_utf8(bytes)) {
    embscope::NormalizedString s(bytes);
    map->normalize(s);
  }
  return 0;
}
