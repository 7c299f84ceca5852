// `embscope neighbors [-m MODEL] WORD|#ID ... -k N`: exact nearest neighbours by cosine over
// the whole table (rows never trained and special tokens left out by default).
#include <fmt/format.h>

#include "analysis/neighbors.h"
#include "cli/common.h"
#include "trace/terms.h"

namespace embscope::cli {
namespace {

struct NeighborsFlags {
  ModelFlags model;
  std::vector<std::string> queries;
  size_t k = 10;
  bool all_rows = false;
};

int run_neighbors(const Globals& g, const NeighborsFlags& f) {
  auto spec = model_spec(f.model.model);
  if (!spec) return report(g, spec.error());
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  Pipeline p = std::move(*opened);
  const EmbeddingTable& t = p.model->token_table();
  const size_t n = t.n_rows(), d = t.n_dims();
  const std::vector<float> table = dense_table(t);  // (V, D) f32
  const MatrixView view{table.data(), n, d};
  size_t left_out = 0;
  const std::vector<uint8_t> allowed = searchable_rows(*p.model, f.all_rows, left_out);
  Json out = Json::array();
  for (const auto& q : f.queries) {
    auto match = p.model->resolve_row(q);
    if (!match) return report(g, match.error());
    std::vector<uint8_t> mask = allowed;
    mask[match->id] = 0;
    const auto found = nearest_by_cosine(view, view.row(match->id), f.k, &mask);
    if (found.empty()) {
      return report(g, make_error(ErrorKind::InvalidArgument, q,
                                  fmt::format("row #{} is a zero vector: cosine is undefined", match->id)));
    }
    if (g.json) {
      Json list = Json::array();
      for (const auto& nb : found)
        list.push_back({{"id", nb.row}, {"token", row_display(p, nb.row)}, {"cosine", nb.score}});
      out.push_back({{"query", q}, {"id", match->id}, {"piece", match->piece}, {"neighbors", std::move(list)}});
      continue;
    }
    fmt::print("nearest neighbours of '{}' (#{}{}) by cosine over {} rows{}\n", row_display(p, match->id), match->id,
               match->how == "exact" ? "" : ", " + match->how, n - left_out,
               left_out ? fmt::format(" ({} untrained or special rows left out)", left_out) : "");
    if (t.trained(match->id) == std::optional<bool>(false))
      fmt::print("  note: this row is UNTRAINED (random init); its neighbours mean nothing\n");
    for (size_t i = 0; i < found.size(); ++i)
      fmt::print("  {:>3}  {:>7}  {:<20} {:+.4f}\n", i + 1, fmt::format("#{}", found[i].row), row_display(p, found[i].row),
                 found[i].score);
  }
  if (g.json) print_json({{"model", *spec}, {"results", std::move(out)}});
  return 0;
}

}  // namespace

void add_neighbors_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<NeighborsFlags>();
  auto* cmd = app.add_subcommand("neighbors", "nearest neighbours of tokens by cosine over the whole table");
  cmd->footer(
      "Examples:\n"
      "  embscope neighbors ' cat' ' Paris' ' king'      default model (GPT-2 tokens: note the space)\n"
      "  embscope neighbors -m brown-sg king -k 5         a word2vec run\n"
      "  embscope neighbors '#3797' --json");
  add_model_flags(*cmd, f->model);
  cmd->add_option("queries", f->queries, "tokens: pieces, words or #ids")->required();
  cmd->add_option("-k,--k", f->k, "neighbours per query")->default_val(10)->check(CLI::Range(1, 100000));
  cmd->add_flag("--all-rows", f->all_rows, "also rank rows flagged untrained");
  cmd->callback([&g, f] { g.exit_code = run_neighbors(g, *f); });
}

}  // namespace embscope::cli
