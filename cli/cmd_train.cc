// `embscope train word2vec CORPUS -o RUN_DIR`: learn an embedding table from text (whitespace
// words, or a model's token ids with -m), with progress, snapshots, checkpoints and --resume.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <iterator>

#include "core/lines.h"
#include "cli/common.h"
#include "core/atomic_file.h"
#include "formats/word2vec.h"
#include "train/word2vec.h"
#include "train/word2vec_io.h"

namespace embscope::cli {
namespace {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct TrainFlags {
  std::string corpus = "-";
  std::string out;
  std::string model;      // -m: train over this tokenizer's ids
  std::string init;       // --init: start from this table
  bool cbow = false, hs = false, cbow_sum = false, resume = false;
  Word2VecOptions o;
  uint64_t min_count = 5, max_vocab = 0;
  double snapshot_every = 0;      // epochs; 0 = no snapshots
  double checkpoint_every = 60;   // seconds; 0 = after every round
  std::string progress = "auto";  // auto | always | never
  std::string dtype = "f32";
  std::string w2v_text, w2v_binary;
};

Result<std::string> read_corpus(const std::string& path) {
  if (path != "-") return read_file(path);
  std::string s{std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>()};
  if (std::cin.bad()) return make_error(ErrorKind::Io, "<stdin>", "read failed");
  return s;
}

// Token mode: every line through the tokenizer (added tokens in the text are plain text).
Result<std::pair<TrainVocab, TrainCorpus>> tokenize_corpus(const Tokenizer& tok, std::string_view text,
                                                           const std::string& where, uint64_t min_count) {
  EMB_TRY(check_corpus_utf8(text, where));
  TrainCorpus raw;
  const EncodeOptions eo{false, SpecialTokens::Text};
  for (LineReader lines(text); lines.next();) {
    const std::string_view line = lines.line();
    if (!line.empty()) {
      auto enc = tok.encode(line, eo);
      if (!enc) {
        Error e = enc.error();
        e.path = where;
        if (e.offset) *e.offset += lines.offset();
        return e;
      }
      for (const auto& t : *enc) raw.ids.push_back(t.id);
      if (raw.sentence_ends.empty() ? !raw.ids.empty() : raw.sentence_ends.back() != raw.ids.size())
        raw.sentence_ends.push_back(raw.ids.size());
    }
  }
  std::vector<std::string> pieces(tok.vocab_size());
  for (uint32_t id = 0; id < pieces.size(); ++id)
    if (const std::string* p = tok.id_to_token(id)) pieces[id] = *p;
  return build_token_corpus(std::move(raw), std::move(pieces), min_count, where);
}

// --init: rows of an existing table, matched by id (token mode) or by word (word mode); rows
// it has no match for keep their random init (InitRows::matched says which).
struct InitRows {
  std::vector<float> rows;       // (V, D); unmatched rows unset
  std::vector<uint8_t> matched;  // per row
  uint64_t n_matched = 0;
};

Result<InitRows> initial_rows(const std::string& spec, const TrainVocab& vocab, bool by_id, Word2VecOptions& o) {
  EMB_TRY_ASSIGN(auto m, open_model({spec, "", ""}));
  const EmbeddingTable& t = m->token_table();
  o.dim = static_cast<uint32_t>(t.n_dims());
  InitRows init;
  init.rows.assign(vocab.counts.size() * o.dim, 0.0f);
  init.matched.assign(vocab.counts.size(), 0);
  for (size_t r = 0; r < vocab.counts.size(); ++r) {
    std::optional<uint32_t> id;
    if (by_id) {
      if (r < t.n_rows()) id = static_cast<uint32_t>(r);
    } else if (m->vocabulary()) {
      id = m->vocabulary()->exact(vocab.pieces[r]);
    }
    if (id && *id < t.n_rows()) {
      t.row(*id, std::span(init.rows.data() + r * o.dim, o.dim));
      init.matched[r] = 1;
      ++init.n_matched;
    }
  }
  return init;
}

std::string format_duration(double s) {
  if (!std::isfinite(s) || s < 0) return "--:--";
  const auto t = static_cast<uint64_t>(s + 0.5);
  return t >= 3600 ? fmt::format("{}:{:02}:{:02}", t / 3600, t / 60 % 60, t % 60) : fmt::format("{}:{:02}", t / 60, t % 60);
}

std::string format_rate(double words_per_s) {
  if (words_per_s >= 1e6) return fmt::format("{:.2f}M", words_per_s / 1e6);
  return fmt::format("{:.0f}k", words_per_s / 1e3);
}

int run_word2vec(const Globals& g, TrainFlags f) {
  const std::string where = f.corpus == "-" ? "<stdin>" : f.corpus;
  auto text = read_corpus(f.corpus);
  if (!text) return report(g, text.error());
  f.o.skip_gram = !f.cbow;
  f.o.hierarchical = f.hs;
  f.o.cbow_mean = !f.cbow_sum;

  std::unique_ptr<Tokenizer> tok;
  Result<std::pair<TrainVocab, TrainCorpus>> built = make_error(ErrorKind::InvalidArgument, "", "");
  if (!f.model.empty()) {
    auto t = open_tokenizer(f.model, "");
    if (!t) return report(g, t.error());
    tok = std::move(*t);
    built = tokenize_corpus(*tok, *text, where, f.min_count);
  } else {
    built = build_word_corpus(*text, where, {f.min_count, f.max_vocab});
  }
  if (!built) return report(g, built.error());
  text->clear();
  text->shrink_to_fit();
  auto& [vocab, corpus] = *built;

  InitRows init;
  if (!f.init.empty()) {
    auto rows = initial_rows(f.init, vocab, tok != nullptr, f.o);
    if (!rows) return report(g, rows.error());
    init = std::move(*rows);
  }
  auto trainer = Word2VecTrainer::create(vocab, corpus, f.o);
  if (!trainer) return report(g, trainer.error());
  Word2VecTables tables = init_word2vec_tables(vocab.counts.size(), f.o, init.rows.empty() ? nullptr : &init.rows,
                                               &init.matched);
  Word2VecState state;
  const std::string fingerprint = run_fingerprint(vocab, corpus, f.o);
  const std::string checkpoint = (fs::path(f.out) / "checkpoint.safetensors").string();
  std::error_code ec;
  if (f.resume) {
    if (!fs::exists(checkpoint, ec)) {
      return report(g, make_error(ErrorKind::NotFound, checkpoint,
                                  "nothing to resume: no checkpoint in this run directory (a finished run removes it)"));
    }
    if (auto s = read_checkpoint(checkpoint, tables, state, fingerprint); !s) return report(g, s.error());
  } else if (fs::exists(checkpoint, ec)) {
    return report(g, make_error(ErrorKind::InvalidArgument, checkpoint,
                                "an interrupted run is here; continue it with --resume, or choose another -o"));
  }

  const bool show = f.progress == "always" || (f.progress == "auto" && isatty(STDERR_FILENO) && !std::getenv("CI"));
  const double total = static_cast<double>(trainer->total_words());
  const double corpus_words = static_cast<double>(corpus.ids.size());
  const uint64_t words_at_start = state.words_done;
  auto snapshot_index = [&](uint64_t words) {
    return static_cast<uint32_t>(std::floor(static_cast<double>(words) / corpus_words / f.snapshot_every + 1e-9));
  };
  uint32_t next_snapshot = 0;
  if (f.snapshot_every > 0) {
    next_snapshot = state.words_done == 0 ? 0 : snapshot_index(state.words_done) + 1;
    if (state.words_done == 0) {
      if (auto s = write_snapshot(f.out, 0, tables, {"", 0.0, 0, 0.0}); !s) return report(g, s.error());
      next_snapshot = 1;
    }
  }
  auto last_checkpoint = Clock::now();
  const auto train_started = Clock::now();
  uint32_t threads_ran = f.o.threads;
  auto hook = [&](const Word2VecTables& t, const Word2VecProgress& p) -> Status {
    if (p.threads < threads_ran) {
      if (show) fmt::print(stderr, "\n");
      fmt::print(stderr, "embscope: the system started {} of the {} threads asked for; training goes on with {}\n",
                 p.threads, f.o.threads, p.threads);
    }
    threads_ran = p.threads;
    const double epochs_done = static_cast<double>(p.state->words_done) / corpus_words;
    if (f.snapshot_every > 0 && (snapshot_index(p.state->words_done) >= next_snapshot || p.state->finished)) {
      const double mean = p.state->loss_terms ? p.state->loss_sum / static_cast<double>(p.state->loss_terms) : 0.0;
      EMB_TRY(write_snapshot(f.out, next_snapshot, t, {"", epochs_done, p.state->words_done, mean}));
      next_snapshot = snapshot_index(p.state->words_done) + 1;
    }
    const auto now = Clock::now();
    if (!p.state->finished && std::chrono::duration<double>(now - last_checkpoint).count() >= f.checkpoint_every) {
      EMB_TRY(write_checkpoint(checkpoint, t, *p.state, fingerprint));
      last_checkpoint = now;
    }
    if (show) {
      const double secs = std::chrono::duration<double>(now - train_started).count();
      const double done = static_cast<double>(p.state->words_done - words_at_start);
      const double rate = secs > 0 ? done / secs : 0;
      const double frac = static_cast<double>(p.state->words_done) / total;
      const int width = 24, filled = static_cast<int>(frac * width);
      fmt::print(stderr, "\r  epoch {}/{} [{}{}] {:3.0f}%  {} words/s  loss {:.3f}  alpha {:.5f}  ETA {}   ",
                 std::min(p.state->epoch + 1, f.o.epochs), f.o.epochs, std::string(filled, '#'),
                 std::string(width - filled, '.'), frac * 100, format_rate(rate), p.recent_loss, p.alpha,
                 format_duration(rate > 0 ? (total - static_cast<double>(p.state->words_done)) / rate : NAN));
    }
    return {};
  };
  fs::create_directories(f.out, ec);
  if (ec) return report(g, make_error(ErrorKind::Io, f.out, "cannot create the output directory: " + ec.message()));
  if (auto s = trainer->train(tables, state, hook); !s) {
    if (show) fmt::print(stderr, "\n");
    return report(g, s.error());
  }
  if (show) fmt::print(stderr, "\n");
  const double train_secs = std::chrono::duration<double>(Clock::now() - train_started).count();

  RunDescription run;
  run.corpus = where;
  run.tokenizer = tok ? f.model : "";
  run.raw_words = corpus.raw_words;
  const DType dtype = f.dtype == "f16" ? DType::F16 : DType::F32;
  if (auto s = write_word2vec_model(f.out, vocab, tables, f.o, state, run, dtype); !s) return report(g, s.error());
  if (tok) {
    // The tokenizer travels with the table so that the run directory is a model of its own.
    // GPT-2's original names (encoder.json, vocab.bpe) are written under Hugging Face's.
    const fs::path src = tok->source();
    const std::pair<const char*, const char*> files[] = {
        {"tokenizer.json", "tokenizer.json"}, {"tokenizer_config.json", "tokenizer_config.json"},
        {"special_tokens_map.json", "special_tokens_map.json"}, {"vocab.json", "vocab.json"},
        {"merges.txt", "merges.txt"}, {"encoder.json", "vocab.json"}, {"vocab.bpe", "merges.txt"},
        {"tokenizer.model", "tokenizer.model"}};
    for (const auto& [from, to] : files) {
      const fs::path p = fs::is_directory(src, ec) ? src / from : src.parent_path() / from;
      if (!fs::is_regular_file(p, ec)) continue;
      auto bytes = read_file(p.string());
      if (!bytes) return report(g, bytes.error());
      if (auto s = write_file_atomic((fs::path(f.out) / to).string(), *bytes); !s) return report(g, s.error());
    }
  }
  const std::vector<float> table = tables.embeddings();
  const MatrixView view{table.data(), vocab.counts.size(), tables.dim};
  if (!f.w2v_text.empty())
    if (auto s = write_word2vec_text(f.w2v_text, vocab.pieces, view); !s) return report(g, s.error());
  if (!f.w2v_binary.empty())
    if (auto s = write_word2vec_binary(f.w2v_binary, vocab.pieces, view); !s) return report(g, s.error());
  fs::remove(checkpoint, ec);

  const double words_trained = static_cast<double>(state.words_done - words_at_start);
  const double raw_rate = words_trained / std::max(train_secs, 1e-9) * static_cast<double>(corpus.raw_words) / corpus_words;
  const double mean_loss = state.loss_terms ? state.loss_sum / static_cast<double>(state.loss_terms) : 0.0;
  if (g.json) {
    print_json({{"out", f.out},
                {"rows", vocab.counts.size()},
                {"trained_rows", vocab.n_trained()},
                {"dim", f.o.dim},
                {"corpus_words", corpus.raw_words},
                {"training_words", corpus.ids.size()},
                {"epochs", f.o.epochs},
                {"threads", threads_ran},
                {"seconds", train_secs},
                {"words_per_second", raw_rate},
                {"mean_loss", mean_loss},
                {"kernel", Word2VecTrainer::kernel_name()},
                {"init_rows_matched", init.n_matched}});
  } else {
    fmt::print("trained {} {} [{} x {}] on {} ({} words, {} in the vocabulary) for {} epochs in {:.1f} s: {} words/s, "
               "mean loss {:.3f}\n",
               f.o.skip_gram ? "skip-gram" : "CBOW", f.o.hierarchical ? (f.o.negative ? "hs+ns" : "hs") : "ns",
               vocab.counts.size(), f.o.dim, where, corpus.raw_words, corpus.ids.size(), f.o.epochs, train_secs,
               format_rate(raw_rate), mean_loss);
    if (tok) {
      fmt::print("{} of {} rows trained (ids seen >= {} times); the others stay at their random init, flagged "
                 "untrained\n",
                 vocab.n_trained(), vocab.counts.size(), f.min_count);
    }
    if (!f.init.empty()) fmt::print("{} rows started from {}\n", init.n_matched, f.init);
    fmt::print("wrote {}/model.safetensors{}\n", f.out, tok ? " with the tokenizer" : " and vocab.txt");
  }
  return 0;
}

}  // namespace

void add_train_command(CLI::App& app, Globals& g) {
  auto* train = app.add_subcommand("train", "learn embeddings from a corpus");
  train->require_subcommand(1);
  auto f = std::make_shared<TrainFlags>();
  auto* cmd = train->add_subcommand("word2vec", "skip-gram / CBOW word2vec over a corpus (one sentence a line)");
  cmd->footer(
      "Examples:\n"
      "  embscope train word2vec brown.txt -o brown-sg                  skip-gram, gensim's defaults\n"
      "  embscope train word2vec brown.txt --cbow --epochs 5 -o brown-cbow\n"
      "  embscope train word2vec brown.txt -m gpt2 --dim 100 -o gpt2-w2v over GPT-2 token ids\n"
      "  embscope train word2vec brown.txt --snapshot-every 0.25 -o run && embscope evolve run --pairs cat:dog\n"
      "  embscope train word2vec brown.txt -o run --resume              continue an interrupted run");
  cmd->add_option("corpus", f->corpus, "UTF-8 text, one sentence a line ('-' = stdin)")->default_val("-");
  cmd->add_option("-o,--out", f->out, "run directory: model.safetensors, config.json, vocabulary, snapshots")->required();
  cmd->add_option("-m,--model", f->model,
                  "train over this tokenizer's ids (gpt2, llama3, a tokenizer.json, a model directory); the table "
                  "then has one row per id");
  cmd->add_option("--init", f->init, "start from this model's table (rows matched by id with -m, else by word)");
  cmd->add_flag("--cbow", f->cbow, "CBOW instead of skip-gram");
  cmd->add_flag("--cbow-sum", f->cbow_sum, "CBOW: sum the context vectors instead of averaging them");
  cmd->add_flag("--hs", f->hs, "hierarchical softmax (use --negative 0 for hierarchical softmax alone)");
  cmd->add_option("--dim", f->o.dim, "dimension D")->default_val(100);
  cmd->add_option("--window", f->o.window, "maximum distance between centre and context word")->default_val(5);
  cmd->add_option("--negative", f->o.negative, "negative samples per prediction (0 = off)")->default_val(5);
  cmd->add_option("--ns-exponent", f->o.ns_exponent, "noise distribution count^x")->default_val(0.75);
  cmd->add_option("--sample", f->o.sample, "sub-sampling threshold for frequent words (0 = off)")->default_val(1e-3);
  cmd->add_option("--min-count", f->min_count, "ignore words (ids) seen fewer times")->default_val(5);
  cmd->add_option("--max-vocab", f->max_vocab, "keep only the N most frequent words (0 = all)")->default_val(0);
  cmd->add_option("--epochs", f->o.epochs, "passes over the corpus")->default_val(5);
  cmd->add_option("--alpha", f->o.alpha, "initial learning rate")->default_val(0.025);
  cmd->add_option("--min-alpha", f->o.min_alpha, "final learning rate (linear decay)")->default_val(0.0001);
  cmd->add_option("--threads", f->o.threads, "worker threads (lock-free updates; 1 = deterministic)")->default_val(1);
  cmd->add_option("--seed", f->o.seed, "random seed")->default_val(1);
  cmd->add_option("--snapshot-every", f->snapshot_every, "keep the table every E epochs (e.g. 0.25), from the random start")
      ->check(CLI::NonNegativeNumber);
  cmd->add_option("--checkpoint-every", f->checkpoint_every, "seconds between checkpoints (0 = every round)")
      ->default_val(60)
      ->check(CLI::NonNegativeNumber);
  cmd->add_flag("--resume", f->resume, "continue the interrupted run in -o from its checkpoint");
  cmd->add_option("--dtype", f->dtype, "dtype of the saved table")->check(CLI::IsMember({"f32", "f16"}))->default_val("f32");
  cmd->add_option("--word2vec-text", f->w2v_text, "also write the vectors in word2vec text format");
  cmd->add_option("--word2vec-binary", f->w2v_binary, "also write the vectors in word2vec binary format");
  cmd->add_option("--progress", f->progress, "progress bar on stderr: auto (a terminal, not CI), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->default_val("auto");
  cmd->callback([&g, f] { g.exit_code = run_word2vec(g, *f); });
}

}  // namespace embscope::cli
