// embscope: the command-line front end. Parses arguments (CLI11) and dispatches to the
// commands; exit codes: 0 ok, 1 internal error, 2 usage, 3.. one per error kind.
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include "cli/common.h"
#include "cli/huge_pages.h"

namespace {

// CLI11 splits an argument written "[a,b]" into "a" and "b" for options that take several
// values, so BERT's "[CLS]" would arrive as "CLS" and a vector "[1,2]" as two ids. Such
// arguments are marked before parsing and unmarked by a transform on every option.
constexpr char kBracketMark = '\x1f';

void add_unmark(CLI::App& app) {
  for (CLI::Option* opt : app.get_options()) {
    opt->transform(
        [](std::string s) {
          if (!s.empty() && s[0] == kBracketMark) s.erase(0, 1);
          return s;
        },
        "", "unmark");
  }
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) add_unmark(*sub);
}

}  // namespace

int main(int argc, char** argv) {
  embscope::cli::use_transparent_huge_pages(argv);
  using namespace embscope::cli;
  CLI::App app{
      "embscope: how text becomes the vectors a neural network consumes.\n"
      "text -> tokens -> token ids -> rows of the embedding table -> vectors.\n\n"
      "Examples:\n"
      "  embscope trace -m MODEL 'Mwarĩ wa Kĩkũyũ'       text -> tokens -> rows -> vectors (+ positions)\n"
      "  embscope tokenize -m gpt2,llama3,gemma3 'Mwarĩ'  compare how tokenizers split a text\n"
      "  embscope sizes                                  embedding-table sizes of GPT-2 ... LLaMA 4\n"
      "  embscope info -m ~/models/gpt2                  V, D, dtype, bytes, tied head, positions\n"
      "  embscope rows -m gpt2 ' cat' 9246 --png cat.png one row: stats, top dims, heatmap\n"
      "  embscope init --vocab-size 1000 --dim 64 -o untrained   a random-init table\n"
      "  embscope convert -m gpt2 --to npy -o gpt2.npy   export the table\n",
      "embscope"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "embscope 0.1.0");
  Globals g;
  app.add_flag("--json", g.json, "machine-readable JSON on stdout (every command)");
  app.add_option("--color", g.color, "terminal colour: auto (default: on a terminal, unless NO_COLOR), always, never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.fallthrough();
  add_info_command(app, g);
  add_sizes_command(app, g);
  add_rows_command(app, g);
  add_init_command(app, g);
  add_convert_command(app, g);
  add_tokenize_command(app, g);
  add_trace_command(app, g);
  add_train_command(app, g);
  add_evolve_command(app, g);
  add_neighbors_command(app, g);
  add_index_command(app, g);
  add_relation_commands(app, g);
  add_evaluate_commands(app, g);
  add_project_command(app, g);
  add_unmark(app);
  std::vector<std::string> marked(argv, argv + argc);
  std::vector<char*> args;
  for (auto& a : marked) {
    if (a.size() >= 2 && a.front() == '[' && a.back() == ']') a.insert(a.begin(), kBracketMark);
    args.push_back(a.data());
  }
  try {
    app.parse(argc, args.data());
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return 2;
  } catch (const std::bad_alloc&) {
    std::fprintf(stderr,
                 "embscope: out of memory: the system refused an allocation (its memory or address-space limit); "
                 "outputs are written whole or not at all, so none is half-written\n");
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "embscope internal error: %s\n", e.what());
    return 1;
  }
  return g.exit_code;
}
