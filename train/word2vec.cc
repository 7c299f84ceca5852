// word2vec driver: sampling tables, Huffman tree, blocks and rounds over threads.
#include "train/word2vec.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cmath>
#include <queue>

#include "core/parallel.h"
#include "train/word2vec_kernel.h"

namespace embscope {
namespace {

uint64_t mix64(uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

uint32_t padded(uint32_t d) { return (d + 15) / 16 * 16; }

// Several threads (see train()): a round is kSubRounds sub-rounds; after each sub-round the hot
// rows are merged, after the last one every row. Hot: the word occurs kHotOccurrences times or
// more in an average sub-round.
constexpr uint64_t kSubRounds = 8;
constexpr double kHotOccurrences = 8;

using BlockFn = void (*)(w2v::BlockArgs&);
BlockFn block_kernel() { return w2v::cpu_has_avx2_fma() ? w2v::train_block_avx2 : w2v::train_block_generic; }

}  // namespace

std::vector<float> Word2VecTables::embeddings() const {
  const uint64_t n_rows = stride ? syn0.size() / stride : 0;
  std::vector<float> out(n_rows * dim);
  for (uint64_t r = 0; r < n_rows; ++r)
    std::copy_n(syn0.begin() + static_cast<ptrdiff_t>(r * stride), dim, out.begin() + static_cast<ptrdiff_t>(r * dim));
  return out;
}

Word2VecTables init_word2vec_tables(uint64_t n_rows, const Word2VecOptions& o, const std::vector<float>* init,
                                    const std::vector<uint8_t>* init_rows) {
  Word2VecTables t;
  t.dim = o.dim;
  t.stride = padded(o.dim);
  t.syn0.assign(n_rows * t.stride, 0.0f);
  for (uint64_t r = 0; r < n_rows; ++r) {
    float* row = t.syn0.data() + r * t.stride;
    if (init && (!init_rows || (*init_rows)[r])) {
      std::copy_n(init->data() + r * o.dim, o.dim, row);
      continue;
    }
    uint64_t state = mix64(o.seed * 0x9e3779b97f4a7c15ull + r + 1);
    for (uint32_t j = 0; j < o.dim; ++j) {
      state = mix64(state + 0x9e3779b97f4a7c15ull);
      const double u = static_cast<double>(state >> 11) * 0x1.0p-53;  // [0, 1)
      row[j] = static_cast<float>((2.0 * u - 1.0) / o.dim);
    }
  }
  if (o.negative > 0) t.syn1neg.assign(n_rows * t.stride, 0.0f);
  if (o.hierarchical) t.syn1.assign(n_rows * t.stride, 0.0f);
  return t;
}

const char* Word2VecTrainer::kernel_name() { return w2v::cpu_has_avx2_fma() ? "avx2+fma" : "generic"; }

Result<Word2VecTrainer> Word2VecTrainer::create(const TrainVocab& vocab, const TrainCorpus& corpus, Word2VecOptions o) {
  auto bad = [](std::string flag, std::string what) { return make_error(ErrorKind::InvalidArgument, flag, what); };
  if (o.dim == 0 || o.dim > 65536) return bad("--dim", "the dimension must be in 1..65536");
  if (o.window == 0 || o.window > 1000) return bad("--window", "the window must be in 1..1000");
  if (o.epochs == 0 || o.epochs > 100000) return bad("--epochs", "epochs must be in 1..100000");
  if (o.negative > 1000) return bad("--negative", "at most 1000 negative samples");
  if (o.negative == 0 && !o.hierarchical) return bad("--negative", "give negative sampling (--negative N) or --hs");
  if (!(o.alpha > 0) || !std::isfinite(o.alpha)) return bad("--alpha", "the learning rate must be positive");
  if (!(o.min_alpha >= 0) || o.min_alpha > o.alpha) return bad("--min-alpha", "min-alpha must be in [0, alpha]");
  if (!(o.sample >= 0) || !std::isfinite(o.sample)) return bad("--sample", "the sub-sampling threshold must be >= 0");
  if (o.threads == 0 || o.threads > 256) return bad("--threads", "threads must be in 1..256");
  if (!std::isfinite(o.ns_exponent)) return bad("--ns-exponent", "must be finite");
  if (vocab.counts.size() != vocab.trained.size() || vocab.counts.size() >= UINT32_MAX) {
    return bad("vocabulary", "inconsistent vocabulary");
  }
  if (corpus.ids.empty()) return bad("corpus", "the corpus has no words left to train on");

  Word2VecTrainer t;
  t.o_ = o;
  t.corpus_ = &corpus;
  t.n_rows_ = vocab.counts.size();
  // Blocks of about 1/128 of the corpus (1,000..50,000 words), whole sentences, independent
  // of the thread count so that a run can be resumed with other threads.
  const uint64_t target = std::clamp<uint64_t>(corpus.ids.size() / 128, 1000, 50000);
  t.blocks_.push_back(0);
  uint64_t start_word = 0;
  for (uint64_t s = 0; s < corpus.sentence_ends.size(); ++s) {
    if (corpus.sentence_ends[s] - start_word >= target || s + 1 == corpus.sentence_ends.size()) {
      t.blocks_.push_back(s + 1);
      start_word = corpus.sentence_ends[s];
    }
  }
  t.build_keep_thresholds(vocab);
  if (o.negative > 0) t.build_noise_table(vocab);
  if (o.hierarchical) t.build_huffman(vocab);
  if (o.threads > 1) t.build_hot_rows(vocab);
  return t;
}

// CBOW trains ~3x more words a second than skip-gram, so its sub-rounds are longer in blocks
// (8 a thread against 4) for the merges to weigh the same; docs/word2vec.md "Threads".
uint64_t Word2VecTrainer::sub_round_blocks() const { return o_.threads == 1 ? 1 : o_.threads * (o_.skip_gram ? 4 : 8); }

void Word2VecTrainer::build_hot_rows(const TrainVocab& vocab) {
  const double share = static_cast<double>(sub_round_blocks()) / static_cast<double>(n_blocks());
  for (uint64_t r = 0; r < n_rows_; ++r)
    if (vocab.trained[r] && static_cast<double>(vocab.counts[r]) * share >= kHotOccurrences)
      hot_rows_.push_back(static_cast<uint32_t>(r));
}

// gensim's rule: threshold_count = sample * (sum of retained counts) for sample < 1, else
// sample itself; P(keep w) = (sqrt(c / t) + 1) * t / c, capped at 1.
void Word2VecTrainer::build_keep_thresholds(const TrainVocab& vocab) {
  keep_threshold_.assign(n_rows_, UINT32_MAX);
  if (o_.sample <= 0) return;
  double retained = 0;
  for (uint64_t r = 0; r < n_rows_; ++r)
    if (vocab.trained[r]) retained += static_cast<double>(vocab.counts[r]);
  const double threshold_count = o_.sample < 1.0 ? o_.sample * retained : o_.sample;
  for (uint64_t r = 0; r < n_rows_; ++r) {
    const double c = static_cast<double>(vocab.counts[r]);
    if (!vocab.trained[r] || c <= 0) continue;
    const double p = (std::sqrt(c / threshold_count) + 1.0) * (threshold_count / c);
    if (p < 1.0) keep_threshold_[r] = static_cast<uint32_t>(std::llround(p * 4294967296.0));
  }
}

// Vose's alias method over count^ns_exponent of the trained rows: O(1) draws from two arrays
// of V entries (cache-sized where word2vec.c's unigram table is 400 MB).
void Word2VecTrainer::build_noise_table(const TrainVocab& vocab) {
  const uint64_t n = n_rows_;
  std::vector<double> w(n, 0.0);
  double total = 0;
  for (uint64_t r = 0; r < n; ++r) {
    if (vocab.trained[r] && vocab.counts[r] > 0) w[r] = std::pow(static_cast<double>(vocab.counts[r]), o_.ns_exponent);
    total += w[r];
  }
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (uint64_t r = 0; r < n; ++r) {
    scaled[r] = w[r] * static_cast<double>(n) / total;
    (scaled[r] < 1.0 ? small : large).push_back(static_cast<uint32_t>(r));
  }
  alias_prob_.assign(n, UINT32_MAX);
  alias_other_.resize(n);
  for (uint64_t r = 0; r < n; ++r) alias_other_[r] = static_cast<uint32_t>(r);
  while (!small.empty() && !large.empty()) {
    const uint32_t s = small.back(), l = large.back();
    small.pop_back();
    alias_prob_[s] = static_cast<uint32_t>(std::min(4294967295.0, std::floor(scaled[s] * 4294967296.0)));
    alias_other_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Left-overs are 1 up to rounding; a zero-weight row may only be left here by rounding, so
  // send it to the heaviest row rather than let it be drawn.
  const auto heaviest = static_cast<uint32_t>(std::max_element(w.begin(), w.end()) - w.begin());
  for (uint32_t r : small) {
    alias_prob_[r] = w[r] > 0 ? UINT32_MAX : 0;
    alias_other_[r] = heaviest;
  }
}

// Huffman tree over the trained rows by count (word2vec.c CreateBinaryTree): leaves are rows,
// inner nodes 0..n_leaves-2 index syn1; each row's path runs from the root.
void Word2VecTrainer::build_huffman(const TrainVocab& vocab) {
  std::vector<uint32_t> leaves;
  for (uint32_t r = 0; r < n_rows_; ++r)
    if (vocab.trained[r]) leaves.push_back(r);
  const size_t n = leaves.size();
  hs_offset_.assign(n_rows_ + 1, 0);
  if (n < 2) {
    hs_points_.clear();
    hs_codes_.clear();
    return;
  }
  // Nodes 0..n-1 leaves, n..2n-2 inner.
  std::vector<uint64_t> weight(2 * n - 1);
  std::vector<uint32_t> parent(2 * n - 1, 0);
  std::vector<uint8_t> branch(2 * n - 1, 0);
  using Item = std::pair<uint64_t, uint32_t>;
  std::priority_queue<Item, std::vector<Item>, std::greater<>> heap;
  for (uint32_t i = 0; i < n; ++i) {
    weight[i] = vocab.counts[leaves[i]];
    heap.emplace(weight[i], i);
  }
  for (uint32_t next = static_cast<uint32_t>(n); next < 2 * n - 1; ++next) {
    const auto [w1, a] = heap.top();
    heap.pop();
    const auto [w2, b] = heap.top();
    heap.pop();
    weight[next] = w1 + w2;
    parent[a] = parent[b] = next;
    branch[b] = 1;
    heap.emplace(weight[next], next);
  }
  const uint32_t root = static_cast<uint32_t>(2 * n - 2);
  std::vector<std::vector<uint32_t>> points(n_rows_);
  std::vector<std::vector<uint8_t>> codes(n_rows_);
  for (uint32_t i = 0; i < n; ++i) {
    std::vector<uint32_t>& p = points[leaves[i]];
    std::vector<uint8_t>& c = codes[leaves[i]];
    for (uint32_t node = i; node != root; node = parent[node]) {
      c.push_back(branch[node]);
      p.push_back(parent[node] - static_cast<uint32_t>(n));
    }
    std::reverse(p.begin(), p.end());
    std::reverse(c.begin(), c.end());
  }
  for (uint64_t r = 0; r < n_rows_; ++r) {
    hs_offset_[r + 1] = hs_offset_[r] + static_cast<uint32_t>(points[r].size());
    hs_points_.insert(hs_points_.end(), points[r].begin(), points[r].end());
    hs_codes_.insert(hs_codes_.end(), codes[r].begin(), codes[r].end());
  }
}

Status Word2VecTrainer::train(Word2VecTables& tables, Word2VecState& state, const Hook& between_rounds) const {
  const uint32_t dp = tables.stride;
  const uint64_t n_blocks = blocks_.size() - 1;
  const TrainCorpus& c = *corpus_;
  auto block_words = [&](uint64_t b) {
    const uint64_t s0 = blocks_[b], s1 = blocks_[b + 1];
    return c.sentence_ends[s1 - 1] - (s0 == 0 ? 0 : c.sentence_ends[s0 - 1]);
  };
  const BlockFn kernel = block_kernel();
  // The workers, worker 0 being the calling thread. If the system refuses some (its thread or
  // memory limit), the run goes on with those that started.
  Team team(o_.threads);
  const uint64_t n_threads = team.size();
  struct Scratch {
    AlignedFloats neu1, work;
    std::vector<uint32_t> sentence;
  };
  std::vector<Scratch> scratch(n_threads);
  for (auto& s : scratch) {
    s.neu1.assign(dp, 0.0f);
    s.work.assign(dp, 0.0f);
    s.sentence.assign(kMaxSentenceWords, 0);
  }
  // One thread: a round is one block (a checkpoint can fall after any block). Several threads: a
  // round is up to kSubRounds sub-rounds of sub_round_blocks() blocks (it ends with the epoch),
  // each block cut into kSlices units handed out in order as threads become free (a merge waits
  // for the slowest thread; small units keep that short).
  const uint64_t sub_blocks = sub_round_blocks();
  const uint64_t round_blocks = n_threads == 1 ? 1 : sub_blocks * kSubRounds;
  constexpr uint64_t kSlices = 8;
  const uint64_t slices = n_threads == 1 ? 1 : kSlices;
  std::vector<w2v::BlockArgs> units;
  // Several threads: each trains its own copy of the tables (delayed Hogwild: on these machines
  // a table written by two cores at once ran no faster than one core, the rows' cache lines
  // moving between them). After a sub-round the hot rows any thread wrote are merged, after a
  // round all of them (every cold row a copy wrote keeps its dirty mark until then), in
  // parallel over interleaved chunks: shared = shared + sum over threads of (copy - shared), and
  // every copy of such a row is reset to the result. Merging cold rows (most of the vocabulary,
  // few updates each) only once a round cuts the rows moved between the cores' caches.
  const bool private_tables = n_threads > 1;
  struct Copy {
    AlignedFloats syn0, syn1neg, syn1;
    std::vector<uint16_t> dirty0, dirty1, dirty_hs;  // rows written this round (uint16_t: no char aliasing)
  };
  std::vector<Copy> own(private_tables ? n_threads : 0);
  for (Copy& cp : own) {
    cp.syn0 = tables.syn0;
    cp.syn1neg = tables.syn1neg;
    cp.syn1 = tables.syn1;
    cp.dirty0.assign(tables.syn0.size() / dp, 0);
    cp.dirty1.assign(tables.syn1neg.size() / dp, 0);
    cp.dirty_hs.assign(tables.syn1.size() / dp, 0);
  }
  using Table = AlignedFloats Copy::*;
  using Dirty = std::vector<uint16_t> Copy::*;
  auto merge_table = [&](AlignedFloats& shared, Table table, Dirty dirty, uint64_t part, uint64_t n_parts, bool all) {
    constexpr uint64_t kChunk = 64;  // rows; frequent rows (low ids) spread over all mergers
    const uint64_t n = all ? shared.size() / dp : hot_rows_.size();
    std::vector<float*> rows(own.size());
    std::vector<const float*> changed(own.size());
    for (uint64_t c0 = part * kChunk; c0 < n; c0 += n_parts * kChunk) {
      for (uint64_t i = c0; i < std::min(n, c0 + kChunk); ++i) {
        const uint64_t r = all ? i : hot_rows_[i];
        size_t n_changed = 0;
        for (size_t k = 0; k < own.size(); ++k) {
          rows[k] = (own[k].*table).data() + r * dp;
          if ((own[k].*dirty)[r]) {
            (own[k].*dirty)[r] = 0;
            changed[n_changed++] = rows[k];
          }
        }
        if (n_changed == 0) continue;
        float* __restrict out = shared.data() + r * dp;
        if (n_changed == 1) {
          std::copy_n(changed[0], dp, out);
        } else {
          const float k_minus_1 = static_cast<float>(n_changed - 1);
          for (size_t k = 0; k < n_changed; ++k) {
            const float* __restrict cr = changed[k];
            if (k == 0) {
              for (uint32_t j = 0; j < dp; ++j) out[j] = cr[j] - out[j] * k_minus_1;
            } else {
              for (uint32_t j = 0; j < dp; ++j) out[j] += cr[j];
            }
          }
        }
        // A row only one copy wrote is already the result there.
        for (size_t k = 0; k < own.size(); ++k)
          if (n_changed > 1 || rows[k] != changed[0]) std::copy_n(out, dp, rows[k]);
      }
    }
  };
  auto merge = [&](uint64_t part, uint64_t n_parts, bool all) {
    merge_table(tables.syn0, &Copy::syn0, &Copy::dirty0, part, n_parts, all);
    merge_table(tables.syn1neg, &Copy::syn1neg, &Copy::dirty1, part, n_parts, all);
    merge_table(tables.syn1, &Copy::syn1, &Copy::dirty_hs, part, n_parts, true);  // inner nodes: all hot
  };
  // Workers live for the whole run (worker 0 is the calling thread): worker w always trains
  // copy w, which then tends to stay in the caches of the core the OS keeps that thread on.
  // Per sub-round: claim its units until none is left, then (several threads) merge a share of
  // the rows.
  std::vector<std::atomic<uint64_t>> next(kSubRounds);
  std::vector<uint64_t> sub_end(kSubRounds);  // units [sub_end[s - 1], sub_end[s]) form sub-round s
  uint64_t n_sub = 0;
  bool stop = false;
  std::barrier sync(static_cast<std::ptrdiff_t>(n_threads));
  auto round_work = [&](uint64_t w) {
    for (uint64_t sr = 0; sr < n_sub; ++sr) {
      for (uint64_t k = next[sr].fetch_add(1); k < sub_end[sr]; k = next[sr].fetch_add(1)) {
        w2v::BlockArgs& a = units[k];
        a.neu1 = scratch[w].neu1.data();
        a.work = scratch[w].work.data();
        a.sentence = scratch[w].sentence.data();
        if (private_tables) {
          Copy& cp = own[w];
          a.syn0 = cp.syn0.data();
          a.syn1neg = cp.syn1neg.empty() ? nullptr : cp.syn1neg.data();
          a.syn1 = cp.syn1.empty() ? nullptr : cp.syn1.data();
          a.dirty0 = cp.dirty0.data();
          a.dirty1 = cp.dirty1.empty() ? nullptr : cp.dirty1.data();
          a.dirty_hs = cp.dirty_hs.empty() ? nullptr : cp.dirty_hs.data();
        }
        kernel(a);
      }
      if (!private_tables) continue;
      sync.arrive_and_wait();  // every copy has finished the sub-round
      merge(w, n_threads, sr + 1 == n_sub);
      if (sr + 1 < n_sub) sync.arrive_and_wait();  // merged: the copies are trained on again
    }
  };
  // What every unit of the run shares; a unit adds its sentences, schedule position and seed.
  w2v::BlockArgs run_args;
  run_args.syn0 = tables.syn0.data();
  run_args.syn1neg = tables.syn1neg.empty() ? nullptr : tables.syn1neg.data();
  run_args.syn1 = tables.syn1.empty() ? nullptr : tables.syn1.data();
  run_args.stride = dp;
  run_args.ids = c.ids.data();
  run_args.sentence_ends = c.sentence_ends.data();
  run_args.keep_threshold = keep_threshold_.data();
  run_args.alias_prob = alias_prob_.data();
  run_args.alias_other = alias_other_.data();
  run_args.n_rows = static_cast<uint32_t>(n_rows_);
  run_args.hs_offset = hs_offset_.data();
  run_args.hs_points = hs_points_.data();
  run_args.hs_codes = hs_codes_.data();
  run_args.window = o_.window;
  run_args.negative = o_.negative;
  run_args.skip_gram = o_.skip_gram;
  run_args.hierarchical = o_.hierarchical && !hs_points_.empty();
  run_args.cbow_mean = o_.cbow_mean;
  run_args.sample = o_.sample > 0;
  run_args.alpha_start = o_.alpha;
  run_args.alpha_end = o_.min_alpha;
  run_args.words_scale = 1.0;
  run_args.total_words = static_cast<double>(total_words());
  // Worker 0's part: prepares each round, trains it with the others, then the hook.
  auto rounds = [&]() -> Status {
    while (state.epoch < o_.epochs) {
      const uint64_t first = state.next_block;
      const uint64_t n_round = std::min<uint64_t>(round_blocks, n_blocks - first);
      double before = static_cast<double>(state.words_done);
      // Work units: whole blocks with one thread; with several, each block is cut into up to
      // kSlices runs of whole sentences so that the workers reach the merge at nearly the same time.
      units.clear();
      n_sub = 0;
      for (uint64_t k = 0; k < n_round; ++k) {
        const uint64_t b = first + k;
        if (k > 0 && k % sub_blocks == 0) sub_end.at(n_sub++) = units.size();
        const uint64_t s_end = blocks_[b + 1];
        const double slice_words = static_cast<double>(block_words(b)) / static_cast<double>(slices);
        uint64_t s = blocks_[b];
        const uint64_t w0 = s == 0 ? 0 : c.sentence_ends[s - 1];
        for (uint64_t piece = 0; s < s_end; ++piece) {
          uint64_t e = s + 1;
          while (e < s_end && piece + 1 < slices &&
                 static_cast<double>(c.sentence_ends[e - 1] - w0) < slice_words * static_cast<double>(piece + 1))
            ++e;
          if (piece + 1 == slices) e = s_end;
          w2v::BlockArgs a = run_args;
          a.first_sentence = s;
          a.end_sentence = e;
          a.words_before = before;
          a.rng_seed = mix64(o_.seed ^ mix64((uint64_t{state.epoch} << 40) ^ b));
          if (piece > 0) a.rng_seed = mix64(a.rng_seed + piece);
          const uint64_t unit_words = c.sentence_ends[e - 1] - (s == 0 ? 0 : c.sentence_ends[s - 1]);
          before += static_cast<double>(unit_words);
          units.push_back(a);
          s = e;
        }
      }
      sub_end.at(n_sub++) = units.size();
      for (uint64_t sr = 0; sr < n_sub; ++sr) next[sr].store(sr == 0 ? 0 : sub_end[sr - 1]);
      if (n_threads > 1) sync.arrive_and_wait();  // the round's units are ready
      round_work(0);
      if (n_threads > 1) sync.arrive_and_wait();  // trained and merged
      double round_loss = 0;
      uint64_t round_terms = 0;
      for (const w2v::BlockArgs& a : units) {
        state.words_done += a.words;
        round_loss += a.loss_sum;
        round_terms += a.loss_terms;
      }
      state.loss_sum += round_loss;
      state.loss_terms += round_terms;
      state.next_block = first + n_round;
      if (state.next_block == n_blocks) {
        state.next_block = 0;
        ++state.epoch;
      }
      state.finished = state.epoch == o_.epochs;
      if (between_rounds) {
        const double round_mean = round_terms ? round_loss / static_cast<double>(round_terms) : 0.0;
        const Word2VecProgress p{&state, total_words(), round_mean, units.back().last_alpha,
                                 static_cast<uint32_t>(n_threads)};
        EMB_TRY(between_rounds(tables, p));
      }
    }
    return {};
  };
  Status result;
  team.run([&](size_t w) {
    if (w > 0) {  // a helper: trains each round worker 0 prepares, until told to stop
      for (;;) {
        sync.arrive_and_wait();
        if (stop) return;
        round_work(w);
        sync.arrive_and_wait();
      }
    }
    struct Release {  // lets the helpers return, on every path out of the rounds
      bool& stop;
      std::barrier<>& sync;
      bool any;
      ~Release() {
        if (!any) return;
        stop = true;
        sync.arrive_and_wait();
      }
    } release{stop, sync, n_threads > 1};
    result = rounds();
  });
  return result;
}

}  // namespace embscope
