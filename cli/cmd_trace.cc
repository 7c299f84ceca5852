// `embscope trace -m MODEL TEXT`: the main job. text -> tokens -> rows -> vectors, with the
// position vector the model adds.
#include <fmt/format.h>

#include "cli/common.h"
#include "core/utf8.h"
#include "render/heatmap.h"
#include "trace/trace.h"

namespace embscope::cli {
namespace {

struct TraceFlags {
  ModelFlags model;
  std::string text;
  std::string special = "default";
  bool add_special = false, lossy = false, full = false, no_heatmap = false;
  size_t top = 8, max_heatmaps = 8;
  std::string png, svg;
};

std::string values_line(const std::vector<float>& v, size_t n) {
  std::string s;
  for (size_t i = 0; i < std::min(n, v.size()); ++i) s += fmt::format("{}{:+.4f}", i ? " " : "", v[i]);
  return s + (v.size() > n ? " ..." : "");
}

int run_trace(const Globals& g, const TraceFlags& f) {
  auto spec = model_spec(f.model.model);
  if (!spec) return report(g, spec.error());
  auto text = checked_text(f.text, f.lossy, "TEXT");
  if (!text) return report(g, text.error());
  auto p = open_pipeline(*spec, ModelOptions{f.model.revision, f.model.tensor}, HubEnvironment::from_process());
  if (!p) return report(g, p.error());
  TraceOptions o;
  o.encode.add_special_tokens = f.add_special;
  o.encode.special = special_policy(f.special);
  o.top_k = f.top;
  auto t = trace_text(*p, *text, o);
  if (!t) return report(g, t.error());
  const Model& m = *p->model;
  const auto& table = m.token_table();

  std::vector<std::span<const float>> all;
  for (const auto& tt : t->tokens) all.emplace_back(tt.row);
  const float scale = symmetric_scale(all);
  if (!f.png.empty() || !f.svg.empty()) {
    std::vector<HeatmapPanel> panels;
    for (size_t i = 0; i < t->tokens.size(); ++i) {
      const auto& v = t->tokens[i].view;
      panels.push_back({fmt::format("{}: #{} '{}'{}", i, v.token.id, v.continues ? "(cont.)" : v.display,
                                    t->tokens[i].trained == std::optional<bool>(false) ? " untrained" : ""),
                        t->tokens[i].row});
    }
    const auto grid = heatmap_grid(t->n_dims);
    const std::string title = fmt::format("\"{}\" -> {} tokens -> [{} x {}]", escape_for_message(*text, 40),
                                          t->tokens.size(), t->tokens.size(), t->n_dims);
    const std::string sub = fmt::format("rows of {} ({}); {} x {} grid per token, colour scale ±{:.3g}",
                                        table.tensor().name, p->tokenizer->kind(), grid.n_rows, grid.n_cols, scale);
    for (const auto* path : {&f.png, &f.svg}) {
      if (path->empty()) continue;
      if (t->tokens.empty()) return report(g, make_error(ErrorKind::InvalidArgument, *path, "no tokens to draw"));
      if (auto s = write_heatmap_figure(*path, title, sub, panels, scale); !s) return report(g, s.error());
    }
  }
  if (g.json) {
    Json j = to_json(*t, f.full);
    j["model"] = m.location().describe();
    j["tokenizer"] = {{"kind", p->tokenizer->kind()}, {"source", p->tokenizer->source()}};
    j["table"] = {{"tensor", table.tensor().name}, {"shape", {table.n_rows(), table.n_dims()}},
                  {"dtype", dtype_name(table.dtype())}, {"scaling", table.scaling().note}};
    print_json(j);
    return 0;
  }
  const bool color = use_color(g);
  fmt::print("model      {}\n", m.location().describe());
  fmt::print("tokenizer  {} ({})\n", p->tokenizer->kind(), p->tokenizer->source());
  fmt::print("table      {} [{} x {}] {}\n", table.tensor().name, table.n_rows(), table.n_dims(), dtype_name(table.dtype()));
  if (!table.scaling().note.empty()) fmt::print("scaling    {}\n", table.scaling().note);
  fmt::print("positions  {}\n", t->positions.explanation);
  fmt::print("\ntext       \"{}\" ({} bytes, {} characters)\n", visible(*text), text->size(), count_code_points(*text));
  fmt::print("tokens     {}  ->  matrix [{} x {}]\n\n", t->tokens.size(), t->tokens.size(), t->n_dims);
  size_t untrained = 0;
  for (size_t i = 0; i < t->tokens.size(); ++i) {
    const auto& tt = t->tokens[i];
    const auto& v = tt.view;
    untrained += tt.trained == std::optional<bool>(false);
    std::string shown = v.continues ? "(continues the character above)" : "'" + v.display + "'";
    if (!v.span_text.empty() && v.display != v.span_text) shown += " spelling '" + v.span_text + "'";
    fmt::print("[{}] {}  id {}  bytes {}-{}  chars {}-{}{}{}{}\n", i, shown, v.token.id, v.token.byte_begin,
               v.token.byte_end, v.token.char_begin, v.token.char_end, v.partial && !v.continues ? "  part of a character" : "",
               v.token.special ? "  [special]" : "", tt.trained == std::optional<bool>(false) ? "  UNTRAINED (random init)" : "");
    fmt::print("    row      {}\n", values_line(tt.row, 6));
    fmt::print("    stats    |v| {:.4f}  mean {:+.5f}  std {:.5f}  min {:+.4f} (d{})  max {:+.4f} (d{})\n",
               tt.stats.l2_norm, tt.stats.mean, tt.stats.std, tt.stats.min, tt.stats.argmin, tt.stats.max, tt.stats.argmax);
    std::string top;
    for (const auto& d : tt.top) top += fmt::format("{}d{}:{:+.3f}", top.empty() ? "" : "  ", d.dim, d.value);
    fmt::print("    top      {}\n", top);
    if (tt.position) {
      fmt::print("    + pos {}  {}\n", *tt.position, values_line(tt.position_vector, 6));
      fmt::print("    = sum    {}   |v| {:.4f}\n", values_line(tt.sum, 6), tt.sum_stats.l2_norm);
    }
    if (!f.no_heatmap && i < f.max_heatmaps) fmt::print("{}", terminal_heatmap(tt.row, scale, color));
  }
  if (!f.no_heatmap && !t->tokens.empty()) {
    fmt::print("  heatmap scale (shared): {}\n", terminal_colorbar(scale, color));
    if (t->tokens.size() > f.max_heatmaps)
      fmt::print("  (heatmaps of the first {} tokens; --max-heatmaps N for more)\n", f.max_heatmaps);
  }
  if (untrained) fmt::print("\n{} of {} rows are untrained: still at their random initialisation\n", untrained, t->tokens.size());
  if (!f.png.empty()) fmt::print("wrote {}\n", f.png);
  if (!f.svg.empty()) fmt::print("wrote {}\n", f.svg);
  return 0;
}

}  // namespace

void add_trace_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<TraceFlags>();
  auto* cmd = app.add_subcommand("trace", "the main job: text -> tokens -> ids -> rows of the embedding table -> vectors");
  cmd->footer(
      "Examples:\n  embscope trace -m ~/models/gpt2 'Mwarĩ wa Kĩkũyũ' --png trace.png\n"
      "  embscope trace -m google/gemma-3-4b-it 'hello' --add-special-tokens --json --full");
  add_model_flags(*cmd, f->model);
  cmd->add_option("text", f->text, "the text to trace")->required();
  cmd->add_option("--special", f->special, "special-token literals: default, match, text, reject")
      ->check(CLI::IsMember({"default", "match", "text", "reject"}));
  cmd->add_flag("--add-special-tokens", f->add_special, "add the model's template tokens (BOS, CLS/SEP)");
  cmd->add_flag("--lossy", f->lossy, "replace invalid UTF-8 with U+FFFD instead of failing");
  cmd->add_option("--top", f->top, "top dimensions per token")->default_val(8);
  cmd->add_flag("--full", f->full, "JSON: include every vector");
  cmd->add_flag("--no-heatmap", f->no_heatmap, "no terminal heatmaps");
  cmd->add_option("--max-heatmaps", f->max_heatmaps, "terminal heatmaps for at most this many tokens")->default_val(8);
  cmd->add_option("--png", f->png, "one figure of the whole trace (PNG)");
  cmd->add_option("--svg", f->svg, "one figure of the whole trace (SVG)");
  cmd->callback([&g, f] { g.exit_code = run_trace(g, *f); });
}

}  // namespace embscope::cli
