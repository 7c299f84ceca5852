// word2vec training: skip-gram and CBOW with negative sampling and/or hierarchical softmax
// (Mikolov et al. 2013, arXiv:1301.3781 and 1310.4546), as word2vec.c and gensim train it:
// frequent-word sub-sampling, random window shrink, linear learning-rate decay; several threads
// train their own copies of the tables, merged after every round (delayed Hogwild).
// Deterministic for one thread and a seed.
//
// Legend: V rows (vocabulary), D dimensions, Dp = D rounded up to 16 (padded row stride of
// the working tables; the padding stays zero).
#pragma once

#include <cstdint>
#include <functional>
#include <new>
#include <string>
#include <vector>

#include "core/error.h"
#include "train/corpus.h"

namespace embscope {

struct Word2VecOptions {
  bool skip_gram = true;      // false = CBOW
  uint32_t dim = 100;
  uint32_t window = 5;
  uint32_t negative = 5;      // 0 = no negative sampling
  bool hierarchical = false;  // hierarchical softmax (Huffman tree over the trained rows)
  double sample = 1e-3;       // sub-sampling threshold; 0 = off
  double ns_exponent = 0.75;  // noise distribution count^ns_exponent
  bool cbow_mean = true;      // CBOW: mean (true) or sum of the context vectors
  uint32_t epochs = 5;
  double alpha = 0.025;
  double min_alpha = 0.0001;
  uint32_t threads = 1;
  uint64_t seed = 1;
};

// Where training stands; a checkpoint stores exactly this plus the two tables.
struct Word2VecState {
  uint32_t epoch = 0;          // epochs finished
  uint64_t next_block = 0;     // first block of `epoch` not yet trained
  uint64_t words_done = 0;     // corpus words processed (before sub-sampling), all epochs
  double loss_sum = 0;         // sum of -log sigma terms since the start
  uint64_t loss_terms = 0;     // number of positive predictions in loss_sum
  bool finished = false;
};

struct Word2VecProgress {
  const Word2VecState* state;
  uint64_t total_words;  // epochs x corpus words
  double recent_loss;    // mean loss per positive prediction over the last round
  double alpha;
  uint32_t threads;  // the threads training: the options' count, or fewer if the system refused some
};

// Cache-line aligned storage: a row of Dp floats (a multiple of 64 bytes) then never shares
// a cache line with its neighbour, so threads updating adjacent (equally frequent) rows do not
// falsely share lines.
template <class T>
struct CacheAlignedAllocator {
  using value_type = T;
  CacheAlignedAllocator() = default;
  template <class U>
  CacheAlignedAllocator(const CacheAlignedAllocator<U>&) {}  // NOLINT(google-explicit-constructor)
  T* allocate(size_t n) { return static_cast<T*>(::operator new(n * sizeof(T), std::align_val_t{64})); }
  void deallocate(T* p, size_t) { ::operator delete(p, std::align_val_t{64}); }
  bool operator==(const CacheAlignedAllocator&) const { return true; }
};
using AlignedFloats = std::vector<float, CacheAlignedAllocator<float>>;

// The working tables; syn0 is the embedding table users get.
struct Word2VecTables {
  uint32_t dim = 0, stride = 0;  // D, Dp
  AlignedFloats syn0;            // (V, Dp) input vectors
  AlignedFloats syn1neg;         // (V, Dp) output vectors for negative sampling (empty if off)
  AlignedFloats syn1;            // (V, Dp) inner nodes of the Huffman tree (empty if off)
  // syn0 without padding: (V, D) row-major.
  std::vector<float> embeddings() const;
};

// syn0 uniform in [-1/D, 1/D) (gensim 4's init; word2vec.c draws from half that range) from the seed; syn1neg and
// syn1 zero. `init` (optional, (V, D) row-major) replaces the uniform rows where given: every
// row, or only rows r with (*init_rows)[r] when init_rows is given.
Word2VecTables init_word2vec_tables(uint64_t n_rows, const Word2VecOptions& o, const std::vector<float>* init = nullptr,
                                    const std::vector<uint8_t>* init_rows = nullptr);

class Word2VecTrainer {
 public:
  // Validates options against the vocabulary and corpus (errors: InvalidArgument).
  static Result<Word2VecTrainer> create(const TrainVocab& vocab, const TrainCorpus& corpus, Word2VecOptions o);

  // Trains from `state` (a fresh one, or one read from a checkpoint) to the end. Between
  // rounds (one block with one thread; with several, up to 4 sub-rounds, after which every
  // row is merged into `tables`) `between_rounds` is called on the training thread with the
  // tables quiescent; returning an error stops training with that error.
  using Hook = std::function<Status(const Word2VecTables&, const Word2VecProgress&)>;
  Status train(Word2VecTables& tables, Word2VecState& state, const Hook& between_rounds) const;

  uint64_t total_words() const { return uint64_t{o_.epochs} * corpus_->ids.size(); }
  uint64_t n_blocks() const { return blocks_.size() - 1; }
  // Several threads: the rows merged after every sub-round, not only after every round.
  const std::vector<uint32_t>& hot_rows() const { return hot_rows_; }
  const Word2VecOptions& options() const { return o_; }
  // Which SIMD kernel runs ("avx2+fma" or "generic").
  static const char* kernel_name();

 private:
  Word2VecTrainer() = default;
  void build_noise_table(const TrainVocab& vocab);
  void build_huffman(const TrainVocab& vocab);
  void build_keep_thresholds(const TrainVocab& vocab);
  void build_hot_rows(const TrainVocab& vocab);
  // Several threads: blocks per sub-round (each thread's copy is merged after it).
  uint64_t sub_round_blocks() const;

  Word2VecOptions o_;
  const TrainCorpus* corpus_ = nullptr;
  uint64_t n_rows_ = 0;
  std::vector<uint64_t> blocks_;          // sentence index where each block starts (+ the end)
  std::vector<uint32_t> keep_threshold_;  // per row: keep if rand32 < threshold (UINT32_MAX = always)
  std::vector<uint32_t> alias_prob_;      // Walker alias table over rows: threshold (2^32 scale)
  std::vector<uint32_t> alias_other_;     //   and the alias row
  std::vector<uint32_t> hs_offset_;       // per row: start of its path in hs_points_/hs_codes_ (V+1)
  std::vector<uint32_t> hs_points_;       // inner-node indices along the path from the root
  std::vector<uint8_t> hs_codes_;         // 0/1 branch codes
  std::vector<uint32_t> hot_rows_;        // several threads: rows merged after every sub-round (ascending)
};

}  // namespace embscope
