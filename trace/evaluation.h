// Scoring a model's table on the standard evaluation sets with gensim's conventions
// (KeyedVectors.evaluate_word_analogies / evaluate_word_pairs), so the numbers are comparable
// with published ones: the first `restrict` keys of the vocabulary (most frequent first) are
// the candidates, case-insensitive keys compare upper-cased (first key in order wins), analogy
// answers are 3CosAdd over those keys with the question words excluded, questions or pairs
// with a missing word are skipped (or counted wrong / scored 0 with count_oov_as_wrong).
//
// Keys of a table: a word-level vocabulary (word2vec, GloVe, vocab.txt) gives every row, in row
// order; a subword vocabulary (BPE, Unigram, WordPiece) gives the rows whose piece starts a
// word and is otherwise letters only ("Ġcat" -> "cat", "▁cat" -> "cat", WordPiece "cat" but
// not "##s"), trained and not special, ordered by corpus count when the file records it
// (embscope.counts) and else by id.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/matrix_view.h"
#include "embed/model.h"
#include "formats/eval_sets.h"

namespace embscope {

struct EvalOptions {
  size_t restrict = 300000;
  bool case_insensitive = true;
  bool count_oov_as_wrong = false;  // gensim's dummy4unknown
};

struct EvalVocabulary {
  std::vector<uint32_t> rows;                        // the candidate rows, key order
  std::vector<std::string> words;                    // the word of each of them
  std::unordered_map<std::string, uint32_t> lookup;  // comparison key -> index into rows
  size_t n_keys = 0;                                 // keys before the restriction
  std::string rule;                                  // how keys were chosen, for the report
};
EvalVocabulary evaluation_vocabulary(const Model& model, const EvalOptions& options);

// The candidates' rows as f32 (the model's scaling applied), in key order: row i is table row
// vocab.rows[i]. (n_keys, D) row-major; only these rows are ever read by the evaluation.
std::vector<float> candidate_rows(const EmbeddingTable& table, const EvalVocabulary& vocab);

struct AnalogyScore {
  std::string section;
  size_t correct = 0, incorrect = 0, out_of_vocabulary = 0;
  double accuracy() const { return correct + incorrect ? double(correct) / double(correct + incorrect) : 0.0; }
};
struct AnalogyMiss {
  std::string question;  // "a b c expected"
  std::string predicted;
};
struct AnalogyReport {
  std::vector<AnalogyScore> sections;
  AnalogyScore total;  // section "Total accuracy"
  size_t questions = 0;
  std::vector<AnalogyMiss> misses;  // the first few wrong answers, in file order
};
// candidates: candidate_rows(table, vocab) as a (n_keys, D) view.
AnalogyReport evaluate_analogies(MatrixView candidates, const EvalVocabulary& vocab, const AnalogySet& set,
                                 const EvalOptions& options, size_t keep_misses = 0);

struct PairReport {
  size_t pairs_used = 0, out_of_vocabulary = 0, skipped_lines = 0;
  double oov_percent = 0;
  std::optional<double> spearman, pearson;  // nullopt when no pair (or a constant list) remains
};
PairReport evaluate_pairs(MatrixView candidates, const EvalVocabulary& vocab, const WordPairSet& set,
                          const EvalOptions& options);

}  // namespace embscope
