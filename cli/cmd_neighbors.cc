// `embscope neighbors [-m MODEL] WORD|#ID|[v1,...] ... | -f FILE -k N`: exact nearest neighbours
// over the whole table by cosine, dot or euclidean distance (analysis/neighbor_index.h), the
// stored f32/f16/bf16 rows scanned in place, many queries in one blocked pass; rows never
// trained and special tokens left out by default, plus the vocabulary filters of
// trace/token_filters.h.
#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <map>

#include "analysis/ann_index.h"
#include "analysis/neighbor_index.h"
#include "cli/common.h"
#include "core/lines.h"
#include "core/mapped_file.h"
#include "core/utf8.h"
#include "trace/ann_files.h"
#include "trace/terms.h"
#include "trace/token_filters.h"

namespace embscope::cli {
namespace {

constexpr size_t kCopyFromQueries = 64;

struct NeighborsFlags {
  ModelFlags model;
  std::vector<std::string> queries;
  std::vector<std::string> vectors;
  std::string file;
  size_t k = 10;
  std::string metric = "cosine";
  std::string pool = "mean";
  bool all_rows = false;
  bool clean = false;
  TokenFilterOptions filter;
  bool ann = false;      // approximate, with the HNSW index beside the model ...
  std::string ann_file;  // ... or this one
  size_t ef = 0;    // its search breadth (0: the one recall was measured with)
};

Metric metric_of(const std::string& s) { return s == "dot" ? Metric::Dot : s == "euclidean" ? Metric::Euclidean : Metric::Cosine; }

// "[0.5, -1e-3, 2]": brackets around numbers (BERT's "[CLS]" is a piece, not a vector).
bool is_vector_query(const std::string& q) {
  if (q.size() < 3 || q.front() != '[' || q.back() != ']') return false;
  const std::string_view body(q.data() + 1, q.size() - 2);
  return body.find_first_of("0123456789") != std::string_view::npos &&
         body.find_first_not_of("0123456789eE+-., \t") == std::string_view::npos;
}

// "[0.1, -2, 3e-1]" (commas and/or spaces) -> D floats.
Result<std::vector<float>> parse_vector(const std::string& q, size_t d) {
  std::vector<float> v;
  const std::string body = q.substr(1, q.size() - 2);
  for (size_t i = 0; i < body.size();) {
    while (i < body.size() && (body[i] == ' ' || body[i] == ',')) ++i;
    if (i >= body.size()) break;
    float x = 0;
    const auto [end, ec] = std::from_chars(body.data() + i, body.data() + body.size(), x);
    if (ec != std::errc() || !std::isfinite(x))
      return make_error_at(ErrorKind::InvalidArgument, "vector", i + 1, "expected a finite number in the vector");
    v.push_back(x);
    i = static_cast<size_t>(end - body.data());
  }
  if (v.size() != d) {
    return make_error(ErrorKind::InvalidArgument, "vector",
                      fmt::format("the vector has {} values; the table has {} dimensions", v.size(), d));
  }
  return v;
}

Result<std::vector<std::string>> read_queries(const std::string& path) {
  EMB_TRY_ASSIGN(auto file, MappedFile::open(path));
  const std::string_view text(reinterpret_cast<const char*>(file.bytes().data()), file.bytes().size());
  if (auto bad = find_invalid_utf8(text)) return make_error_at(ErrorKind::InvalidUtf8, path, *bad, "invalid UTF-8 in the queries");
  std::vector<std::string> out;
  for (LineReader lines(text); lines.next();) {
    const std::string_view line = lines.line();
    const bool comment = !line.empty() && line[0] == '#' && !(line.size() > 1 && std::isdigit(static_cast<unsigned char>(line[1])));
    if (!line.empty() && !comment) out.emplace_back(line);
  }
  if (out.empty()) return make_error(ErrorKind::InvalidArgument, path, "no queries (one word, #id or [vector] a line)");
  return out;
}

struct Asked {
  std::string text;
  std::string shown;         // how the query was read
  std::vector<uint32_t> ids;  // its rows (excluded from the answers)
  bool untrained = false;
};

int run_neighbors(const Globals& g, NeighborsFlags f) {
  std::vector<std::string> queries = f.queries;
  for (const auto& v : f.vectors) queries.push_back(is_vector_query(v) ? v : "[" + v + "]");
  if (!f.file.empty()) {
    auto more = read_queries(f.file);
    if (!more) return report(g, more.error());
    queries.insert(queries.end(), more->begin(), more->end());
  }
  if (queries.empty()) return report(g, make_error(ErrorKind::InvalidArgument, "neighbors", "give queries or -f FILE"));
  if (f.clean) {
    f.filter.words_only = f.filter.complete_only = f.filter.skip_forms = true;
    if (f.filter.script.empty()) f.filter.script = "auto";
  }
  auto spec = model_spec(f.model.model);
  if (!spec) return report(g, spec.error());
  auto opened = open_model_and_tokenizer(f.model);
  if (!opened) return report(g, opened.error());
  Pipeline p = std::move(*opened);
  const EmbeddingTable& t = p.model->token_table();
  const size_t n = t.n_rows(), d = t.n_dims();
  if (f.k > n)
    return report(g, make_error(ErrorKind::InvalidArgument, "-k",
                                fmt::format("k {} is larger than the table's {} rows (at most {})", f.k, n, n)));

  std::vector<Asked> asked;
  std::vector<float> qmat;  // (B, D)
  for (const auto& q : queries) {
    Asked a{q, "", {}, false};
    if (is_vector_query(q)) {
      auto v = parse_vector(q, d);
      if (!v) return report(g, v.error());
      qmat.insert(qmat.end(), v->begin(), v->end());
      a.shown = "the given vector";
    } else {
      auto term = resolve_term(*p.model, p.tokenizer.get(), q, pool_of(f.pool));
      if (!term) return report(g, term.error());
      qmat.insert(qmat.end(), term->vector.begin(), term->vector.end());
      a.ids = term->ids;
      a.untrained = term->untrained;
      a.shown = term->ids.size() == 1 ? fmt::format("'{}' (#{}{})", row_display(p, term->ids[0]), term->ids[0],
                                                    term->how == "piece" || term->how == "id" ? "" : ", " + term->how)
                                      : fmt::format("'{}' ({})", q, term->how);
    }
    asked.push_back(std::move(a));
  }

  size_t left_out = 0;
  std::vector<uint8_t> allowed = searchable_rows(*p.model, f.all_rows, left_out);
  auto filter = TokenFilter::create(*p.model, p.tokenizer.get(), f.filter);
  if (!filter) return report(g, filter.error());
  const size_t filtered = filter->apply(allowed);
  std::vector<std::vector<uint32_t>> exclude;
  for (const auto& a : asked) {
    std::vector<uint32_t> ex = a.ids;
    if (!a.ids.empty() || f.filter.skip_forms) {
      auto forms = filter->excluded_for(a.ids.size() == 1 ? row_text(*p.model, p.tokenizer.get(), a.ids[0]).value_or(RowText{a.text}).text
                                                         : a.text);
      ex.insert(ex.end(), forms.begin(), forms.end());
    }
    exclude.push_back(std::move(ex));
  }

  std::vector<float> storage;
  const RowTable rows = scan_rows(t, storage);
  // Many queries: a unit copy in int8 (AVX-512 VNNI) or bf16, one pass to build, cuts the
  // traffic and multiplies the rate of every scan after it (analysis/neighbor_index.h);
  // answers stay exact.
  std::optional<NeighborIndex> exact;
  std::optional<std::pair<AnnIndex, AnnInfo>> ann;
  std::string ann_path;
  if (!f.ann && f.ann_file.empty()) {
    exact.emplace(rows, metric_of(f.metric), asked.size() >= kCopyFromQueries ? UnitCopy::Best : UnitCopy::None);
  } else {
    ann_path = f.ann_file.empty() ? default_ann_path(*spec) : f.ann_file;
    auto loaded = load_ann(ann_path, rows, metric_of(f.metric));
    if (!loaded) {
      Error e = loaded.error();
      if (e.kind == ErrorKind::NotFound) e.message += fmt::format(" (build it with: embscope index -m {})", *spec);
      return report(g, e);
    }
    ann.emplace(std::move(*loaded));
  }
  const size_t ef = f.ef ? std::max(f.ef, f.k) : ann ? std::max<size_t>(ann->second.ef_search, f.k) : 0;
  auto search = [&](MatrixView q, const SearchFilter& filter) {
    return ann ? ann->first.search(q, f.k, ef, filter) : exact->search(q, f.k, filter);
  };
  // Queries grouped by the allowed rows they need (the "auto" script differs per query).
  std::map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < asked.size(); ++i)
    groups[f.filter.script == "auto" ? filter->script_of(asked[i].text) : ""].push_back(i);
  std::vector<std::vector<Neighbor>> found(asked.size());
  for (const auto& [script, members] : groups) {
    std::vector<uint8_t> mask = allowed;
    if (!script.empty()) {
      auto in_script = filter->rows_in_script(script);
      if (!in_script) return report(g, in_script.error());
      for (size_t r = 0; r < n; ++r) mask[r] &= (*in_script)[r];
    }
    std::vector<float> sub;
    std::vector<std::vector<uint32_t>> sub_ex;
    for (size_t i : members) {
      sub.insert(sub.end(), qmat.begin() + static_cast<ptrdiff_t>(i * d), qmat.begin() + static_cast<ptrdiff_t>((i + 1) * d));
      sub_ex.push_back(exclude[i]);
    }
    const auto res = search(MatrixView{sub.data(), members.size(), d}, SearchFilter{&mask, sub_ex});
    for (size_t j = 0; j < members.size(); ++j) found[members[j]] = res[j];
  }

