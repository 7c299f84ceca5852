// Inner loops of word2vec training (train/word2vec.cc drives them), compiled once per
// instruction set -- word2vec_kernel_generic.cc and word2vec_kernel_avx2.cc (-mavx2 -mfma)
// -- from word2vec_kernel.inc, and chosen at run time. The interface is plain pointers and
// PODs on purpose: the two translation units are built with different -m flags, so nothing
// they share may instantiate an inline function or template of the standard library.
//
// Legend: Dp = row stride in floats (D rounded up to 16; padding zero), V rows.
#pragma once

#include <cstdint>

namespace embscope::w2v {

struct BlockArgs {
  // Tables, (V, Dp) row-major; syn1neg / syn1 null when that loss is off.
  float* syn0 = nullptr;
  float* syn1neg = nullptr;
  float* syn1 = nullptr;
  uint32_t stride = 0;
  // With several threads each thread trains its own copy of the tables for a round and marks
  // the rows it wrote (1 per row, never cleared here): dirty0 for syn0, dirty1 for syn1neg,
  // dirty_hs for syn1. Null with one thread (the shared tables are written in place).
  uint16_t* dirty0 = nullptr;
  uint16_t* dirty1 = nullptr;
  uint16_t* dirty_hs = nullptr;
  // The block: sentences [first_sentence, end_sentence) of the corpus.
  const uint32_t* ids = nullptr;
  const uint64_t* sentence_ends = nullptr;
  uint64_t first_sentence = 0, end_sentence = 0;
  // Sampling tables (see Word2VecTrainer).
  const uint32_t* keep_threshold = nullptr;
  const uint32_t* alias_prob = nullptr;
  const uint32_t* alias_other = nullptr;
  uint32_t n_rows = 0;
  const uint32_t* hs_offset = nullptr;
  const uint32_t* hs_points = nullptr;
  const uint8_t* hs_codes = nullptr;
  // Hyper-parameters.
  uint32_t window = 5, negative = 5;
  bool skip_gram = true, hierarchical = false, cbow_mean = true, sample = true;
  // Learning rate at a sentence: alpha_start - (alpha_start - alpha_end) * progress, where
  // progress = min(1, (words_before + words_scale * words of this block so far) / total_words).
  double alpha_start = 0.025, alpha_end = 0.0001;
  double words_before = 0, words_scale = 1, total_words = 1;
  uint64_t rng_seed = 0;
  // Scratch owned by the caller: neu1 and work (Dp floats each, 64-byte aligned), sentence
  // (kMaxSentenceWords entries).
  float* neu1 = nullptr;
  float* work = nullptr;
  uint32_t* sentence = nullptr;
  // Results.
  uint64_t words = 0;        // corpus words of the block (before sub-sampling)
  double loss_sum = 0;       // sum of -log sigma(.) over every prediction
  uint64_t loss_terms = 0;   // positive predictions (the loss is reported per positive)
  double last_alpha = 0;
};

void train_block_generic(BlockArgs& a);
void train_block_avx2(BlockArgs& a);

// One skip-gram negative-sampling update of `in` against outs[0] (positive) and outs[1..n)
// (negatives), with learning rate alpha, exactly as the training loop does it (tabulated,
// interpolated logistic function). Returns the loss before the update. work: Dp floats.
double sgns_step_generic(float* in, float* const* outs, uint32_t n_outs, uint32_t stride, float alpha, float* work);
double sgns_step_avx2(float* in, float* const* outs, uint32_t n_outs, uint32_t stride, float alpha, float* work);

// True when this CPU runs the AVX2+FMA kernels.
bool cpu_has_avx2_fma();

}  // namespace embscope::w2v
