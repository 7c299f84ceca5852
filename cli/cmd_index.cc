// `embscope index [-m MODEL] [--metric cosine] [--m 16] [--ef-construction 200]`: builds the
// optional approximate (HNSW) neighbour index of a model's table, measures its recall@k
// against the exact search on sampled rows, and saves it beside the model (trace/ann_files.h)
// for `embscope neighbors --ann`.
#include <fmt/format.h>

#include <chrono>
#include <thread>

#include <unistd.h>

#include "analysis/ann_index.h"
#include "cli/common.h"
#include "trace/ann_files.h"
#include "trace/terms.h"

namespace embscope::cli {
namespace {

struct IndexFlags {
  ModelFlags model;
  std::string metric = "cosine";
  size_t m = 16, ef_construction = 200, ef = 128, k = 10, queries = 1000;
  size_t threads = 0;
  uint64_t seed = 1;
  std::string out;
};

int run_index(const Globals& g, const IndexFlags& f) {
  auto spec = model_spec(f.model.model);
  if (!spec) return report(g, spec.error());
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  const EmbeddingTable& t = opened->model->token_table();
  std::vector<float> storage;
  const RowTable rows = scan_rows(t, storage);
  const Metric metric = f.metric == "dot" ? Metric::Dot : f.metric == "euclidean" ? Metric::Euclidean : Metric::Cosine;
  AnnOptions o;
  o.m = f.m;
  o.ef_construction = f.ef_construction;
  o.threads = f.threads ? f.threads : std::max(1u, std::thread::hardware_concurrency());
  const bool progress = !g.json && isatty(2);
  if (progress) o.progress = [&](size_t done) { fmt::print(stderr, "\rHNSW: {:>9} / {} rows", done, rows.n_rows); };
  const auto start = std::chrono::steady_clock::now();
  auto built = AnnIndex::build(rows, metric, o);
  if (progress) fmt::print(stderr, "\n");
  if (!built) return report(g, built.error());
  const double build_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Recall against the exact search, and the time of a query each way.
  const NeighborIndex exact(rows, metric);
  const double recall = measure_recall(*built, exact, rows, f.queries, f.k, std::max(f.ef, f.k), f.seed);
  AnnInfo info;
  info.metric = metric_name(metric);
  info.n_rows = rows.n_rows;
  info.n_dims = rows.n_cols;
  info.m = f.m;
  info.ef_construction = f.ef_construction;
  info.recall = recall;
  info.recall_k = f.k;
  info.recall_queries = std::min(f.queries, rows.n_rows);
  info.ef_search = std::max(f.ef, f.k);
  info.build_seconds = build_s;
  const std::string path = f.out.empty() ? default_ann_path(*spec) : f.out;
  auto saved = save_ann(*built, path, info);
  if (!saved) return report(g, saved.error());
  if (g.json) {
    print_json({{"model", *spec},
                {"index", path},
                {"metric", saved->metric},
                {"rows", saved->n_rows},
                {"dims", saved->n_dims},
                {"m", saved->m},
                {"ef_construction", saved->ef_construction},
                {"build_seconds", build_s},
                {"recall", recall},
                {"recall_k", saved->recall_k},
                {"recall_queries", saved->recall_queries},
                {"ef_search", saved->ef_search},
                {"bytes", saved->bytes}});
    return 0;
  }
  fmt::print("HNSW index of {} ({} x {}, {}): M {}, ef_construction {}, built in {:.1f} s\n", *spec, saved->n_rows,
             saved->n_dims, saved->metric, saved->m, saved->ef_construction, build_s);
  fmt::print("  recall@{} {:.4f} against the exact search on {} sampled rows (ef {})\n", saved->recall_k, recall,
             saved->recall_queries, saved->ef_search);
  fmt::print("wrote {} ({:.1f} MB) and {}.json\n", path, static_cast<double>(saved->bytes) / 1e6, path);
  return 0;
}

}  // namespace

void add_index_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<IndexFlags>();
  auto* cmd = app.add_subcommand("index", "build the optional approximate (HNSW) neighbour index of a model, with its recall");
  cmd->footer(
      "Examples:\n"
      "  embscope index -m ~/models/gemma3             then: embscope neighbors -m ~/models/gemma3 --ann cat\n"
      "  embscope index -m run --metric dot --m 32 --ef 128");
  add_model_flags(*cmd, f->model);
  cmd->add_option("--metric", f->metric, "cosine (default), dot or euclidean")
      ->check(CLI::IsMember({"cosine", "dot", "euclidean"}))
      ->default_val("cosine");
  cmd->add_option("--m", f->m, "graph degree M")->default_val(16)->check(CLI::Range(2, 256));
  cmd->add_option("--ef-construction", f->ef_construction, "candidates kept while building")
      ->default_val(200)
      ->check(CLI::Range(2, 100000));
  cmd->add_option("--ef", f->ef, "search breadth the recall is measured with (and neighbors --ann uses)")
      ->default_val(128)
      ->check(CLI::Range(1, 100000));
  cmd->add_option("-k", f->k, "neighbours for recall@k")->default_val(10)->check(CLI::Range(1, 1000));
  cmd->add_option("--queries", f->queries, "sampled rows for the recall")->default_val(1000)->check(CLI::Range(1, 1000000));
  cmd->add_option("--threads", f->threads, "building threads (default: every core; one gives the same graph each time)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--seed", f->seed, "seed of the recall sample")->default_val(1);
  cmd->add_option("-o,--output", f->out, "index file (default: embscope.hnsw beside the model)");
  cmd->callback([&g, f] { g.exit_code = run_index(g, *f); });
}

}  // namespace embscope::cli
