// `embscope project [-m MODEL] [--groups FILE | WORD ... | --top N] --method pca --png F`:
// maps of meaning. Points (grouped words, words, or the most frequent rows) -> PCA, t-SNE or
// UMAP -> coordinates with explained variance and trustworthiness -> a scatter plot (PNG/SVG) and
// exports (TSV, .npy, TensorBoard Embedding Projector files).
#include <fmt/format.h>

#include <filesystem>
#include <numeric>
#include <random>
#include <thread>

#include <unistd.h>

#include "analysis/embedding_quality.h"
#include "analysis/pca.h"
#include "analysis/tsne.h"
#include "analysis/umap.h"
#include "cli/common.h"
#include "core/atomic_file.h"
#include "formats/npy.h"
#include "formats/projector.h"
#include "render/scatter_plot.h"
#include "trace/projection.h"
#include "trace/token_filters.h"

namespace embscope::cli {
namespace {

constexpr size_t kQualityMaxPoints = 1000;  // exact trustworthiness is O(n^2 D): sample above

struct ProjectFlags {
  ModelFlags model;
  std::vector<std::string> words;
  std::string groups;
  size_t top = 0;
  std::string method = "pca";
  size_t dims = 2;
  std::string pool = "mean";
  std::string png, svg, tsv, npy, projector;
  size_t quality_k = 10;
  uint64_t seed = 1;
  double perplexity = 30;
  std::string repulsion = "auto";
  std::string knn = "auto";
  size_t knn_candidates = 0;  // 0 = max(32, 2k)
  size_t iterations = 1000;
  size_t threads = 0;  // 0 = every core
  size_t neighbors = 15;
  double min_dist = 0.1;
  size_t epochs = 0;  // 0 = umap-learn's default
  std::vector<double> view = {-60, 30};  // 3-D plots: azimuth, elevation in degrees
  std::string pca_solver = "auto";
};

KnnOptions knn_options(const ProjectFlags& f, size_t threads) {
  return {.method = f.knn == "exact"      ? KnnMethod::Exact
                    : f.knn == "screened" ? KnnMethod::Screened
                                          : KnnMethod::Auto,
          .threads = threads,
          .candidates = f.knn_candidates};
}

Json knn_json(const KnnInfo& k) {
  if (!k.screened) return {{"method", "exact"}};
  return {{"method", "screened"}, {"kernel", k.kernel}, {"candidates", k.candidates}, {"recall", k.recall},
          {"recall_points", k.recall_points}};
}

std::string knn_text(const KnnInfo& k) {
  if (!k.screened) return "exact k-NN graph";
  return fmt::format("screened k-NN graph ({}, {} candidates a point): recall {:.4f} against the exact graph on {} points",
                     k.kernel, k.candidates, k.recall, k.recall_points);
}

Status write_tsv(const std::string& path, const ProjectionPoints& p, const PcaResult& r, const std::string& axis) {
  std::string out = "label\tgroup";
  for (size_t c = 0; c < r.n_components; ++c) out += fmt::format("\t{}{}", axis, c + 1);
  out += "\n";
  for (size_t i = 0; i < p.labels.size(); ++i) {
    out += projector_label(p.labels[i]) + "\t" + projector_label(p.categories[p.category[i]]);
    for (size_t c = 0; c < r.n_components; ++c) out += fmt::format("\t{:.9g}", r.projection[i * r.n_components + c]);
    out += "\n";
  }
  return write_file_atomic(path, out);
}

// "PC1 5.0 %, PC2 4.7 %, PC3 4.1 %"
std::string variance_shares(const PcaResult& r) {
  std::string out;
  for (size_t c = 0; c < r.explained_variance_ratio.size(); ++c)
    out += fmt::format("{}PC{} {:.1f} %", c ? ", " : "", c + 1, 100 * r.explained_variance_ratio[c]);
  return out;
}

int run_project(const Globals& g, const ProjectFlags& f) {
  auto spec = model_spec(f.model.model);
  if (!spec) return report(g, spec.error());
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  const Pipeline& p = *opened;
  ProjectionPoints pts;
  std::string source;
  if (f.top > 0) {
    // The most frequent searchable rows (by embscope.counts when recorded, else by id).
    size_t left_out = 0;
    const std::vector<uint8_t> allowed = searchable_rows(*p.model, false, left_out);
    TokenFilterOptions none;
    none.restrict = f.top;
    auto filter = TokenFilter::create(*p.model, p.tokenizer.get(), none);
    std::vector<uint8_t> mask = allowed;
    if (filter) filter->apply(mask);
    std::vector<uint32_t> rows;
    std::vector<std::string> labels;
    for (size_t r = 0; r < mask.size() && rows.size() < f.top; ++r) {
      if (!mask[r]) continue;
      rows.push_back(static_cast<uint32_t>(r));
      labels.push_back(row_display(p, static_cast<uint32_t>(r)));
    }
    pts = points_from_rows(*p.model, rows, labels);
    source = fmt::format("{} most frequent rows", rows.size());
  } else {
    std::vector<WordGroup> groups;
    if (!f.words.empty()) {
      groups.push_back({"", f.words, 0});
      source = fmt::format("{} words", f.words.size());
    } else {
      const std::string file = f.groups.empty() ? default_groups_file() : f.groups;
      if (file.empty()) {
        return report(g, make_error(ErrorKind::InvalidArgument, "project",
                                    "give words, --groups FILE or --top N (the bundled data/groups/classic.txt was not found)"));
      }
      auto read = read_word_groups(file);
      if (!read) return report(g, read.error());
      groups = std::move(*read);
      source = fmt::format("{} groups from {}", groups.size(), std::filesystem::path(file).filename().string());
    }
    pts = points_from_groups(*p.model, p.tokenizer.get(), groups, pool_of(f.pool));
  }
  const size_t n = pts.labels.size(), d = pts.n_dims;
  if (!pts.unknown.empty() && !g.json) {
    std::string list;
    for (const auto& u : pts.unknown) list += (list.empty() ? "" : ", ") + u;
    fmt::print(stderr, "note: {} words not in the vocabulary, left out: {}\n", pts.unknown.size(), list);
  }
  const MatrixView x{pts.vectors.data(), n, d};
  // PCA is the map (pca) or t-SNE's initialisation (tsne); UMAP starts from its own graph.
  Result<PcaResult> r = PcaResult{};
  PcaOptions po;
  po.solver = f.pca_solver == "full" ? PcaSolver::Full : f.pca_solver == "randomized" ? PcaSolver::Randomized : PcaSolver::Auto;
  po.seed = f.seed;
  const size_t components = f.method == "pca" ? f.dims : std::min<size_t>(f.dims, std::max<size_t>(1, std::min(n, d)));
  // t-SNE's initialisation as tsne() would compute it, unless a solver was asked for.
  if (f.method == "tsne" && po.solver == PcaSolver::Auto) po = tsne_pca_init_options(n, d, components, f.seed);
  if (f.method != "umap") r = pca(x, components, po);
  if (!r) return report(g, r.error());
  std::optional<TsneResult> ts;
  std::optional<UmapResult> um;
  const size_t cores = std::max(1u, std::thread::hardware_concurrency());
  const bool progress = !g.json && isatty(2);
  if (f.method == "tsne") {
    TsneOptions o;
    o.perplexity = f.perplexity;
    o.repulsion = f.repulsion == "exact"        ? TsneRepulsion::Exact
                  : f.repulsion == "barnes-hut" ? TsneRepulsion::BarnesHut
                  : f.repulsion == "fft"        ? TsneRepulsion::Fft
                                                : TsneRepulsion::Auto;
    o.dims = f.dims;
    o.iterations = f.iterations;
    o.seed = f.seed;
    o.pca_init = &*r;  // the same PCA t-SNE starts from: computed once
    o.threads = f.threads ? f.threads : cores;
    o.knn = knn_options(f, o.threads);
    if (progress) o.progress = [](size_t it, double kl) { fmt::print(stderr, "\rt-SNE iteration {:>5}  KL {:.4f}", it, kl); };
    auto t = tsne(x, o);
    if (progress) fmt::print(stderr, "\n");
    if (!t) return report(g, t.error());
    ts = std::move(*t);
    r->projection = ts->y;  // the coordinates drawn and exported
    r->n_components = f.dims;
  } else if (f.method == "umap") {
    UmapOptions o;
    o.n_neighbors = f.neighbors;
    o.min_dist = f.min_dist;
    o.dims = f.dims;
    o.epochs = f.epochs;
    o.seed = f.seed;
    o.knn = knn_options(f, f.threads ? f.threads : cores);
    o.layout_threads = f.threads ? f.threads : 1;  // the map depends on the count: 1 unless asked
    if (progress) o.progress = [](size_t epoch) { fmt::print(stderr, "\rUMAP epoch {:>5}", epoch); };
    auto u = umap(x, o);
    if (progress) fmt::print(stderr, "\n");
    if (!u) return report(g, u.error());
    um = std::move(*u);
    r->projection = um->y;
    r->n_components = f.dims;
  }
  const std::string method_name = ts ? "t-SNE" : um ? "UMAP" : "PCA";
  const std::string axis = ts ? "t-SNE " : um ? "UMAP " : "PC";

  // Quality: trustworthiness and k-NN preservation (on a sample for large maps).
  std::optional<MapQuality> quality;
  size_t quality_n = n;
  if (2 * f.quality_k < n) {
    std::vector<size_t> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    if (n > kQualityMaxPoints) {
      std::mt19937_64 rng(f.seed);
      std::shuffle(idx.begin(), idx.end(), rng);
      idx.resize(kQualityMaxPoints);
      quality_n = kQualityMaxPoints;
    }
    std::vector<float> hx;
    std::vector<double> lx;
    for (size_t i : idx) {
      hx.insert(hx.end(), pts.vectors.begin() + static_cast<ptrdiff_t>(i * d), pts.vectors.begin() + static_cast<ptrdiff_t>((i + 1) * d));
      for (size_t c = 0; c < 2 && c < f.dims; ++c) lx.push_back(r->projection[i * f.dims + c]);
    }
    auto q = map_quality({hx.data(), idx.size(), d}, lx, std::min<size_t>(2, f.dims), f.quality_k,
                         f.threads ? f.threads : cores);
    if (q) quality = *q;
  }

  // Figures and exports.
  ScatterPlot plot;
  plot.title = fmt::format("{} of {} ({} points, D = {})", method_name, source, n, d);
  const std::string model_name = *spec == default_model_dir() ? "bundled default model" : *spec;
  const std::string quality_text =
      quality ? fmt::format("; trustworthiness (k={}) {:.3f}", quality->k, quality->trustworthiness) : "";
  plot.subtitle =
      um ? fmt::format("{}; {} neighbours, min_dist {}, {} epochs{}", model_name, um->n_neighbors, f.min_dist, um->epochs,
                       quality_text)
      : ts ? fmt::format("{}; perplexity {}, {} iterations, KL divergence {:.3f}{}", model_name, f.perplexity,
                         ts->iterations, ts->kl_divergence, quality_text)
           : fmt::format("{}; {} of the variance{}", model_name, variance_shares(*r), quality_text);
  plot.x_label = axis + "1";
  plot.y_label = axis + "2";
  plot.z_label = axis + "3";
  plot.dims = f.dims;
  plot.azimuth = f.view[0];
  plot.elevation = f.view[1];
  plot.categories = pts.categories;
  bool any_pooled = false;
  for (size_t i = 0; i < n; ++i) {
    const double* c = &r->projection[i * f.dims];
    plot.points.push_back({c[0], c[1], f.dims > 2 ? c[2] : 0.0, f.top > 0 && n > 300 ? "" : pts.labels[i], pts.category[i],
                           pts.pooled[i] != 0});
    any_pooled = any_pooled || pts.pooled[i];
  }
  if (any_pooled) plot.marked_note = "several tokens, pooled";
  std::vector<std::string> written;
  for (const std::string& path : {f.png, f.svg}) {
    if (path.empty()) continue;
    auto res = write_scatter_plot(path, plot);
    if (!res) return report(g, res.error());
    written.push_back(path);
  }
  if (!f.tsv.empty()) {
    if (auto st = write_tsv(f.tsv, pts, *r, ts ? "tsne" : um ? "umap" : "pc"); !st) return report(g, st.error());
    written.push_back(f.tsv);
  }
  if (!f.npy.empty()) {
    std::vector<float> coords(r->projection.begin(), r->projection.end());
    const uint64_t shape[2] = {n, f.dims};
    if (auto st = write_npy(f.npy, DType::F32, shape, std::as_bytes(std::span(coords))); !st) return report(g, st.error());
    written.push_back(f.npy);
  }
  if (!f.projector.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(f.projector, ec);
    std::vector<std::string> groups;
    for (size_t i = 0; i < n; ++i) groups.push_back(pts.categories[pts.category[i]]);
    const std::string vec = f.projector + "/vectors.tsv", meta = f.projector + "/metadata.tsv";
    if (auto st = write_projector_tsv(vec, meta, x, {{"word", pts.labels}, {"group", groups}}); !st) return report(g, st.error());
    const std::string config = "embeddings {\n  tensor_path: \"vectors.tsv\"\n  metadata_path: \"metadata.tsv\"\n}\n";
    if (auto st = write_file_atomic(f.projector + "/projector_config.pbtxt", config); !st) return report(g, st.error());
    written.push_back(f.projector);
  }

  if (g.json) {
    Json points = Json::array();
    for (size_t i = 0; i < n; ++i) {
      Json c = Json::array();
      for (size_t k = 0; k < f.dims; ++k) c.push_back(r->projection[i * f.dims + k]);
      points.push_back({{"label", pts.labels[i]}, {"group", pts.categories[pts.category[i]]}, {"coords", std::move(c)},
                        {"pooled", pts.pooled[i] != 0}, {"untrained", pts.untrained[i] != 0}});
    }
    Json out = {{"model", *spec},
                {"method", f.method},
                {"dims", f.dims},
                {"points", std::move(points)},
                {"explained_variance", r->explained_variance},
                {"explained_variance_ratio", r->explained_variance_ratio},
                {"pca_solver", f.method == "umap" ? "" : r->solver == PcaSolver::Randomized ? "randomized" : "full"},
                {"unknown", pts.unknown},
                {"written", written}};
    if (um)
      out["umap"] = {{"n_neighbors", um->n_neighbors}, {"min_dist", f.min_dist}, {"epochs", um->epochs},
                     {"a", um->a}, {"b", um->b}, {"edges", um->n_edges},
                     {"graph_components", um->n_graph_components}, {"seed", f.seed}, {"knn", knn_json(um->knn)}};
    if (ts) {
      out["tsne"] = {{"kl_divergence", ts->kl_divergence}, {"iterations", ts->iterations}, {"perplexity", f.perplexity},
                     {"repulsion", tsne_repulsion_name(ts->repulsion)}, {"knn", knn_json(ts->knn)}};
    }
    if (quality)
      out["quality"] = {{"k", quality->k}, {"trustworthiness", quality->trustworthiness},
                        {"knn_preservation", quality->knn_preservation}, {"points", quality_n}};
    print_json(out);
    return 0;
  }
  fmt::print("{} of {} on {}: {} points of dimension {}\n", method_name, source, *spec, n, d);
  if (ts) {
    fmt::print("  KL divergence {:.4f} after {} iterations (perplexity {}, {} repulsion)\n", ts->kl_divergence,
               ts->iterations, f.perplexity, tsne_repulsion_name(ts->repulsion));
    fmt::print("  {}\n", knn_text(ts->knn));
  }
  else if (um) {
    fmt::print("  {} neighbours, min_dist {}, {} epochs, {} graph edges{}\n", um->n_neighbors, f.min_dist, um->epochs,
               um->n_edges, um->n_graph_components > 1 ? fmt::format(", {} disconnected parts", um->n_graph_components) : "");
    fmt::print("  {}\n", knn_text(um->knn));
  } else
    for (size_t c = 0; c < f.dims; ++c)
      fmt::print("  PC{}: {:.2f} % of the variance\n", c + 1, 100 * r->explained_variance_ratio[c]);
  if (quality)
    fmt::print("  trustworthiness (k={}) {:.4f}, k-NN preserved {:.1f} %{}\n", quality->k, quality->trustworthiness,
               100 * quality->knn_preservation, quality_n < n ? fmt::format(" (on {} sampled points)", quality_n) : "");
  if (n <= 60) {
    for (size_t i = 0; i < n; ++i) {
      std::string c;
      for (size_t k = 0; k < f.dims; ++k) c += fmt::format(" {:+9.4f}", r->projection[i * f.dims + k]);
      fmt::print("  {:<14} {:<14}{}{}\n", pts.labels[i], pts.categories[pts.category[i]], c, pts.pooled[i] ? "  (pooled)" : "");
    }
  }
  for (const auto& w : written) fmt::print("wrote {}\n", w);
  return 0;
}

}  // namespace

void add_project_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<ProjectFlags>();
  auto* cmd = app.add_subcommand("project", "maps of meaning: PCA, t-SNE or UMAP of words or rows, drawn as a scatter plot");
  cmd->footer(
      "Examples:\n"
      "  embscope project --png map.png                    the five classic groups (data/groups/classic.txt)\n"
      "  embscope project --groups my.txt --svg map.svg    'Name: word word ...' a line\n"
      "  embscope project -m run king queen man woman --tsv coords.tsv\n"
      "  embscope project --top 5000 --png cloud.png --projector proj/");
  add_model_flags(*cmd, f->model);
  cmd->add_option("words", f->words, "words to place (instead of --groups)");
  cmd->add_option("--groups", f->groups, "groups file: 'Name: word word ...' a line");
  cmd->add_option("--top", f->top, "the N most frequent rows (or the first N) instead of words");
  cmd->add_option("--method", f->method, "pca (default), tsne or umap")
      ->check(CLI::IsMember({"pca", "tsne", "umap"}))
      ->default_val("pca");
  cmd->add_option("--perplexity", f->perplexity, "t-SNE perplexity")->default_val(30)->check(CLI::Range(1.0, 1e6));
  cmd->add_option("--tsne-repulsion", f->repulsion,
                  "t-SNE repulsive forces: exact, barnes-hut, fft (FIt-SNE interpolation; 2-D maps) or auto (exact up "
                  "to 500 points, Barnes-Hut below 6,000, FFT from there)")
      ->default_val("auto")
      ->check(CLI::IsMember({"auto", "exact", "barnes-hut", "fft"}));
  cmd->add_option("--threads", f->threads,
                  "threads (default: every core for neighbours and t-SNE, whose maps do not depend on it; one "
                  "for the UMAP layout, whose map depends on the count)")
      ->check(CLI::Range(1, 256));
  cmd->add_option("--neighbors", f->neighbors, "UMAP n_neighbors (the point itself counted)")
      ->default_val(15)
      ->check(CLI::Range(2, 1000));
  cmd->add_option("--min-dist", f->min_dist, "UMAP min_dist")->default_val(0.1)->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--knn", f->knn,
                  "the k-NN graph of t-SNE and UMAP: exact, screened (int8 screen, candidates re-scored exactly; "
                  "recall reported) or auto (default: screened from 20,000 points where the CPU has AVX-512 VNNI)")
      ->check(CLI::IsMember({"auto", "exact", "screened"}));
  cmd->add_option("--knn-candidates", f->knn_candidates,
                  "screened k-NN: candidates re-scored per point (default max(32, 2k))")
      ->check(CLI::Range(size_t{1}, size_t{100000}));
  cmd->add_option("--epochs", f->epochs, "UMAP epochs (default: 500 up to 10,000 points, else 200)")
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--iterations", f->iterations, "t-SNE iterations")->default_val(1000)->check(CLI::Range(1, 100000));
  cmd->add_option("--dims", f->dims, "2 or 3 components (3: a rotated view over the pairwise panels)")
      ->check(CLI::Range(2, 3))
      ->default_val(2);
  cmd->add_option("--pca-solver", f->pca_solver,
                  "full (exact), randomized (Halko et al., for whole tables) or auto: full while n x D x min(n, D) "
                  "< 1e10")
      ->check(CLI::IsMember({"auto", "full", "randomized"}))
      ->default_val("auto");
  cmd->add_option("--view", f->view, "3-D plots: AZIMUTH,ELEVATION in degrees (default -60,30)")
      ->delimiter(',')
      ->expected(2)
      ->check(CLI::Range(-360.0, 360.0));
  add_pool_flag(*cmd, f->pool);
  cmd->add_option("--png", f->png, "scatter plot as PNG");
  cmd->add_option("--svg", f->svg, "scatter plot as SVG");
  cmd->add_option("--tsv", f->tsv, "coordinates: label, group, pc1, pc2[, pc3]");
  cmd->add_option("--npy", f->npy, "coordinates as an (n, dims) f32 .npy");
  cmd->add_option("--projector", f->projector, "directory for TensorBoard Embedding Projector files");
  cmd->add_option("--quality-k", f->quality_k, "neighbours for trustworthiness")->default_val(10);
  cmd->add_option("--seed", f->seed, "seed of UMAP and of the sample used for quality on large maps")->default_val(1);
  cmd->callback([&g, f] { g.exit_code = run_project(g, *f); });
}

}  // namespace embscope::cli
