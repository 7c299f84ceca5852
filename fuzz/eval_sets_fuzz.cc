// libFuzzer target: the text formats of evaluation sets and projection groups
// (questions-words analogies, TAB-separated word pairs, "Name: words" group files) on
// arbitrary bytes; every parser must return a value or an error, never crash or hang.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "formats/eval_sets.h"
#include "formats/word_groups.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)embscope::parse_analogy_set(text, "questions.txt");
  (void)embscope::parse_word_pair_set(text, "pairs.txt");
  (void)embscope::parse_word_groups(text, "groups.txt");
  return 0;
}
