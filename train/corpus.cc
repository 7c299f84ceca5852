// Corpus building for word2vec: whitespace words or token ids -> frequency-sorted rows.
#include "train/corpus.h"

#include <fmt/format.h>

#include <algorithm>
#include <numeric>
#include <unordered_map>

#include "core/utf8.h"

namespace embscope {

uint64_t TrainVocab::n_trained() const {
  return static_cast<uint64_t>(std::count(trained.begin(), trained.end(), uint8_t{1}));
}

bool is_python_space(char32_t c) {
  if (c < 0x80) return (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x20);
  switch (c) {
    case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029: case 0x202f: case 0x205f: case 0x3000:
      return true;
    default:
      return c >= 0x2000 && c <= 0x200a;
  }
}

Status check_corpus_utf8(std::string_view text, const std::string& path) {
  if (auto bad = find_invalid_utf8(text)) {
    return make_error_at(ErrorKind::InvalidUtf8, path, *bad,
                         fmt::format("invalid UTF-8 in the corpus (byte 0x{:02X}); the corpus must be UTF-8 text",
                                     static_cast<uint8_t>(text[*bad])));
  }
  return {};
}

namespace {

// Rows in order of decreasing count, ties by first occurrence (a stable sort of the
// first-occurrence order, as gensim's sort_by_descending_frequency).
std::vector<uint32_t> rows_by_frequency(const std::vector<uint64_t>& counts, uint64_t min_count, uint64_t max_rows) {
  std::vector<uint32_t> order;
  for (uint32_t i = 0; i < counts.size(); ++i)
    if (counts[i] >= min_count) order.push_back(i);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return counts[a] > counts[b]; });
  if (max_rows > 0 && order.size() > max_rows) order.resize(max_rows);
  return order;
}

Error nothing_to_train(const std::string& path, uint64_t raw, uint64_t distinct, uint64_t min_count, const char* what) {
  if (raw == 0) return make_error(ErrorKind::InvalidArgument, path, fmt::format("the corpus has no {}s to train on", what));
  return make_error(ErrorKind::InvalidArgument, path,
                    fmt::format("no {} occurs at least --min-count {} times ({} {}s, {} distinct); lower --min-count "
                                "or give a larger corpus",
                                what, min_count, raw, what, distinct));
}

}  // namespace

Result<std::pair<TrainVocab, TrainCorpus>> build_word_corpus(std::string_view text, const std::string& path,
                                                             const WordCorpusOptions& o) {
  EMB_TRY(check_corpus_utf8(text, path));
  // Pass 1: words -> first-occurrence index, counted; occurrences recorded.
  std::unordered_map<std::string_view, uint32_t> index;
  std::vector<std::string_view> words;
  std::vector<uint64_t> counts;
  std::vector<uint32_t> occurrences;
  std::vector<uint64_t> ends;
  size_t i = 0, word_start = std::string_view::npos;
  auto end_word = [&](size_t at) {
    if (word_start == std::string_view::npos) return;
    const std::string_view w = text.substr(word_start, at - word_start);
    auto [it, fresh] = index.try_emplace(w, static_cast<uint32_t>(words.size()));
    if (fresh) {
      words.push_back(w);
      counts.push_back(0);
    }
    ++counts[it->second];
    occurrences.push_back(it->second);
    word_start = std::string_view::npos;
  };
  while (i < text.size()) {
    const size_t at = i;
    const auto c = static_cast<unsigned char>(text[i]);
    char32_t cp;
    if (c < 0x80) {
      cp = c;
      ++i;
    } else {
      cp = next_code_point(text, i);
    }
    if (cp == '\n') {
      end_word(at);
      if (ends.empty() ? !occurrences.empty() : ends.back() != occurrences.size()) ends.push_back(occurrences.size());
    } else if (is_python_space(cp)) {
      end_word(at);
    } else if (word_start == std::string_view::npos) {
      word_start = at;
    }
  }
  end_word(text.size());
  if (ends.empty() ? !occurrences.empty() : ends.back() != occurrences.size()) ends.push_back(occurrences.size());

  const std::vector<uint32_t> order = rows_by_frequency(counts, o.min_count, o.max_vocab);
  if (order.empty()) return nothing_to_train(path, occurrences.size(), words.size(), o.min_count, "word");

  TrainVocab vocab;
  constexpr uint32_t kDropped = UINT32_MAX;
  std::vector<uint32_t> row_of(words.size(), kDropped);
  for (uint32_t r = 0; r < order.size(); ++r) {
    row_of[order[r]] = r;
    vocab.pieces.emplace_back(words[order[r]]);
    vocab.counts.push_back(counts[order[r]]);
  }
  vocab.trained.assign(order.size(), 1);

  // Pass 2: occurrences -> rows, dropping the rare words, sentences cut at kMaxSentenceWords.
  TrainCorpus corpus;
  corpus.raw_words = occurrences.size();
  uint64_t begin = 0;
  for (uint64_t end : ends) {
    uint64_t in_sentence = 0;
    for (uint64_t k = begin; k < end; ++k) {
      const uint32_t r = row_of[occurrences[k]];
      if (r == kDropped) continue;
      corpus.ids.push_back(r);
      if (++in_sentence == kMaxSentenceWords) {
        corpus.sentence_ends.push_back(corpus.ids.size());
        in_sentence = 0;
      }
    }
    if (in_sentence > 0) corpus.sentence_ends.push_back(corpus.ids.size());
    begin = end;
  }
  return std::pair{std::move(vocab), std::move(corpus)};
}

Result<std::pair<TrainVocab, TrainCorpus>> build_token_corpus(TrainCorpus tokens, std::vector<std::string> pieces,
                                                              uint64_t min_count, const std::string& path) {
  TrainVocab vocab;
  vocab.counts.assign(pieces.size(), 0);
  for (size_t k = 0; k < tokens.ids.size(); ++k) {
    const uint32_t id = tokens.ids[k];
    if (id >= pieces.size()) {
      return make_error(ErrorKind::OutOfRange, path,
                        fmt::format("token id {} (token {} of the corpus) is past the vocabulary of {} ids", id, k,
                                    pieces.size()));
    }
    ++vocab.counts[id];
  }
  vocab.trained.assign(pieces.size(), 0);
  uint64_t distinct = 0;
  for (size_t id = 0; id < pieces.size(); ++id) {
    distinct += vocab.counts[id] > 0;
    vocab.trained[id] = vocab.counts[id] >= min_count && vocab.counts[id] > 0;
  }
  if (vocab.n_trained() == 0) return nothing_to_train(path, tokens.ids.size(), distinct, min_count, "token");

  TrainCorpus corpus;
  corpus.raw_words = tokens.ids.size();
  uint64_t begin = 0;
  for (uint64_t end : tokens.sentence_ends) {
    uint64_t in_sentence = 0;
    for (uint64_t k = begin; k < end; ++k) {
      if (!vocab.trained[tokens.ids[k]]) continue;
      corpus.ids.push_back(tokens.ids[k]);
      if (++in_sentence == kMaxSentenceWords) {
        corpus.sentence_ends.push_back(corpus.ids.size());
        in_sentence = 0;
      }
    }
    if (in_sentence > 0) corpus.sentence_ends.push_back(corpus.ids.size());
    begin = end;
  }
  vocab.pieces = std::move(pieces);
  return std::pair{std::move(vocab), std::move(corpus)};
}

}  // namespace embscope
