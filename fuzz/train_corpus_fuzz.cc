// Fuzz target: arbitrary bytes as a word2vec corpus (UTF-8 validation, whitespace splitting,
// vocabulary), then one short training pass over whatever vocabulary results (sampling tables,
// Huffman tree, kernels). Errors are fine; crashes, leaks and UB are not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "train/corpus.h"
#include "train/word2vec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 1 << 16) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto built = embscope::build_word_corpus(text, "fuzz", {1, size % 7});
  if (!built) return 0;
  embscope::Word2VecOptions o;
  o.dim = 4 + size % 13;
  o.window = 1 + size % 6;
  o.epochs = 1;
  o.skip_gram = size % 2 == 0;
  o.hierarchical = size % 3 == 0;
  o.negative = size % 5 == 0 && o.hierarchical ? 0 : 3;
  auto trainer = embscope::Word2VecTrainer::create(built->first, built->second, o);
  if (!trainer) return 0;
  auto tables = embscope::init_word2vec_tables(built->first.counts.size(), o);
  embscope::Word2VecState state;
  (void)trainer->train(tables, state, nullptr);
  return 0;
}