  const std::string score_name = f.metric == "euclidean" ? "distance" : f.metric;
  Json out = Json::array();
  for (size_t i = 0; i < asked.size(); ++i) {
    const Asked& a = asked[i];
    if (found[i].empty() && f.metric == "cosine") {
      return report(g, make_error(ErrorKind::InvalidArgument, a.text, "the query is a zero vector: cosine is undefined"));
    }
    if (g.json) {
      Json list = Json::array();
      for (const auto& nb : found[i]) {
        Json j = {{"id", nb.row}, {"token", row_display(p, nb.row)}, {"score", nb.score}};
        j[score_name] = nb.score;
        list.push_back(std::move(j));
      }
      Json q = {{"query", a.text}, {"read_as", a.shown}, {"neighbors", std::move(list)}};
      if (a.ids.size() == 1) q["id"] = a.ids[0];
      out.push_back(std::move(q));
      continue;
    }
    fmt::print("{}{} neighbours of {} by {} over {} rows{}{}\n", i ? "\n" : "", ann ? "approximate (HNSW)" : "nearest",
               a.shown, f.metric, n - left_out - filtered,
               left_out ? fmt::format(" ({} untrained or special rows left out)", left_out) : "",
               filtered ? fmt::format(" ({} removed by filters)", filtered) : "");
    if (a.untrained) fmt::print("  note: this row is UNTRAINED (random init); its neighbours mean nothing\n");
    for (size_t r = 0; r < found[i].size(); ++r)
      fmt::print("  {:>3}  {:>7}  {:<20} {:+.4f}\n", r + 1, fmt::format("#{}", found[i][r].row),
                 row_display(p, found[i][r].row), found[i][r].score);
  }
  if (!g.json && ann)
    fmt::print("\n(approximate: {} with ef {}; recall@{} {:.3f} measured at build with ef {})\n", ann_path, ef,
               ann->second.recall_k, ann->second.recall, ann->second.ef_search);
  if (g.json) {
    Json top = {{"model", *spec},
                {"metric", f.metric},
                {"kernel", NeighborIndex::kernel_name()},
                {"unit_copy", exact ? NeighborIndex::copy_name(exact->unit_copy()) : "none"},
                {"rows_searched", n - left_out - filtered},
                {"exact", !ann},
                {"results", std::move(out)}};
    if (ann)
      top["index"] = {{"path", ann_path}, {"ef", ef}, {"m", ann->second.m},
                      {"recall_at_build", ann->second.recall}, {"recall_k", ann->second.recall_k},
                      {"recall_ef", ann->second.ef_search}};
    print_json(top);
  }
  return 0;
}

}  // namespace

