// `embscope tokenize -m A,B,C TEXT | -f FILE | -`: how tokenizers split a text, side by side;
// over a file, fertility and compression statistics.
#include <fmt/format.h>
#include <unistd.h>

#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/common.h"
#include "core/atomic_file.h"
#include "core/utf8.h"
#include "trace/token_view.h"
#include "trace/trace.h"

namespace embscope::cli {
namespace {

struct TokenizeFlags {
  std::string models;
  std::string revision;
  std::string text;
  std::string file;
  std::string special = "default";
  bool add_special = false, lossy = false;
};

std::vector<std::string> split_models(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

struct FileStats {
  uint64_t lines = 0, bytes = 0, chars = 0, words = 0, tokens = 0, partial = 0, special = 0;
};

int run_stats(const Globals& g, const TokenizeFlags& f, const std::vector<std::string>& names,
              const std::vector<std::unique_ptr<Tokenizer>>& toks) {
  std::ifstream file;
  std::istream* in = &std::cin;
  const std::string where = f.file == "-" ? "<stdin>" : f.file;
  if (f.file != "-") {
    file.open(f.file, std::ios::binary);
    if (!file) return report(g, make_error(ErrorKind::NotFound, f.file, "cannot open the file"));
    in = &file;
  }
  std::vector<FileStats> stats(toks.size());
  std::string line;
  uint64_t offset = 0;
  const EncodeOptions o{f.add_special, special_policy(f.special)};
  while (std::getline(*in, line)) {
    const uint64_t line_at = offset;
    offset += line.size() + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto text = checked_text(std::move(line), f.lossy, where);
    if (!text) {
      Error e = text.error();
      e.offset = line_at + e.offset.value_or(0);
      return report(g, e);
    }
    const uint64_t words = [&] {
      uint64_t n = 0;
      bool in_word = false;
      for (char c : *text) {
        const bool space = c == ' ' || c == '\t';
        n += !space && !in_word;
        in_word = !space;
      }
      return n;
    }();
    for (size_t m = 0; m < toks.size(); ++m) {
      auto enc = toks[m]->encode(*text, o);
      if (!enc) {
        Error e = enc.error();
        e.path = where;
        e.offset = line_at + e.offset.value_or(0);
        return report(g, e);
      }
      FileStats& s = stats[m];
      ++s.lines;
      s.bytes += text->size();
      s.chars += count_code_points(*text);
      s.words += words;
      s.tokens += enc->size();
      for (const auto& t : *enc) {
        s.special += t.special;
        auto b = toks[m]->token_bytes(t.id);
        s.partial += b && find_invalid_utf8(*b).has_value();
      }
    }
  }
  if (g.json) {
    Json arr = Json::array();
    for (size_t m = 0; m < toks.size(); ++m) {
      const auto& s = stats[m];
      arr.push_back({{"model", names[m]},
                     {"kind", toks[m]->kind()},
                     {"lines", s.lines},
                     {"bytes", s.bytes},
                     {"chars", s.chars},
                     {"words", s.words},
                     {"tokens", s.tokens},
                     {"fertility_tokens_per_word", s.words ? double(s.tokens) / s.words : 0.0},
                     {"bytes_per_token", s.tokens ? double(s.bytes) / s.tokens : 0.0},
                     {"chars_per_token", s.tokens ? double(s.chars) / s.tokens : 0.0},
                     {"partial_character_tokens", s.partial},
                     {"special_tokens", s.special}});
    }
    print_json({{"file", where}, {"models", arr}});
    return 0;
  }
  fmt::print("{}: {} lines, {} bytes, {} characters, {} words (whitespace-separated)\n\n", where, stats[0].lines,
             stats[0].bytes, stats[0].chars, stats[0].words);
  fmt::print("{:<14} {:>12} {:>16} {:>12} {:>12} {:>16}\n", "tokenizer", "tokens", "tokens/word", "bytes/token",
             "chars/token", "partial-char tok");
  for (size_t m = 0; m < toks.size(); ++m) {
    const auto& s = stats[m];
    fmt::print("{:<14} {:>12} {:>16.3f} {:>12.3f} {:>12.3f} {:>16}\n", names[m], s.tokens,
               s.words ? double(s.tokens) / s.words : 0.0, s.tokens ? double(s.bytes) / s.tokens : 0.0,
               s.tokens ? double(s.chars) / s.tokens : 0.0, s.partial);
  }
  return 0;
}

int run_tokenize(const Globals& g, const TokenizeFlags& f) {
  auto spec = model_spec(f.models);
  if (!spec) return report(g, spec.error());
  const auto names = split_models(*spec);
  if (names.empty()) return report(g, make_error(ErrorKind::InvalidArgument, "--model", "give -m MODEL[,MODEL...]"));
  std::vector<std::unique_ptr<Tokenizer>> toks;
  for (const auto& n : names) {
    auto t = open_tokenizer(n, f.revision);
    if (!t) return report(g, t.error());
    toks.push_back(std::move(*t));
  }
  if (!f.file.empty()) return run_stats(g, f, names, toks);
  auto text = checked_text(f.text, f.lossy, "TEXT");
  if (!text) return report(g, text.error());
  const EncodeOptions o{f.add_special, special_policy(f.special)};
  Json all = Json::array();
  for (size_t m = 0; m < toks.size(); ++m) {
    auto enc = toks[m]->encode(*text, o);
    if (!enc) {
      Error e = enc.error();
      e.message = names[m] + ": " + e.message;
      return report(g, e);
    }
    const auto views = view_tokens(*toks[m], *text, *enc);
    const size_t chars = count_code_points(*text);
    if (g.json) {
      Json tokens = Json::array();
      for (const auto& v : views) tokens.push_back(token_json(v));
      all.push_back({{"model", names[m]},
                     {"kind", toks[m]->kind()},
                     {"source", toks[m]->source()},
                     {"n_tokens", views.size()},
                     {"n_chars", chars},
                     {"n_bytes", text->size()},
                     {"tokens", tokens}});
      continue;
    }
    fmt::print("{}{}  [{}]  {} tokens for {} characters / {} bytes ({:.2f} chars per token)\n", m ? "\n" : "", names[m],
               toks[m]->kind(), views.size(), chars, text->size(), views.empty() ? 0.0 : double(chars) / views.size());
    fmt::print("  {:>4}  {:>7}  {:<18} {:<20} {:>11} {:>11}\n", "#", "id", "token", "bytes", "byte range", "char range");
    for (size_t i = 0; i < views.size(); ++i) {
      const auto& v = views[i];
      std::string shown = v.continues ? "  (cont.)" : v.display;
      if (!v.span_text.empty() && v.display != v.span_text) shown += " (" + v.span_text + ")";
      if (v.partial && !v.continues) shown += " (part)";
      if (v.token.special) shown += " [special]";
      std::string hexb = hex_bytes(v.bytes);
      if (hexb.size() > 20) hexb = hexb.substr(0, 17) + "...";
      // Pad by display columns (code points), not bytes.
      const size_t cols = count_code_points(shown);
      fmt::print("  {:>4}  {:>7}  {}{} {:<20} {:>5}-{:<5} {:>5}-{:<5}\n", i, v.token.id, shown,
                 std::string(cols < 18 ? 18 - cols : 0, ' '), hexb, v.token.byte_begin, v.token.byte_end,
                 v.token.char_begin, v.token.char_end);
    }
  }
  if (g.json) print_json({{"text", *text}, {"models", all}});
  return 0;
}

}  // namespace

void add_tokenize_command(CLI::App& app, Globals& g) {
  auto f = std::make_shared<TokenizeFlags>();
  auto* cmd = app.add_subcommand("tokenize", "split a text with one or more tokenizers: ids, bytes, offsets, counts");
  cmd->footer(
      "-m takes a tokenizer.json, a SentencePiece .model, a *.tiktoken rank file, GPT-2's encoder.json, a model\n"
      "directory, a cached Hub id, or an installed name: gpt2 llama3 gemma3 qwen3 deepseek_v3 mistral gpt4o llama2\n"
      "gemma yi r50k_base p50k_base cl100k_base o200k_base.\n"
      "Examples:\n  embscope tokenize -m gpt2,llama3,gemma3 'Mwarĩ wa Kĩkũyũ'\n"
      "  embscope tokenize -m cl100k_base,o200k_base -f corpus.txt --json");
  cmd->add_option("-m,--model", f->models, "tokenizer(s), comma-separated");
  cmd->add_option("--revision", f->revision, "Hub revision for cached Hub ids");
  cmd->add_option("text", f->text, "the text to tokenize");
  cmd->add_option("-f,--file", f->file, "a file (or - for stdin): statistics over its lines");
  cmd->add_option("--special", f->special,
                  "special-token literals in the text: default (tokenizer.json: match; tiktoken: reject), match, text, "
                  "reject")
      ->check(CLI::IsMember({"default", "match", "text", "reject"}));
  cmd->add_flag("--add-special-tokens", f->add_special, "add the model's template tokens (BOS, CLS/SEP)");
  cmd->add_flag("--lossy", f->lossy, "replace invalid UTF-8 with U+FFFD instead of failing");
  cmd->callback([&g, f] {
    if (f->text.empty() && f->file.empty()) {
      // An empty TEXT is valid input (zero tokens), but nothing at all is a usage error.
    }
    if (f->text == "-" && f->file.empty()) f->file = "-";
    g.exit_code = run_tokenize(g, *f);
  });
}

}  // namespace embscope::cli
