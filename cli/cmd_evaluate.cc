// `embscope evaluate [-m MODEL] --analogies FILE --similarity FILE ...`: a table scored on the
// standard sets with gensim's conventions (trace/evaluation.h), and `embscope doesnt-match`.
#include <fmt/format.h>

#include <filesystem>

#include "analysis/relations.h"
#include "cli/common.h"
#include "formats/eval_sets.h"
#include "trace/evaluation.h"
#include "trace/terms.h"

namespace embscope::cli {
namespace {

// The sets `--sets DIR` picks up when present (../shared/eval-data names).
constexpr const char* kAnalogyFiles[] = {"questions-words.txt"};
constexpr const char* kPairFiles[] = {"EN-WS-353-ALL.txt", "EN-SIMLEX-999.txt", "EN-MEN-TR-3k.txt", "EN-RG-65.txt",
                                      "EN-MC-30.txt",      "EN-RW-STANFORD.txt", "EN-SimVerb-3500.txt",
                                      "EN-MTurk-287.txt",  "EN-MTurk-771.txt",   "EN-YP-130.txt"};

struct EvaluateFlags {
  ModelFlags model;
  std::vector<std::string> analogies, similarity;
  std::string sets_dir;
  size_t restrict = 300000;
  bool case_sensitive = false;
  bool count_oov = false;
  size_t misses = 0;
};

std::string base_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

std::string opt_num(const std::optional<double>& v) { return v ? fmt::format("{:.4f}", *v) : "n/a"; }

Json opt_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

int run_evaluate(const Globals& g, const EvaluateFlags& f) {
  std::vector<std::string> analogy_files = f.analogies, pair_files = f.similarity;
  std::string sets_dir = f.sets_dir;
  if (sets_dir.empty() && analogy_files.empty() && pair_files.empty()) {
    sets_dir = default_eval_dir();
    if (sets_dir.empty()) {
      return report(g, make_error(ErrorKind::InvalidArgument, "evaluate",
                                  "nothing to evaluate and the bundled sets (data/eval-data) were not found: give "
                                  "--analogies FILE, --similarity FILE or --sets DIR"));
    }
  }
  if (!sets_dir.empty()) {
    namespace fs = std::filesystem;
    if (!fs::is_directory(sets_dir))
      return report(g, make_error(ErrorKind::NotFound, sets_dir, "--sets expects a directory of evaluation files"));
    for (const char* name : kAnalogyFiles)
      if (fs::exists(fs::path(sets_dir) / name)) analogy_files.push_back((fs::path(sets_dir) / name).string());
    for (const char* name : kPairFiles)
      if (fs::exists(fs::path(sets_dir) / name)) pair_files.push_back((fs::path(sets_dir) / name).string());
  }
  if (analogy_files.empty() && pair_files.empty()) {
    return report(g, make_error(ErrorKind::NotFound, sets_dir,
                                "no evaluation files (questions-words.txt, EN-*.txt) in this directory"));
  }
  // Parse every file first, so a bad file fails before minutes of scoring.
  std::vector<AnalogySet> analogy_sets;
  std::vector<WordPairSet> pair_sets;
  for (const auto& path : analogy_files) {
    auto s = read_analogy_set(path);
    if (!s) return report(g, s.error());
    analogy_sets.push_back(std::move(*s));
  }
  for (const auto& path : pair_files) {
    auto s = read_word_pair_set(path);
    if (!s) return report(g, s.error());
    pair_sets.push_back(std::move(*s));
  }
  auto spec = model_spec(f.model.model);
  if (!spec) return report(g, spec.error());
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  const Pipeline& p = *opened;
  const EvalOptions options{f.restrict, !f.case_sensitive, f.count_oov};
  const EvalVocabulary vocab = evaluation_vocabulary(*p.model, options);
  if (vocab.rows.empty()) {
    return report(g, make_error(ErrorKind::InvalidArgument, *spec,
                                "the vocabulary has no whole-word keys to evaluate (" + vocab.rule + ")"));
  }
  const std::vector<float> rows = candidate_rows(p.model->token_table(), vocab);  // (n_keys, D) f32
  const MatrixView view{rows.data(), vocab.rows.size(), p.model->token_table().n_dims()};

  Json out = {{"model", *spec},
              {"keys", {{"rule", vocab.rule}, {"total", vocab.n_keys}, {"used", vocab.rows.size()}}},
              {"restrict", f.restrict},
              {"case_insensitive", !f.case_sensitive},
              {"count_oov_as_wrong", f.count_oov}};
  if (!g.json) {
    fmt::print("model {}: {} of {} keys ({}), {}\n", *spec, vocab.rows.size(), vocab.n_keys, vocab.rule,
               f.case_sensitive ? "case-sensitive" : "case-insensitive (upper-cased keys)");
  }
  Json analogies = Json::array();
  for (size_t i = 0; i < analogy_sets.size(); ++i) {
    const AnalogyReport r = evaluate_analogies(view, vocab, analogy_sets[i], options, f.misses);
    const size_t answered = r.total.correct + r.total.incorrect - (f.count_oov ? r.total.out_of_vocabulary : 0);
    const double coverage = r.questions ? 100.0 * static_cast<double>(answered) / static_cast<double>(r.questions) : 0.0;
    if (g.json) {
      Json sections = Json::array();
      for (const auto& s : r.sections)
        sections.push_back({{"section", s.section}, {"correct", s.correct}, {"incorrect", s.incorrect},
                            {"out_of_vocabulary", s.out_of_vocabulary}, {"accuracy", s.accuracy()}});
      Json misses = Json::array();
      for (const auto& m : r.misses) misses.push_back({{"question", m.question}, {"predicted", m.predicted}});
      analogies.push_back({{"file", analogy_files[i]},
                           {"method", "3CosAdd"},
                           {"questions", r.questions},
                           {"answered", answered},
                           {"coverage_percent", coverage},
                           {"correct", r.total.correct},
                           {"accuracy", r.total.accuracy()},
                           {"skipped_lines", analogy_sets[i].skipped_lines.size()},
                           {"sections", std::move(sections)},
                           {"misses", std::move(misses)}});
      continue;
    }
    fmt::print("\nanalogies {} (3CosAdd, question words excluded)\n", base_name(analogy_files[i]));
    fmt::print("  {:<30} {:>8} {:>9} {:>9} {:>6}\n", "section", "correct", "answered", "accuracy", "OOV");
    for (const auto& s : r.sections)
      fmt::print("  {:<30} {:>8} {:>9} {:>8.2f}% {:>6}\n", s.section, s.correct, s.correct + s.incorrect,
                 100 * s.accuracy(), s.out_of_vocabulary);
    fmt::print("  {:<30} {:>8} {:>9} {:>8.2f}% {:>6}   coverage {:.1f}% of {} questions\n", "total", r.total.correct,
               r.total.correct + r.total.incorrect, 100 * r.total.accuracy(), r.total.out_of_vocabulary, coverage,
               r.questions);
    for (const auto& m : r.misses) fmt::print("  miss: {} -> {}\n", m.question, m.predicted.empty() ? "(none)" : m.predicted);
    if (const auto& skipped = analogy_sets[i].skipped_lines; !skipped.empty())
      fmt::print("  {} line(s) skipped (not 4 words; the first at line {})\n", skipped.size(), skipped.front());
  }
  Json pairs = Json::array();
  if (!g.json && !pair_sets.empty())
    fmt::print("\nword similarity (cosine vs human scores)\n  {:<22} {:>6} {:>7} {:>9} {:>9}\n", "set", "pairs", "OOV",
               "Spearman", "Pearson");
  for (size_t i = 0; i < pair_sets.size(); ++i) {
    const PairReport r = evaluate_pairs(view, vocab, pair_sets[i], options);
    if (g.json) {
      pairs.push_back({{"file", pair_files[i]},
                       {"pairs_used", r.pairs_used},
                       {"out_of_vocabulary", r.out_of_vocabulary},
                       {"oov_percent", r.oov_percent},
                       {"skipped_lines", r.skipped_lines},
                       {"spearman", opt_json(r.spearman)},
                       {"pearson", opt_json(r.pearson)}});
      continue;
    }
    fmt::print("  {:<22} {:>6} {:>6.1f}% {:>9} {:>9}\n", base_name(pair_files[i]), r.pairs_used, r.oov_percent,
               opt_num(r.spearman), opt_num(r.pearson));
    if (const auto& skipped = pair_sets[i].skipped_lines; !skipped.empty())
      fmt::print("  {:<22} {} line(s) skipped (not word TAB word TAB number; the first at line {})\n", "", skipped.size(),
                 skipped.front());
  }
  if (g.json) {
    out["analogies"] = std::move(analogies);
    out["similarity"] = std::move(pairs);
    print_json(out);
  }
  return 0;
}

struct DoesntMatchFlags {
  ModelFlags model;
  std::vector<std::string> words;
  std::string pool = "mean";
};

int run_doesnt_match(const Globals& g, const DoesntMatchFlags& f) {
  if (f.words.size() < 2)
    return report(g, make_error(ErrorKind::InvalidArgument, "doesnt-match", "give at least 2 words"));
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  const Pipeline& p = *opened;
  const Pool pool = pool_of(f.pool);
  std::vector<TermVector> terms;
  std::vector<std::span<const float>> vectors;
  for (const auto& w : f.words) {
    auto t = resolve_term(*p.model, p.tokenizer.get(), w, pool);
    if (!t) return report(g, t.error());
    terms.push_back(std::move(*t));
  }
  for (const auto& t : terms) vectors.emplace_back(t.vector);
  const OddOneOut odd = odd_one_out(vectors);
  if (g.json) {
    Json list = Json::array();
    for (size_t i = 0; i < terms.size(); ++i)
      list.push_back({{"word", terms[i].text}, {"how", terms[i].how}, {"cosine_with_mean", odd.scores[i]},
                      {"untrained", terms[i].untrained}});
    print_json({{"odd_one_out", terms[odd.odd].text}, {"words", std::move(list)}});
    return 0;
  }
  fmt::print("odd one out: {}\n", terms[odd.odd].text);
  for (size_t i = 0; i < terms.size(); ++i)
    fmt::print("  {:<20} cosine with the mean {:+.4f}  ({}{})\n", terms[i].text, odd.scores[i], terms[i].how,
               terms[i].untrained ? ", UNTRAINED row" : "");
  return 0;
}

}  // namespace

void add_evaluate_commands(CLI::App& app, Globals& g) {
  auto f = std::make_shared<EvaluateFlags>();
  auto* cmd = app.add_subcommand("evaluate", "analogy accuracy and word-similarity correlation, as gensim scores them");
  cmd->footer(
      "Examples:\n"
      "  embscope evaluate                       default model on the bundled sets (data/eval-data)\n"
      "  embscope evaluate -m run --analogies questions-words.txt --similarity EN-SIMLEX-999.txt\n"
      "Rules (gensim's evaluate_word_analogies / evaluate_word_pairs): the first --restrict keys are\n"
      "the candidates; words compare upper-cased unless --case-sensitive; a question or pair with a\n"
      "word outside them is skipped (coverage reported) unless --count-oov-as-wrong.");
  add_model_flags(*cmd, f->model);
  cmd->add_option("--analogies", f->analogies, "analogy file(s), questions-words.txt format");
  cmd->add_option("--similarity", f->similarity, "word-pair file(s): word1 TAB word2 TAB score");
  cmd->add_option("--sets", f->sets_dir, "a directory of standard sets (questions-words.txt, EN-*.txt); default: the bundled data/eval-data "
                  "when no file is given");
  cmd->add_option("--restrict", f->restrict, "candidate keys: the N most frequent")
      ->default_val(300000)
      ->check(CLI::Range(static_cast<size_t>(1), static_cast<size_t>(1) << 32));
  cmd->add_flag("--case-sensitive", f->case_sensitive, "compare words as written");
  cmd->add_flag("--count-oov-as-wrong", f->count_oov, "score missing words (gensim dummy4unknown)");
  cmd->add_option("--misses", f->misses, "list the first N wrong analogy answers")->default_val(0);
  cmd->callback([&g, f] { g.exit_code = run_evaluate(g, *f); });

  auto d = std::make_shared<DoesntMatchFlags>();
  auto* dm = app.add_subcommand("doesnt-match", "the word that fits least with the others (gensim doesnt_match)");
  dm->footer("Example:\n  embscope doesnt-match breakfast cereal dinner lunch");
  add_model_flags(*dm, d->model);
  dm->add_option("words", d->words, "words, pieces or #ids")->required();
  add_pool_flag(*dm, d->pool);
  dm->callback([&g, d] { g.exit_code = run_doesnt_match(g, *d); });
}

}  // namespace embscope::cli