void add_neighbors_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<NeighborsFlags>();
  auto* cmd = app.add_subcommand("neighbors", "exact nearest neighbours of tokens over the whole table");
  cmd->footer(
      "Examples:\n"
      "  embscope neighbors cat Paris king                default model (a word means its word-initial token)\n"
      "  embscope neighbors -m gemma3 cat --clean         whole words in the query's script, own forms removed\n"
      "  embscope neighbors -m brown-sg -f words.txt -k 5 many queries in one pass over the table\n"
      "  embscope neighbors '#3797' --metric dot --json");
  add_model_flags(*cmd, f->model);
  cmd->add_option("queries", f->queries, "words, pieces, #ids or [v1,v2,...] vectors");
  cmd->add_option("--vector", f->vectors, "a query vector: D numbers separated by commas or spaces");
  cmd->add_option("-f,--file", f->file, "more queries, one a line: words, #ids or [v1, v2, ...] ('# ' comments)");
  cmd->add_option("-k,--k", f->k, "neighbours per query")->default_val(10)->check(CLI::Range(1, 100000));
  cmd->add_option("--metric", f->metric, "cosine (default), dot or euclidean")
      ->check(CLI::IsMember({"cosine", "dot", "euclidean"}))
      ->default_val("cosine");
  add_pool_flag(*cmd, f->pool);
  cmd->add_flag("--all-rows", f->all_rows, "also rank rows flagged untrained");
  cmd->add_flag("--words-only", f->filter.words_only, "only pieces that start a word and are letters only");
  cmd->add_flag("--complete-only", f->filter.complete_only, "no byte tokens or partial UTF-8 characters");
  cmd->add_option("--min-length", f->filter.min_length, "only tokens of at least N characters (word space not counted)");
  cmd->add_option("--script", f->filter.script, "only tokens in this Unicode script (Latin, Cyrillic, Han, ...) or 'auto'");
  cmd->add_flag("--skip-forms", f->filter.skip_forms, "leave out the query's own forms (case, leading space)");
  cmd->add_option("--restrict", f->filter.restrict, "only the N most frequent rows (embscope.counts)");
  cmd->add_flag("--clean", f->clean, "= --words-only --complete-only --skip-forms --script auto");
  cmd->add_flag("--ann", f->ann, "approximate search with the HNSW index `embscope index` built beside the model");
  cmd->add_option("--ann-file", f->ann_file, "approximate search with this HNSW index file");
  cmd->add_option("--ef", f->ef, "HNSW search breadth (default: the one its recall was measured with)")
      ->check(CLI::Range(1, 100000));
  cmd->callback([&g, f] { g.exit_code = run_neighbors(g, *f); });
}

}  // namespace embscope::cli
