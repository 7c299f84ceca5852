// Evaluation-set scoring with gensim's rules over an embscope model.
#include "trace/evaluation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "analysis/correlation.h"
#include "analysis/neighbor_index.h"
#include "analysis/neighbors.h"
#include "analysis/relations.h"
#include "trace/token_filters.h"
#include "text/unicode_words.h"

namespace embscope {
namespace {

std::string fold(const std::string& w, const EvalOptions& o) { return o.case_insensitive ? to_upper(w) : w; }

}  // namespace

EvalVocabulary evaluation_vocabulary(const Model& model, const EvalOptions& options) {
  const EmbeddingTable& table = model.token_table();
  const size_t n = table.n_rows();
  const Vocabulary* vocab = model.vocabulary();
  std::vector<std::pair<uint32_t, std::string>> keys;  // (row, word)
  EvalVocabulary out;
  if (vocab && is_subword_vocabulary(*vocab)) {
    for (size_t r = 0; r < n; ++r) {
      const std::string* piece = vocab->piece(r);
      if (!piece || vocab->is_special(r) || table.trained(r) == std::optional<bool>(false)) continue;
      if (auto w = whole_word_of_piece(*vocab, *piece)) keys.emplace_back(static_cast<uint32_t>(r), std::move(*w));
    }
    const auto counts = corpus_counts(model);
    if (!counts.empty())
      std::stable_sort(keys.begin(), keys.end(), [&](const auto& a, const auto& b) { return counts[a.first] > counts[b.first]; });
    out.rule = fmt::format("word-start pieces made of letters ({} vocabulary), trained rows, by {}", vocab->model_type(),
                           counts.empty() ? "id" : "corpus count");
  } else {
    for (size_t r = 0; r < n; ++r) {
      const std::string* piece = vocab ? vocab->piece(r) : nullptr;
      if (piece && !piece->empty()) keys.emplace_back(static_cast<uint32_t>(r), *piece);
    }
    out.rule = "every word of the vocabulary, in row order";
  }
  out.n_keys = keys.size();
  if (keys.size() > options.restrict) keys.resize(options.restrict);
  for (auto& [row, word] : keys) {
    out.lookup.emplace(fold(word, options), static_cast<uint32_t>(out.rows.size()));  // first wins
    out.rows.push_back(row);
    out.words.push_back(std::move(word));
  }
  return out;
}

std::vector<float> candidate_rows(const EmbeddingTable& table, const EvalVocabulary& vocab) {
  const size_t d = table.n_dims();
  std::vector<float> out(vocab.rows.size() * d);
  for (size_t i = 0; i < vocab.rows.size(); ++i) table.row(vocab.rows[i], std::span(out.data() + i * d, d));
  return out;
}

AnalogyReport evaluate_analogies(MatrixView candidates, const EvalVocabulary& vocab, const AnalogySet& set,
                                 const EvalOptions& options, size_t keep_misses) {
  const size_t d = candidates.n_cols;
  // One 3CosAdd query per answerable question: unit(mean(unit(b), unit(c), -unit(a))).
  struct Asked {
    size_t section;
    const AnalogyQuestion* q;
    std::string folded[4];
  };
  std::vector<Asked> asked;
  std::vector<float> queries;
  std::vector<std::vector<uint32_t>> exclude;
  AnalogyReport report;
  for (size_t s = 0; s < set.sections.size(); ++s) {
    report.sections.push_back({set.sections[s].name, 0, 0, 0});
    for (const auto& q : set.sections[s].questions) {
      ++report.questions;
      Asked a{s, &q, {fold(q.a, options), fold(q.b, options), fold(q.c, options), fold(q.expected, options)}};
      uint32_t idx[4];
      bool known = true;
      for (int i = 0; i < 4 && known; ++i) {
        const auto it = vocab.lookup.find(a.folded[i]);
        known = it != vocab.lookup.end();
        if (known) idx[i] = it->second;
      }
      if (!known) {
        ++report.sections[s].out_of_vocabulary;
        if (options.count_oov_as_wrong) ++report.sections[s].incorrect;
        continue;
      }
      std::vector<double> dir = cosadd_direction({candidates.row(idx[1]), candidates.row(idx[2])}, {candidates.row(idx[0])});
      dir.resize(d, 0.0);  // the three cancel out: a zero query, answered by nothing
      for (double x : dir) queries.push_back(static_cast<float>(x));
      exclude.push_back({idx[0], idx[1], idx[2]});
      asked.push_back(std::move(a));
    }
  }
  const NeighborIndex index(RowTable::of(candidates), Metric::Cosine, asked.size() >= 64 ? UnitCopy::Best : UnitCopy::None);
  const auto found = index.search(MatrixView{queries.data(), asked.size(), d}, 5, SearchFilter{nullptr, exclude});
  for (size_t i = 0; i < asked.size(); ++i) {
    const Asked& a = asked[i];
    // gensim: the first of the top 5 whose key is not a question word; else the last one.
    std::string predicted, shown;
    for (const auto& nb : found[i]) {
      predicted = fold(vocab.words[nb.row], options);
      shown = vocab.words[nb.row];
      if (predicted != a.folded[0] && predicted != a.folded[1] && predicted != a.folded[2]) break;
    }
    AnalogyScore& score = report.sections[a.section];
    if (predicted == a.folded[3]) {
      ++score.correct;
    } else {
      ++score.incorrect;
      if (report.misses.size() < keep_misses)
        report.misses.push_back({fmt::format("{} {} {} {}", a.q->a, a.q->b, a.q->c, a.q->expected), shown});
    }
  }
  report.total.section = "Total accuracy";
  for (const auto& s : report.sections) {
    report.total.correct += s.correct;
    report.total.incorrect += s.incorrect;
    report.total.out_of_vocabulary += s.out_of_vocabulary;
  }
  return report;
}

PairReport evaluate_pairs(MatrixView candidates, const EvalVocabulary& vocab, const WordPairSet& set,
                          const EvalOptions& options) {
  PairReport report;
  report.skipped_lines = set.skipped_lines.size();
  std::vector<double> gold, model;
  for (const auto& p : set.pairs) {
    const auto a = vocab.lookup.find(fold(p.a, options)), b = vocab.lookup.find(fold(p.b, options));
    if (a == vocab.lookup.end() || b == vocab.lookup.end()) {
      ++report.out_of_vocabulary;
      if (options.count_oov_as_wrong) {
        gold.push_back(p.score);
        model.push_back(0.0);
      }
      continue;
    }
    gold.push_back(p.score);
    model.push_back(cosine(candidates.row(a->second), candidates.row(b->second)).value_or(0.0));
  }
  report.pairs_used = gold.size();
  const size_t denominator = options.count_oov_as_wrong ? gold.size() : gold.size() + report.out_of_vocabulary;
  report.oov_percent = denominator ? 100.0 * static_cast<double>(report.out_of_vocabulary) / static_cast<double>(denominator) : 0.0;
  report.spearman = spearman(gold, model);
  report.pearson = pearson(gold, model);
  return report;
}

}  // namespace embscope
