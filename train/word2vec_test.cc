// word2vec: planted structure recovered, gradient of one SGNS step against finite differences,
// determinism, resume from a checkpoint, and bad corpora.
#include "train/word2vec.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <random>

#include "core/parallel.h"
#include "testing.h"
#include "train/corpus.h"
#include "train/word2vec_io.h"
#include "train/word2vec_kernel.h"

namespace embscope {
namespace {

// Two disjoint groups of 20 words; every sentence draws from one group only.
std::string planted_corpus(uint32_t n_sentences, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string text;
  for (uint32_t s = 0; s < n_sentences; ++s) {
    const char group = s % 2 ? 'a' : 'b';
    for (int w = 0; w < 12; ++w) text += fmt::format("{}{} ", group, rng() % 20);
    text += "\n";
  }
  return text;
}

double cos_rows(const std::vector<float>& t, uint32_t d, uint32_t a, uint32_t b) {
  double dot = 0, na = 0, nb = 0;
  for (uint32_t j = 0; j < d; ++j) {
    dot += double{t[a * d + j]} * t[b * d + j];
    na += double{t[a * d + j]} * t[a * d + j];
    nb += double{t[b * d + j]} * t[b * d + j];
  }
  return dot / std::sqrt(na * nb);
}

// Mean cosine of each of rows_a to every b_step-th row (b != a), within its group (same first
// letter of the word) and across groups.
struct GroupMeans {
  double within, across;
};
GroupMeans group_means(const std::vector<float>& t, uint32_t d, const std::vector<std::string>& pieces,
                       const std::vector<uint32_t>& rows_a, uint32_t b_step) {
  double within = 0, across = 0;
  int nw = 0, na = 0;
  for (uint32_t a : rows_a)
    for (uint32_t b = 0; b < pieces.size(); b += b_step) {
      if (a == b) continue;
      const double c = cos_rows(t, d, a, b);
      if (pieces[a][0] == pieces[b][0]) within += c, ++nw;
      else across += c, ++na;
    }
  return {within / nw, across / na};
}

struct Trained {
  TrainVocab vocab;
  std::vector<float> table;
};

// Small and quick for the planted corpus: dimension 16, 3 epochs, no sub-sampling.
Word2VecOptions planted_options() {
  Word2VecOptions o;
  o.dim = 16;
  o.epochs = 3;
  o.sample = 0;
  return o;
}

// threads_ran (optional): the threads the trainer reports in its progress.
Trained train_planted(Word2VecOptions o, uint32_t seed = 7, uint32_t* threads_ran = nullptr) {
  auto built = build_word_corpus(planted_corpus(2000, seed), "planted", {5, 0});
  EXPECT_TRUE(built.has_value());
  auto& [vocab, corpus] = *built;
  auto trainer = Word2VecTrainer::create(vocab, corpus, o);
  EXPECT_TRUE(trainer.has_value()) << trainer.error().to_string();
  Word2VecTables t = init_word2vec_tables(vocab.counts.size(), o);
  Word2VecState state;
  Word2VecTrainer::Hook hook;
  if (threads_ran) {
    hook = [&](const Word2VecTables&, const Word2VecProgress& p) -> Status {
      *threads_ran = p.threads;
      return {};
    };
  }
  EXPECT_TRUE(trainer->train(t, state, hook).has_value());
  EXPECT_TRUE(state.finished);
  return {vocab, t.embeddings()};
}

// Every word's 5 nearest neighbours are in its own group.
void expect_groups_separate(const Trained& r, uint32_t d) {
  const size_t v = r.vocab.pieces.size();
  ASSERT_EQ(v, 40u);
  size_t wrong = 0;
  for (uint32_t a = 0; a < v; ++a) {
    std::vector<std::pair<double, uint32_t>> sims;
    for (uint32_t b = 0; b < v; ++b)
      if (b != a) sims.emplace_back(cos_rows(r.table, d, a, b), b);
    std::sort(sims.rbegin(), sims.rend());
    for (int k = 0; k < 5; ++k) wrong += r.vocab.pieces[sims[k].second][0] != r.vocab.pieces[a][0];
  }
  EXPECT_EQ(wrong, 0u) << "neighbours from the other group";
}

TEST(Word2Vec, SkipGramNegativeSamplingRecoversPlantedGroups) {
  Word2VecOptions o;
  o.dim = 16;
  o.epochs = 3;
  expect_groups_separate(train_planted(o), o.dim);
}

TEST(Word2Vec, CbowNegativeSamplingRecoversPlantedGroups) {
  Word2VecOptions o = planted_options();
  o.skip_gram = false;
  expect_groups_separate(train_planted(o), o.dim);
}

// More negatives than the kernel draws ahead (8): the rest are drawn in chunks. With a learning
// rate of ~0 every output row stays zero, so every prediction costs exactly log 2 and the mean
// loss per positive counts the predictions made: 1 + 20 x P(negative != target) = 1 + 20 x ~39/40.
TEST(Word2Vec, EveryNegativeIsUsedPastTheDrawAhead) {
  auto built = build_word_corpus(planted_corpus(200, 3), "planted", {5, 0});
  ASSERT_TRUE(built.has_value());
  auto& [vocab, corpus] = *built;
  Word2VecOptions o;
  o.dim = 16;
  o.epochs = 1;
  o.negative = 20;
  o.alpha = 1e-30;
  o.min_alpha = 0;
  o.sample = 0;
  for (bool skip_gram : {true, false}) {
    o.skip_gram = skip_gram;
    auto trainer = Word2VecTrainer::create(vocab, corpus, o);
    ASSERT_TRUE(trainer.has_value());
    Word2VecTables t = init_word2vec_tables(vocab.counts.size(), o);
    Word2VecState state;
    ASSERT_TRUE(trainer->train(t, state, nullptr).has_value());
    ASSERT_GT(state.loss_terms, 1000u);
    const double predictions = state.loss_sum / static_cast<double>(state.loss_terms) / std::log(2.0);
    EXPECT_GT(predictions, 1 + 20 * 0.95) << (skip_gram ? "skip-gram" : "CBOW");
    EXPECT_LT(predictions, 1 + 20 * 0.995) << (skip_gram ? "skip-gram" : "CBOW");
  }
  o.alpha = 0.025;
  o.min_alpha = 0.0001;
  o.epochs = 3;
  expect_groups_separate(train_planted(o), o.dim);
}

TEST(Word2Vec, HierarchicalSoftmaxRecoversPlantedGroups) {
  for (bool sg : {true, false}) {
    Word2VecOptions o = planted_options();
    o.negative = 0;
    o.hierarchical = true;
    o.skip_gram = sg;
    SCOPED_TRACE(sg ? "skip-gram" : "cbow");
    expect_groups_separate(train_planted(o), o.dim);
  }
}

TEST(Word2Vec, RandomInitHasNoGroups) {
  Word2VecOptions o;
  o.dim = 16;
  auto built = build_word_corpus(planted_corpus(200, 1), "planted", {1, 0});
  ASSERT_TRUE(built.has_value());
  const auto t = init_word2vec_tables(built->first.counts.size(), o).embeddings();
  std::vector<uint32_t> rows(40);
  std::iota(rows.begin(), rows.end(), 0u);
  const GroupMeans m = group_means(t, o.dim, built->first.pieces, rows, 1);
  EXPECT_LT(std::abs(m.within - m.across), 0.1);
  for (float x : t) EXPECT_LE(std::abs(x), 1.0f / o.dim);
}

// L(u, v0, v1..) = -log s(u.v0) - sum_k log s(-u.vk). One step moves every vector by
// -alpha * dL/d(vector), all gradients at the old values.
double sgns_loss(const std::vector<double>& u, const std::vector<std::vector<double>>& v) {
  double loss = 0;
  for (size_t k = 0; k < v.size(); ++k) {
    double f = 0;
    for (size_t j = 0; j < u.size(); ++j) f += u[j] * v[k][j];
    loss += std::log1p(std::exp(k == 0 ? -f : f));
  }
  return loss;
}

TEST(Word2Vec, SgnsStepIsGradientDescentOnTheLoss) {
  using StepFn = double (*)(float*, float* const*, uint32_t, uint32_t, float, float*);
  std::vector<std::pair<const char*, StepFn>> kernels = {{"generic", w2v::sgns_step_generic}};
  if (w2v::cpu_has_avx2_fma()) kernels.emplace_back("avx2", w2v::sgns_step_avx2);
  const uint32_t d = 32, n_out = 6;
  const float alpha = 0.01f;
  std::mt19937 rng(3);
  std::normal_distribution<float> normal(0.0f, 0.35f);
  for (const auto& [name, step] : kernels) {
    SCOPED_TRACE(name);
    std::vector<float> u(d);
    std::vector<std::vector<float>> v(n_out, std::vector<float>(d));
    for (auto& x : u) x = normal(rng);
    for (auto& row : v)
      for (auto& x : row) x = normal(rng);
    std::vector<double> ud(u.begin(), u.end());
    std::vector<std::vector<double>> vd;
    for (const auto& row : v) vd.emplace_back(row.begin(), row.end());
    // Central differences in double.
    const double h = 1e-5;
    auto numeric = [&](std::vector<double>& x, size_t j) {
      const double keep = x[j];
      x[j] = keep + h;
      const double up = sgns_loss(ud, vd);
      x[j] = keep - h;
      const double down = sgns_loss(ud, vd);
      x[j] = keep;
      return (up - down) / (2 * h);
    };
    std::vector<double> grad_u(d);
    std::vector<std::vector<double>> grad_v(n_out, std::vector<double>(d));
    for (size_t j = 0; j < d; ++j) grad_u[j] = numeric(ud, j);
    for (size_t k = 0; k < n_out; ++k)
      for (size_t j = 0; j < d; ++j) grad_v[k][j] = numeric(vd[k], j);

    std::vector<float*> outs;
    for (auto& row : v) outs.push_back(row.data());
    std::vector<float> work(d);
    const double loss = step(u.data(), outs.data(), n_out, d, alpha, work.data());
    EXPECT_NEAR(loss, sgns_loss(ud, vd), 1e-5);
    double max_diff = 0;
    for (size_t j = 0; j < d; ++j) max_diff = std::max(max_diff, std::abs((u[j] - ud[j]) - (-alpha * grad_u[j])));
    for (size_t k = 0; k < n_out; ++k)
      for (size_t j = 0; j < d; ++j)
        max_diff = std::max(max_diff, std::abs((v[k][j] - vd[k][j]) - (-alpha * grad_v[k][j])));
    // Updates are ~1e-3; the tabulated logistic function is within ~1e-6.
    EXPECT_LT(max_diff, 2e-7) << "max |update - (-alpha grad)|";
  }
}

TEST(Word2Vec, OneThreadAndASeedAreDeterministic) {
  Word2VecOptions o;
  o.dim = 8;
  o.epochs = 2;
  const auto a = train_planted(o), b = train_planted(o);
  EXPECT_EQ(a.table, b.table);
  o.seed = 2;
  const auto c = train_planted(o);
  EXPECT_NE(a.table, c.table);
}

TEST(Word2Vec, ResumeFromCheckpointEqualsUninterruptedRun) {
  testing::TempDir dir;
  auto built = build_word_corpus(planted_corpus(3000, 5), "planted", {5, 0});
  ASSERT_TRUE(built.has_value());
  auto& [vocab, corpus] = *built;
  Word2VecOptions o;
  o.dim = 8;
  o.epochs = 3;
  o.hierarchical = true;
  auto trainer = Word2VecTrainer::create(vocab, corpus, o);
  ASSERT_TRUE(trainer.has_value());
  ASSERT_GT(trainer->n_blocks(), 2u);

  Word2VecTables full = init_word2vec_tables(vocab.counts.size(), o);
  Word2VecState full_state;
  ASSERT_TRUE(trainer->train(full, full_state, nullptr).has_value());

  const std::string ckpt = dir.file("checkpoint.safetensors");
  const std::string fp = run_fingerprint(vocab, corpus, o);
  Word2VecTables t = init_word2vec_tables(vocab.counts.size(), o);
  Word2VecState state;
  int rounds = 0;
  auto interrupted = trainer->train(t, state, [&](const Word2VecTables& tab, const Word2VecProgress& p) -> Status {
    EMB_TRY(write_checkpoint(ckpt, tab, *p.state, fp));
    if (++rounds == 5) return make_error(ErrorKind::Io, "test", "killed");
    return {};
  });
  ASSERT_FALSE(interrupted.has_value());

  Word2VecTables resumed = init_word2vec_tables(vocab.counts.size(), o);
  Word2VecState resumed_state;
  ASSERT_TRUE(read_checkpoint(ckpt, resumed, resumed_state, fp).has_value());
  EXPECT_GT(resumed_state.words_done, 0u);
  EXPECT_FALSE(resumed_state.finished);
  ASSERT_TRUE(trainer->train(resumed, resumed_state, nullptr).has_value());
  EXPECT_EQ(resumed.syn0, full.syn0);
  EXPECT_EQ(resumed.syn1neg, full.syn1neg);
  EXPECT_EQ(resumed.syn1, full.syn1);
  EXPECT_EQ(resumed_state.words_done, full_state.words_done);

  // Another run's checkpoint is refused.
  Word2VecOptions other = o;
  other.window = 3;
  auto refused = read_checkpoint(ckpt, resumed, resumed_state, run_fingerprint(vocab, corpus, other));
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("another run"), std::string::npos);
}

TEST(Word2Vec, TwoThreadsStillLearnTheGroups) {
  // 40 words, every row written by both threads' copies between merges.
  Word2VecOptions o = planted_options();
  o.threads = 2;
  expect_groups_separate(train_planted(o), o.dim);
}

TEST(Word2Vec, RefusedThreadsShrinkTheRunInsteadOfEndingIt) {
  // The system refusing worker threads (its thread or memory limit; simulated here, and for
  // real by the e2e test under an RLIMIT_NPROC) used to end the process in std::terminate.
  Word2VecOptions o = planted_options();
  o.threads = 3;
  uint32_t ran = 0;
  {
    ThreadStartLimitForTesting limit(1);
    const Trained two = train_planted(o, 7, &ran);
    EXPECT_EQ(ran, 2u);
    expect_groups_separate(two, o.dim);
  }
  // None started: the run is the one-thread run, bit for bit.
  Trained alone;
  {
    ThreadStartLimitForTesting limit(0);
    alone = train_planted(o, 7, &ran);
  }
  EXPECT_EQ(ran, 1u);
  o.threads = 1;
  EXPECT_EQ(alone.table, train_planted(o).table);
  expect_groups_separate(alone, o.dim);
}

TEST(Word2Vec, TwoThreadsSeparateLargeGroups) {
  // 2 x 900 words: frequent and rare rows, merged from both threads' copies after every round.
  std::mt19937 rng(11);
  std::string text;
  for (int s = 0; s < 40000; ++s) {
    const char group = s % 2 ? 'a' : 'b';
    for (int w = 0; w < 12; ++w) text += fmt::format("{}{} ", group, rng() % 900);
    text += "\n";
  }
  auto built = build_word_corpus(text, "planted", {1, 0});
  ASSERT_TRUE(built.has_value());
  auto& [vocab, corpus] = *built;
  ASSERT_EQ(vocab.pieces.size(), 1800u);
  Word2VecOptions o;
  o.dim = 24;
  o.epochs = 2;
  o.threads = 2;
  auto trainer = Word2VecTrainer::create(vocab, corpus, o);
  ASSERT_TRUE(trainer.has_value());
  Word2VecTables t = init_word2vec_tables(vocab.counts.size(), o);
  Word2VecState state;
  ASSERT_TRUE(trainer->train(t, state, nullptr).has_value());
  EXPECT_EQ(state.words_done, uint64_t{o.epochs} * corpus.ids.size());
  const auto e = t.embeddings();
  // Mean cosine within a group clearly above the mean across groups, for frequent and rare rows.
  for (auto [lo, hi] : {std::pair<uint32_t, uint32_t>{0, 200}, {1200, 1800}}) {
    std::vector<uint32_t> rows;
    for (uint32_t a = lo; a < hi; a += 7) rows.push_back(a);
    const GroupMeans m = group_means(e, o.dim, vocab.pieces, rows, 5);
    EXPECT_GT(m.within, m.across + 0.2) << "rows " << lo << ".." << hi;
  }
}

TEST(Word2Vec, TwoThreadsMergeColdRowsOncePerRound) {
  // 2 x 100 frequent words (~1,200 occurrences each: hot, merged after every sub-round) and
  // 2 x 8,000 rare ones (~15 each, ~2 a sub-round: cold, merged once a round). Both kinds must
  // learn their group.
  constexpr uint32_t kFrequent = 100, kRare = 8000, kRows = 2 * (kFrequent + kRare);
  std::mt19937 rng(5);
  std::string text;
  for (int s = 0; s < 40000; ++s) {
    const char group = s % 2 ? 'a' : 'b';
    for (int w = 0; w < 6; ++w) {
      const uint32_t f = rng() % kFrequent, r = rng() % kRare;
      text += fmt::format("{}f{} {}r{} ", group, f, group, r);
    }
    text += "\n";
  }
  auto built = build_word_corpus(text, "planted", {1, 0});
  ASSERT_TRUE(built.has_value());
  auto& [vocab, corpus] = *built;
  ASSERT_EQ(vocab.pieces.size(), kRows);
  Word2VecOptions o;
  o.dim = 24;
  o.epochs = 3;
  o.threads = 2;
  o.skip_gram = false;
  auto trainer = Word2VecTrainer::create(vocab, corpus, o);
  ASSERT_TRUE(trainer.has_value());
  std::vector<bool> hot(kRows);
  for (uint32_t r : trainer->hot_rows()) hot[r] = true;
  uint32_t cold_rare = 0;
  for (uint32_t r = 0; r < kRows; ++r) {
    if (vocab.pieces[r][1] == 'f') EXPECT_TRUE(hot[r]) << vocab.pieces[r] << " count " << vocab.counts[r];
    else cold_rare += !hot[r];
  }
  EXPECT_GT(cold_rare, 2 * kRare * 95 / 100);
  Word2VecTables t = init_word2vec_tables(vocab.counts.size(), o);
  const Word2VecTables start = t;
  Word2VecState state;
  ASSERT_TRUE(trainer->train(t, state, nullptr).has_value());
  const auto e = t.embeddings();
  const auto e0 = start.embeddings();
  for (bool kind : {true, false}) {
    std::vector<uint32_t> rows;
    double moved = 0, before = 0;
    for (uint32_t a = 0; a < kRows; a += 3) {
      if (hot[a] != kind) continue;
      rows.push_back(a);
      for (uint32_t j = 0; j < o.dim; ++j) {
        const double d = e[a * o.dim + j] - e0[a * o.dim + j];
        moved += d * d;
        before += double{e0[a * o.dim + j]} * e0[a * o.dim + j];
      }
    }
    ASSERT_GT(rows.size(), 30u);
    const GroupMeans m = group_means(e, o.dim, vocab.pieces, rows, 11);
    EXPECT_GT(m.within, m.across + 0.2) << (kind ? "hot" : "cold") << " rows";
    EXPECT_GT(moved, 2 * before) << (kind ? "hot" : "cold") << " rows barely moved from their init";
  }
}

TEST(Word2VecCorpus, VocabularyIsSortedByCountThenFirstOccurrence) {
  auto built = build_word_corpus("b a c\nc a\n\n\nd c\ne\xC2\xA0" "f\n", "t", {1, 0});
  ASSERT_TRUE(built.has_value());
  const auto& [vocab, corpus] = *built;
  EXPECT_EQ(vocab.pieces, (std::vector<std::string>{"c", "a", "b", "d", "e", "f"}));
  EXPECT_EQ(vocab.counts, (std::vector<uint64_t>{3, 2, 1, 1, 1, 1}));
  EXPECT_EQ(corpus.sentence_ends, (std::vector<uint64_t>{3, 5, 7, 9}));  // U+00A0 splits like str.split()
  EXPECT_EQ(corpus.raw_words, 9u);
}

TEST(Word2VecCorpus, MinCountDropsRareWordsAndMaxVocabKeepsTheMostFrequent) {
  auto built = build_word_corpus("x x x y y z\n", "t", {2, 0});
  ASSERT_TRUE(built.has_value());
  EXPECT_EQ(built->first.pieces, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(built->second.ids, (std::vector<uint32_t>{0, 0, 0, 1, 1}));
  auto capped = build_word_corpus("x x x y y z\n", "t", {1, 1});
  ASSERT_TRUE(capped.has_value());
  EXPECT_EQ(capped->first.pieces, (std::vector<std::string>{"x"}));
}

TEST(Word2VecCorpus, BadCorporaGetClearErrors) {
  auto bad = build_word_corpus("fine words\nbad \xC3( here\n", "corpus.txt", {1, 0});
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, ErrorKind::InvalidUtf8);
  EXPECT_EQ(bad.error().offset, std::optional<uint64_t>(15));
  auto empty = build_word_corpus("\n\n  \n", "corpus.txt", {1, 0});
  ASSERT_FALSE(empty.has_value());
  EXPECT_NE(empty.error().message.find("no words"), std::string::npos);
  auto rare = build_word_corpus("a b c\n", "corpus.txt", {5, 0});
  ASSERT_FALSE(rare.has_value());
  EXPECT_NE(rare.error().message.find("--min-count 5"), std::string::npos) << rare.error().message;

  // A single word: a vocabulary of one, nothing to predict it from; training still runs.
  auto single = build_word_corpus("word\n", "corpus.txt", {1, 0});
  ASSERT_TRUE(single.has_value());
  Word2VecOptions o;
  o.dim = 4;
  auto trainer = Word2VecTrainer::create(single->first, single->second, o);
  ASSERT_TRUE(trainer.has_value());
  auto t = init_word2vec_tables(1, o);
  Word2VecState s;
  EXPECT_TRUE(trainer->train(t, s, nullptr).has_value());
}

TEST(Word2VecCorpus, TokenIdsPastTheVocabularyAreRefused) {
  TrainCorpus raw;
  raw.ids = {0, 1, 7};
  raw.sentence_ends = {3};
  auto r = build_token_corpus(raw, {"a", "b", "c"}, 1, "ids");
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().kind, ErrorKind::OutOfRange);
  raw.ids = {0, 1, 1};
  auto ok = build_token_corpus(raw, {"a", "b", "c"}, 2, "ids");
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(ok->first.trained, (std::vector<uint8_t>{0, 1, 0}));
  EXPECT_EQ(ok->second.ids, (std::vector<uint32_t>{1, 1}));
}

TEST(Word2VecOptions, InvalidOptionsAreRefused) {
  auto built = build_word_corpus("a b c a b c\n", "t", {1, 0});
  ASSERT_TRUE(built.has_value());
  auto check = [&](auto mutate, const char* flag) {
    Word2VecOptions o;
    mutate(o);
    auto r = Word2VecTrainer::create(built->first, built->second, o);
    ASSERT_FALSE(r.has_value()) << flag;
    EXPECT_EQ(r.error().path, flag);
  };
  check([](Word2VecOptions& o) { o.dim = 0; }, "--dim");
  check([](Word2VecOptions& o) { o.window = 0; }, "--window");
  check([](Word2VecOptions& o) { o.negative = 0; }, "--negative");
  check([](Word2VecOptions& o) { o.alpha = -1; }, "--alpha");
  check([](Word2VecOptions& o) { o.threads = 0; }, "--threads");
}

}  // namespace
}  // namespace embscope
