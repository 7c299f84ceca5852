// tiktoken rank files.
#include "formats/tiktoken.h"

#include <fmt/format.h>

#include <charconv>
#include <unordered_set>

#include "core/lines.h"
#include "core/utf8.h"

namespace embscope {
namespace {

constexpr std::string_view kR50kPattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";
constexpr std::string_view kCl100kPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
constexpr std::string_view kO200kPattern =
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|)"
    R"([^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|)"
    R"(\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

const std::vector<TiktokenEncodingFacts>& encodings() {
  static const std::vector<TiktokenEncodingFacts> kEncodings = {
      {"gpt2", kR50kPattern, {{"<|endoftext|>", 50256}}},
      {"r50k_base", kR50kPattern, {{"<|endoftext|>", 50256}}},
      {"p50k_base", kR50kPattern, {{"<|endoftext|>", 50256}}},
      {"p50k_edit", kR50kPattern,
       {{"<|endoftext|>", 50256}, {"<|fim_prefix|>", 50281}, {"<|fim_middle|>", 50282}, {"<|fim_suffix|>", 50283}}},
      {"cl100k_base", kCl100kPattern,
       {{"<|endoftext|>", 100257}, {"<|fim_prefix|>", 100258}, {"<|fim_middle|>", 100259}, {"<|fim_suffix|>", 100260},
        {"<|endofprompt|>", 100276}}},
      {"o200k_base", kO200kPattern, {{"<|endoftext|>", 199999}, {"<|endofprompt|>", 200018}}},
  };
  return kEncodings;
}

bool base64_decode(std::string_view s, std::string& out) {
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : s) {
    int v;
    if (c >= 'A' && c <= 'Z') v = c - 'A';
    else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
    else if (c >= '0' && c <= '9') v = c - '0' + 52;
    else if (c == '+') v = 62;
    else if (c == '/') v = 63;
    else if (c == '=') {
      ++pad;
      continue;
    } else {
      return false;
    }
    if (pad) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  return !out.empty();
}

}  // namespace

const TiktokenEncodingFacts* tiktoken_encoding(std::string_view name) {
  for (const auto& e : encodings())
    if (e.name == name) return &e;
  return nullptr;
}

Result<TiktokenSpec> parse_tiktoken(std::string_view text, const std::string& path, std::string_view name) {
  const TiktokenEncodingFacts* facts = tiktoken_encoding(name);
  if (!facts) {
    return make_error(ErrorKind::NotFound, path,
                      fmt::format("unknown tiktoken encoding '{}' (the file name's stem); known: gpt2, r50k_base, "
                                  "p50k_base, p50k_edit, cl100k_base, o200k_base",
                                  escape_for_message(name)));
  }
  TiktokenSpec s;
  s.name = std::string(name);
  s.source = path;
  s.pattern = std::string(facts->pattern);
  for (const auto& [t, id] : facts->special) s.special.emplace_back(std::string(t), id);
  std::vector<uint8_t> have;
  std::unordered_set<std::string> seen;
  std::string bytes;
  for (LineReader lines(text); lines.next();) {
    const std::string_view line = lines.line();
    const uint64_t at = lines.offset();
    if (line.empty()) continue;
    const size_t sp = line.find(' ');
    uint64_t rank = 0;
    if (sp == std::string_view::npos) return make_error_at(ErrorKind::Format, path, at, "expected \"<base64> <rank>\"");
    const std::string_view r = line.substr(sp + 1);
    auto [p, ec] = std::from_chars(r.data(), r.data() + r.size(), rank);
    if (ec != std::errc() || p != r.data() + r.size()) {
      return make_error_at(ErrorKind::Format, path, at + sp + 1, fmt::format("expected a rank, found '{}'", escape_for_message(r, 30)));
    }
    if (rank >= (1u << 24)) return make_error_at(ErrorKind::OutOfRange, path, at + sp + 1, fmt::format("rank {} is above 2^24", rank));
    if (!base64_decode(line.substr(0, sp), bytes)) {
      return make_error_at(ErrorKind::Format, path, at, "invalid base64 token");
    }
    if (rank >= s.tokens.size()) {
      s.tokens.resize(rank + 1);
      have.resize(rank + 1, 0);
    }
    if (have[rank]) return make_error_at(ErrorKind::Format, path, at, fmt::format("rank {} appears twice", rank));
    if (!seen.insert(bytes).second) return make_error_at(ErrorKind::Format, path, at, "token bytes appear twice");
    have[rank] = 1;
    s.tokens[rank] = bytes;
  }
  if (s.tokens.empty()) return make_error(ErrorKind::Truncated, path, "no ranks in the file");
  // Holes in the ranks are allowed (none of the OpenAI files has one inside, but the
  // special ids sit past the end); every single byte must have a rank (checked by the tokenizer).
  return s;
}

}  // namespace embscope
