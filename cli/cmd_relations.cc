// `embscope similarity A B [C D ...]` and `embscope analogy "king - man + woman"`: how the
// vectors of words relate (cosine, dot, euclidean; 3CosAdd / 3CosMul over the whole table).
#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "analysis/relations.h"
#include "cli/common.h"
#include "core/utf8.h"
#include "trace/terms.h"

namespace embscope::cli {
namespace {

// The classic GPT-2 demonstration pairs.
constexpr const char* kDemoPairs[][2] = {{"cat", "dog"},     {"cat", "kitten"}, {"cat", "car"},   {"Paris", "Tokyo"},
                                         {"Paris", "France"}, {"Paris", "bicycle"}, {"happy", "joyful"},
                                         {"happy", "sad"},   {"king", "queen"},  {"king", "table"}};

std::string describe(const Pipeline& p, const TermVector& t) {
  if (t.ids.size() == 1) return fmt::format("'{}' #{}", row_display(p, t.ids[0]), t.ids[0]);
  std::string parts;
  for (uint32_t id : t.ids) parts += (parts.empty() ? "" : " + ") + fmt::format("'{}'", row_display(p, id));
  return fmt::format("{} ({})", t.how, parts);
}

Json term_json(const Pipeline& p, const TermVector& t) {
  Json tokens = Json::array();
  for (uint32_t id : t.ids) tokens.push_back({{"id", id}, {"token", row_display(p, id)}});
  return {{"text", t.text}, {"how", t.how}, {"tokens", std::move(tokens)}, {"untrained", t.untrained}};
}

struct SimilarityFlags {
  ModelFlags model;
  std::vector<std::string> words;
  std::string pairs_file;
  std::string pool = "mean";
  bool demo = false;
  size_t explain = 0;
};

int run_similarity(const Globals& g, const SimilarityFlags& f) {
  std::vector<std::pair<std::string, std::string>> pairs;
  if (f.demo)
    for (const auto& [a, b] : kDemoPairs) pairs.emplace_back(a, b);
  if (f.words.size() % 2 != 0) {
    return report(g, make_error(ErrorKind::InvalidArgument, "similarity",
                                fmt::format("give words in pairs: A B [C D ...] ({} words given)", f.words.size())));
  }
  for (size_t i = 0; i + 1 < f.words.size(); i += 2) pairs.emplace_back(f.words[i], f.words[i + 1]);
  if (!f.pairs_file.empty()) {
    std::ifstream in(f.pairs_file);
    if (!in) return report(g, make_error(ErrorKind::NotFound, f.pairs_file, "cannot open the pairs file"));
    std::string line;
    uint64_t offset = 0;
    while (std::getline(in, line)) {
      const uint64_t at = offset;
      offset += line.size() + 1;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      std::istringstream ss(line);
      std::string a, b;
      if (!(ss >> a >> b)) {
        return report(g, make_error_at(ErrorKind::Format, f.pairs_file, at,
                                       fmt::format("expected two words on the line, found '{}'", escape_for_message(line))));
      }
      pairs.emplace_back(a, b);
    }
  }
  if (pairs.empty()) return report(g, make_error(ErrorKind::InvalidArgument, "similarity", "give word pairs, --pairs FILE or --demo"));
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  const Pipeline& p = *opened;
  Json out = Json::array();
  if (!g.json) fmt::print("{:<34} {:<34} {:>8} {:>9} {:>9}\n", "a", "b", "cosine", "dot", "euclid");
  for (const auto& [a, b] : pairs) {
    auto ta = resolve_term(*p.model, p.tokenizer.get(), a, pool_of(f.pool));
    if (!ta) return report(g, ta.error());
    auto tb = resolve_term(*p.model, p.tokenizer.get(), b, pool_of(f.pool));
    if (!tb) return report(g, tb.error());
    const PairSimilarity s = pair_similarity(ta->vector, tb->vector);
    const auto shares = explain_cosine(ta->vector, tb->vector, f.explain);
    if (g.json) {
      Json dims = Json::array();
      for (const auto& d : shares) dims.push_back({{"dim", d.dim}, {"term", d.term}});
      out.push_back({{"a", term_json(p, *ta)}, {"b", term_json(p, *tb)},
                     {"cosine", s.cosine ? Json(*s.cosine) : Json(nullptr)}, {"dot", s.dot}, {"euclidean", s.euclidean},
                     {"explain", std::move(dims)}});
      continue;
    }
    fmt::print("{:<34} {:<34} {:>8} {:>9.4f} {:>9.4f}{}\n", describe(p, *ta), describe(p, *tb),
               s.cosine ? fmt::format("{:+.4f}", *s.cosine) : "undefined", s.dot, s.euclidean,
               ta->untrained || tb->untrained ? "  (includes an untrained row)" : "");
    if (!s.cosine) fmt::print("    a zero vector: cosine is undefined\n");
    for (const auto& d : shares) fmt::print("    d{:<5} {:+.4f} of the cosine\n", d.dim, d.term);
  }
  if (g.json) print_json({{"pairs", std::move(out)}, {"pool", f.pool}});
  else fmt::print("\nwords are looked up in their word-initial form (GPT-2 ' king'); a word that is no single token is "
                  "the {} of its tokens' rows (--pool)\n", f.pool);
  return 0;
}

struct AnalogyFlags {
  ModelFlags model;
  std::string expression;
  std::string method = "add";
  std::string pool = "mean";
  size_t k = 5;
  bool keep_inputs = false;
};

// "king - man + woman" -> (+king, -man, +woman). Terms are separated by ' + ' / ' - ' (or a
// leading sign); a term may itself hold spaces only through #ids.
Result<std::vector<std::pair<bool, std::string>>> parse_expression(const std::string& e) {
  std::vector<std::pair<bool, std::string>> terms;
  bool positive = true;
  std::string current;
  auto flush = [&]() -> Status {
    size_t b = current.find_first_not_of(' '), en = current.find_last_not_of(' ');
    if (b == std::string::npos) {
      return make_error(ErrorKind::InvalidArgument, "expression",
                        fmt::format("'{}': a '+' or '-' without a word; write e.g. \"king - man + woman\"", e));
    }
    terms.emplace_back(positive, current.substr(b, en - b + 1));
    current.clear();
    return {};
  };
  for (size_t i = 0; i < e.size(); ++i) {
    const char c = e[i];
    const bool sign = (c == '+' || c == '-') && (i == 0 || e[i - 1] == ' ') && (i + 1 == e.size() || e[i + 1] == ' ');
    if (sign) {
      if (current.find_first_not_of(' ') != std::string::npos) {
        EMB_TRY(flush());
      } else if (!terms.empty()) {
        return make_error(ErrorKind::InvalidArgument, "expression", fmt::format("'{}': two signs in a row", e));
      }
      positive = c == '+';
      continue;
    }
    current += c;
  }
  if (current.find_first_not_of(' ') == std::string::npos) {
    return make_error(ErrorKind::InvalidArgument, "expression",
                      e.find_first_not_of(' ') == std::string::npos ? "empty expression; write e.g. \"king - man + woman\""
                                                                    : fmt::format("'{}' ends with a sign", e));
  }
  EMB_TRY(flush());
  return terms;
}

int run_analogy(const Globals& g, const AnalogyFlags& f) {
  auto terms = parse_expression(f.expression);
  if (!terms) return report(g, terms.error());
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  const Pipeline& p = *opened;
  std::vector<TermVector> vectors;
  std::vector<std::span<const float>> pos, neg;
  for (const auto& [positive, text] : *terms) {
    auto t = resolve_term(*p.model, p.tokenizer.get(), text, pool_of(f.pool));
    if (!t) return report(g, t.error());
    vectors.push_back(std::move(*t));
  }
  for (size_t i = 0; i < vectors.size(); ++i) ((*terms)[i].first ? pos : neg).emplace_back(vectors[i].vector);
  if (pos.empty()) return report(g, make_error(ErrorKind::InvalidArgument, "expression", "at least one positive term"));
  const auto& t = p.model->token_table();
  const size_t n = t.n_rows(), d = t.n_dims();
  const std::vector<float> table = dense_table(t);  // (V, D) f32
  size_t left_out = 0;
  std::vector<uint8_t> allowed = searchable_rows(*p.model, false, left_out);
  if (!f.keep_inputs)
    for (const auto& v : vectors)
      for (uint32_t id : v.ids) allowed[id] = 0;
  const auto method = f.method == "mul" ? AnalogyMethod::CosMul : AnalogyMethod::CosAdd;
  const auto found = analogy({table.data(), n, d}, pos, neg, method, f.k, &allowed);
  if (found.empty()) {
    return report(g, make_error(ErrorKind::InvalidArgument, f.expression, "the terms sum to a zero vector: no direction to search"));
  }
  if (g.json) {
    Json in = Json::array(), answers = Json::array();
    for (size_t i = 0; i < vectors.size(); ++i) {
      Json j = term_json(p, vectors[i]);
      j["sign"] = (*terms)[i].first ? "+" : "-";
      in.push_back(std::move(j));
    }
    for (const auto& a : found) answers.push_back({{"id", a.row}, {"token", row_display(p, a.row)}, {"score", a.score}});
    print_json({{"expression", f.expression}, {"method", f.method == "mul" ? "3CosMul" : "3CosAdd"},
                {"terms", std::move(in)}, {"answers", std::move(answers)}});
    return 0;
  }
  std::string shown;
  for (size_t i = 0; i < vectors.size(); ++i)
    shown += fmt::format("{}{}", i == 0 ? ((*terms)[i].first ? "" : "- ") : ((*terms)[i].first ? " + " : " - "),
                         describe(p, vectors[i]));
  fmt::print("{}  ({}, inputs {})\n", shown, f.method == "mul" ? "3CosMul" : "3CosAdd",
             f.keep_inputs ? "kept" : "excluded");
  for (size_t i = 0; i < found.size(); ++i)
    fmt::print("  {:>3}  {:>7}  {:<20} {:.4f}\n", i + 1, fmt::format("#{}", found[i].row), row_display(p, found[i].row),
               found[i].score);
  return 0;
}

}  // namespace

void add_relation_commands(CLI::App& app, Globals& g) {
  auto s = std::make_shared<SimilarityFlags>();
  auto* sim = app.add_subcommand("similarity", "cosine, dot and euclidean distance of word pairs");
  sim->footer(
      "Examples:\n"
      "  embscope similarity cat dog cat car                 pairs on the default model\n"
      "  embscope similarity --demo                          the classic GPT-2 table\n"
      "  embscope similarity -m run king queen --explain 5   dimensions behind the cosine\n"
      "  embscope similarity --pairs pairs.tsv --json");
  add_model_flags(*sim, s->model);
  sim->add_option("words", s->words, "words, pieces or #ids, in pairs: A B [C D ...]");
  sim->add_option("--pairs", s->pairs_file, "a file of pairs, two words a line ('#' comments)");
  sim->add_flag("--demo", s->demo, "the classic GPT-2 pairs: cat/dog, cat/kitten, cat/car, Paris/Tokyo, ...");
  add_pool_flag(*sim, s->pool);
  sim->add_option("--explain", s->explain, "list the N dimensions that contribute most to each cosine");
  sim->callback([&g, s] { g.exit_code = run_similarity(g, *s); });

  auto a = std::make_shared<AnalogyFlags>();
  auto* an = app.add_subcommand("analogy", "king - man + woman: 3CosAdd / 3CosMul over the whole table");
  an->footer(
      "Examples:\n"
      "  embscope analogy \"king - man + woman\"\n"
      "  embscope analogy -m run \"Paris - France + Italy\" --method mul -k 10");
  add_model_flags(*an, a->model);
  an->add_option("expression", a->expression, "terms joined by ' + ' and ' - ' (words, pieces, #ids)")->required();
  an->add_option("--method", a->method, "add = 3CosAdd (gensim most_similar), mul = 3CosMul (most_similar_cosmul)")
      ->check(CLI::IsMember({"add", "mul"}))
      ->default_val("add");
  add_pool_flag(*an, a->pool);
  an->add_option("-k,--k", a->k, "answers")->default_val(5)->check(CLI::Range(1, 100000));
  an->add_flag("--keep-inputs", a->keep_inputs, "allow the input words among the answers");
  an->callback([&g, a] { g.exit_code = run_analogy(g, *a); });
}

}  // namespace embscope::cli
