// libFuzzer target: the hand-written matchers of the known pre-tokenization regexes
// (tokenizer/known_patterns.h) against PCRE2 running the same regex, on arbitrary valid UTF-8;
// on invalid UTF-8 (which neither engine is given in the tokenizers) only memory safety and
// coverage of the text are checked. Any difference traps.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "core/utf8.h"
#include "tokenizer/known_patterns.h"
#include "tokenizer/regex.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const std::vector<embscope::Regex> pcre2 = [] {
    std::vector<embscope::Regex> v;
    for (embscope::KnownPattern k : embscope::kKnownPatterns) {
      auto r = embscope::Regex::compile(embscope::known_pattern_text(k), "known pattern", /*hand_written=*/false);
      if (!r) __builtin_trap();
      v.push_back(std::move(*r));
    }
    return v;
  }();
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const bool valid = !embscope::find_invalid_utf8(text);
  std::vector<std::pair<size_t, size_t>> want, got;
  for (size_t k = 0; k < pcre2.size(); ++k) {
    embscope::split_known(embscope::kKnownPatterns[k], text, got);
    if (valid) {
      pcre2[k].find_all(text, want);
      if (want != got) __builtin_trap();
    } else {
      size_t at = 0;
      for (const auto& [b, e] : got) {
        if (b != at || e <= b) __builtin_trap();
        at = e;
      }
      if (at != size) __builtin_trap();
    }
  }
  return 0;
}
