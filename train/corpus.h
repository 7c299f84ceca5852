// A training corpus as word2vec sees it: sentences of row ids into a vocabulary sorted by
// frequency. Built from plain text split on whitespace (words), or from token ids that a
// tokenizer produced (the caller tokenizes; this layer knows no tokenizer).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace embscope {

// Sentences longer than this are cut into pieces of this many words (gensim's
// MAX_WORDS_IN_BATCH truncates instead; cutting loses no text).
inline constexpr uint32_t kMaxSentenceWords = 10000;

struct TrainCorpus {
  // Row ids of the retained words (count >= min_count), sentence after sentence.
  std::vector<uint32_t> ids;
  // sentence_ends[i] = one past the last index of sentence i in `ids`.
  std::vector<uint64_t> sentence_ends;
  uint64_t raw_words = 0;      // every word of the text, retained or not
  uint64_t n_sentences() const { return sentence_ends.size(); }
};

struct TrainVocab {
  // One entry per table row. Word mode: the retained words, most frequent first (ties in
  // order of first occurrence, as gensim sorts). Token mode: every id of the tokenizer.
  std::vector<std::string> pieces;
  std::vector<uint64_t> counts;   // corpus frequency per row
  std::vector<uint8_t> trained;   // 1 = the row takes part in training (count >= min_count)
  uint64_t n_trained() const;
};

// Python's str.isspace() set: what gensim's LineSentence (str.split()) splits on.
bool is_python_space(char32_t c);

// Errors: InvalidUtf8 naming the byte offset: a corpus must be UTF-8 text.
Status check_corpus_utf8(std::string_view text, const std::string& path);

struct WordCorpusOptions {
  uint64_t min_count = 5;
  uint64_t max_vocab = 0;  // 0 = no limit; else keep the max_vocab most frequent words
};

// Word mode: `text` (validated UTF-8, one sentence a line) split on whitespace.
// Errors: InvalidUtf8 with the byte offset; InvalidArgument when no word reaches min_count.
Result<std::pair<TrainVocab, TrainCorpus>> build_word_corpus(std::string_view text, const std::string& path,
                                                             const WordCorpusOptions& o);

// Token mode: `tokens` holds every token id a tokenizer produced (sentence_ends as in
// TrainCorpus) for a vocabulary of pieces.size() ids. Ids seen fewer than min_count times are
// dropped from the corpus and their rows stay untrained. Errors: OutOfRange for an id past the
// vocabulary; InvalidArgument when no id reaches min_count.
Result<std::pair<TrainVocab, TrainCorpus>> build_token_corpus(TrainCorpus tokens, std::vector<std::string> pieces,
                                                              uint64_t min_count, const std::string& path);

}  // namespace embscope
