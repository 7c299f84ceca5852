// Shared pieces of the CLI front end: global flags, model opening with the default model,
// colour detection, and error reporting (human line on stderr, JSON object with --json).
#pragma once

#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "core/error.h"
#include "embed/model.h"
#include "tokenizer/tokenizer.h"
#include "trace/reports.h"
#include "trace/terms.h"
#include "trace/trace.h"

namespace embscope::cli {

struct Globals {
  bool json = false;
  std::string color = "auto";  // auto | always | never
  int exit_code = 0;
};

struct ModelFlags {
  std::string model;
  std::string revision;
  std::string tensor;
};

// -m/--model, --revision, --tensor on `cmd`.
void add_model_flags(CLI::App& cmd, ModelFlags& f);
// The bundled default model (models/default found above the executable, as in a source tree
// or an install prefix's share/embscope/), or "".
std::string default_model_dir();
// data/eval-data (the standard evaluation sets shipped with embscope) above the executable; "" if absent.
std::string default_eval_dir();
// data/groups/classic.txt (the five classic word groups) above the executable; "" if absent.
std::string default_groups_file();
// --pool mean|first|last (how a word of several tokens becomes one vector) on `cmd`, and its value.
void add_pool_flag(CLI::App& cmd, std::string& pool);
Pool pool_of(const std::string& flag);
// -m, else $EMBSCOPE_MODEL, else the bundled default model. Errors: InvalidArgument when none.
Result<std::string> model_spec(const std::string& flag);
// Opens model_spec(-m).
Result<std::unique_ptr<Model>> open_model(const ModelFlags& f);
// The model and, when its files have one, its tokenizer (null for bare tables: word2vec
// files, npy).
Result<Pipeline> open_model_and_tokenizer(const ModelFlags& f);
// How a row is shown: its bytes with whitespace made visible (' ' -> '␣'), <hex> when they are
// not whole UTF-8, else the vocabulary piece or #id.
std::string row_display(const Pipeline& p, uint32_t id);

// --special default|match|text|reject.
SpecialTokens special_policy(const std::string& s);

bool use_color(const Globals& g);

// A tokenizer from -m: a tokenizer file or directory, a model directory, a cached Hub id, or
// one of the names of the tokenizers installed in deps/ (gpt2, llama3, gemma3, qwen3,
// deepseek_v3, mistral, gpt4o, llama2, gemma, yi, r50k_base, p50k_base, cl100k_base, o200k_base),
// looked up in $EMBSCOPE_DEPS and in the deps/ directories above the executable.
Result<std::unique_ptr<Tokenizer>> open_tokenizer(const std::string& spec, const std::string& revision);
// The path an installed-tokenizer name stands for, or "".
std::string tokenizer_alias(const std::string& name);
// Text from the command line: validated UTF-8, or with --lossy invalid bytes -> U+FFFD.
Result<std::string> checked_text(std::string text, bool lossy, const std::string& what);

// Prints the error (stderr; and stdout as JSON with --json) and returns its exit code.
int report(const Globals& g, const Error& e);
// Prints a JSON document to stdout.
void print_json(const Json& j);

// Command registration: each adds a subcommand whose callback sets g.exit_code.
void add_info_command(CLI::App& app, Globals& g);
void add_sizes_command(CLI::App& app, Globals& g);
void add_rows_command(CLI::App& app, Globals& g);
void add_init_command(CLI::App& app, Globals& g);
void add_convert_command(CLI::App& app, Globals& g);
void add_tokenize_command(CLI::App& app, Globals& g);
void add_trace_command(CLI::App& app, Globals& g);
void add_train_command(CLI::App& app, Globals& g);
void add_evolve_command(CLI::App& app, Globals& g);
void add_neighbors_command(CLI::App& app, Globals& g);
void add_index_command(CLI::App& app, Globals& g);
void add_relation_commands(CLI::App& app, Globals& g);  // similarity, analogy
void add_evaluate_commands(CLI::App& app, Globals& g);  // evaluate, doesnt-match
void add_project_command(CLI::App& app, Globals& g);

}  // namespace embscope::cli
