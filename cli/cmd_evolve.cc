// `embscope evolve RUN_DIR --pairs cat:dog,cat:car`: random vectors becoming meaning, seen
// through the snapshots of a training run (table, line chart, JSON).
#include <fmt/format.h>

#include <sstream>

#include "cli/common.h"
#include "render/line_chart.h"
#include "trace/evolution.h"

namespace embscope::cli {
namespace {

struct EvolveFlags {
  std::string run_dir;
  std::string pairs;
  std::string words;
  size_t k = 5;
  std::string png, svg;
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, sep))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::string label(const PieceMatch& m) { return fmt::format("{}", m.piece); }

int run_evolve(const Globals& g, const EvolveFlags& f) {
  EvolutionRequest req;
  req.k = f.k;
  for (const auto& p : split(f.pairs, ',')) {
    const size_t colon = p.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == p.size()) {
      return report(g, make_error(ErrorKind::InvalidArgument, "--pairs",
                                  fmt::format("'{}' is not a pair; write A:B (e.g. cat:dog,king:queen)", p)));
    }
    req.pairs.emplace_back(p.substr(0, colon), p.substr(colon + 1));
  }
  req.words = split(f.words, ',');
  if (req.words.empty()) {
    for (const auto& [a, b] : req.pairs)
      for (const auto& w : {a, b})
        if (std::find(req.words.begin(), req.words.end(), w) == req.words.end()) req.words.push_back(w);
  }
  if (req.pairs.empty() && req.words.empty()) {
    return report(g, make_error(ErrorKind::InvalidArgument, "evolve", "give --pairs A:B,... and/or --words W,..."));
  }
  auto model = open_model({f.run_dir, "", ""});
  if (!model) return report(g, model.error());
  auto ev = trace_evolution(**model, f.run_dir, req);
  if (!ev) return report(g, ev.error());

  for (const auto& path : {f.png, f.svg}) {
    if (path.empty() || ev->pairs.empty()) continue;
    LineChart c;
    c.title = "Cosine similarity during training";
    c.subtitle = fmt::format("{}: {} snapshots from the random start (epoch 0) to the end", f.run_dir, ev->points.size());
    c.x_label = "epochs of training";
    c.y_label = "cosine";
    c.y_reference = 0.0;
    for (const auto& p : ev->points) c.x.push_back(p.epoch);
    for (size_t i = 0; i < ev->pairs.size(); ++i) {
      LineSeries s{fmt::format("{} : {}", label(ev->pairs[i].first), label(ev->pairs[i].second)), {}};
      for (const auto& p : ev->points) s.y.push_back(p.pair_cosine[i].value_or(NAN));
      c.series.push_back(std::move(s));
    }
    if (auto s = write_line_chart(path, c); !s) return report(g, s.error());
  }

  if (g.json) {
    Json j = {{"run", f.run_dir}, {"trained_rows_only", ev->trained_rows_only}};
    Json pairs = Json::array(), words = Json::array(), points = Json::array();
    for (const auto& [a, b] : ev->pairs)
      pairs.push_back({{"a", a.piece}, {"a_id", a.id}, {"b", b.piece}, {"b_id", b.id}});
    for (const auto& w : ev->words) words.push_back({{"word", w.piece}, {"id", w.id}});
    for (const auto& p : ev->points) {
      Json cos = Json::array(), nb = Json::array();
      for (const auto& c : p.pair_cosine) cos.push_back(c ? Json(*c) : Json(nullptr));
      for (size_t w = 0; w < p.neighbors.size(); ++w) {
        Json list = Json::array();
        for (const auto& n : p.neighbors[w]) {
          const std::string* piece = (*model)->vocabulary() ? (*model)->vocabulary()->piece(n.row) : nullptr;
          list.push_back({{"id", n.row}, {"piece", piece ? *piece : ""}, {"cosine", n.score}});
        }
        nb.push_back(std::move(list));
      }
      points.push_back({{"snapshot", p.snapshot}, {"epoch", p.epoch}, {"words_done", p.words_done}, {"loss", p.loss},
                        {"pair_cosine", std::move(cos)}, {"neighbors", std::move(nb)}});
    }
    j["pairs"] = std::move(pairs);
    j["words"] = std::move(words);
    j["points"] = std::move(points);
    print_json(j);
    return 0;
  }
  if (!ev->pairs.empty()) {
    fmt::print("cosine similarity at each snapshot (epoch 0 = random init)\n{:>8} {:>8}", "epoch", "loss");
    for (const auto& [a, b] : ev->pairs) fmt::print(" {:>16}", fmt::format("{}:{}", label(a), label(b)));
    fmt::print("\n");
    for (const auto& p : ev->points) {
      fmt::print("{:>8.2f} {:>8}", p.epoch, p.words_done ? fmt::format("{:.3f}", p.loss) : "-");
      for (const auto& c : p.pair_cosine) fmt::print(" {:>16}", c ? fmt::format("{:+.3f}", *c) : "undefined");
      fmt::print("\n");
    }
  }
  for (size_t w = 0; w < ev->words.size(); ++w) {
    fmt::print("\nnearest neighbours of '{}' (#{}){}\n", label(ev->words[w]), ev->words[w].id,
               ev->trained_rows_only ? ", among trained rows" : "");
    for (const auto& p : ev->points) {
      fmt::print("{:>8.2f} ", p.epoch);
      for (const auto& n : p.neighbors[w]) {
        const std::string* piece = (*model)->vocabulary() ? (*model)->vocabulary()->piece(n.row) : nullptr;
        fmt::print(" {} {:.2f}", piece ? *piece : fmt::format("#{}", n.row), n.score);
      }
      fmt::print("\n");
    }
  }
  for (const auto& path : {f.png, f.svg})
    if (!path.empty() && !ev->pairs.empty()) fmt::print("\nwrote {}\n", path);
  return 0;
}

}  // namespace

void add_evolve_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<EvolveFlags>();
  auto* cmd = app.add_subcommand("evolve", "how a training run's vectors moved: pair cosines and neighbours per snapshot");
  cmd->footer(
      "Examples:\n"
      "  embscope train word2vec brown.txt --snapshot-every 0.25 -o run\n"
      "  embscope evolve run --pairs man:woman,man:car,king:queen --png evolve.png");
  cmd->add_option("run_dir", f->run_dir, "a `train word2vec` run directory (with snapshots/)")->required();
  cmd->add_option("--pairs", f->pairs, "word pairs A:B,C:D whose cosine to follow");
  cmd->add_option("--words", f->words, "words whose nearest neighbours to follow (default: the words of --pairs)");
  cmd->add_option("-k,--k", f->k, "neighbours per word")->default_val(5)->check(CLI::Range(1, 1000));
  cmd->add_option("--png", f->png, "line chart of the pair cosines (PNG)");
  cmd->add_option("--svg", f->svg, "line chart of the pair cosines (SVG)");
  cmd->callback([&g, f] { g.exit_code = run_evolve(g, *f); });
}

}  // namespace embscope::cli
