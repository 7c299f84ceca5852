// The known pre-tokenization regexes as hand-written matchers. Each function below follows its
// regex's alternatives in order, with the backtracking PCRE2 would do worked out: a match is
// the first alternative that succeeds at the position, and where nothing matches the search
// moves on one character (none of these patterns matches the empty string).
#include "tokenizer/known_patterns.h"

#include <cstdint>

#include "formats/tiktoken.h"
#include "tokenizer/char_classes.h"
#include "tokenizer/pre_tokenizers.h"

namespace embscope {
namespace {

namespace cc = char_classes;
using cc::kLetter;
using cc::kLower;
using cc::kNumber;
using cc::kSpace;
using cc::kUpper;

// Qwen 2 / Qwen 3: cl100k's pattern with \p{N} for \p{N}{1,3}.
constexpr std::string_view kQwenPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";

constexpr uint32_t kNoChar = 0xFFFFFFFF;   // past the end
constexpr uint32_t kBadByte = 0xFFFFFFFE;  // a byte that starts no valid UTF-8 sequence here

// One character: code point, byte length (0 past the end), class bits (none past the end or
// for a bad byte, so is() needs no length check).
struct Ch {
  uint32_t cp;
  uint32_t len;
  uint8_t cls;
  bool is(uint8_t bits) const { return (cls & bits) != 0; }
  // [^\s\p{L}\p{N}]: any other character (punctuation, symbols, marks, controls).
  bool other() const { return len != 0 && (cls & (kSpace | kLetter | kNumber)) == 0; }
  // [^\r\n\p{L}\p{N}]
  bool prefix() const { return len != 0 && cp != '\r' && cp != '\n' && (cls & (kLetter | kNumber)) == 0; }
};

class Text {
 public:
  explicit Text(std::string_view t) : p_(reinterpret_cast<const uint8_t*>(t.data())), n_(t.size()) {}
  size_t size() const { return n_; }

  Ch at(size_t i) const {
    if (i >= n_) return {kNoChar, 0, 0};
    const uint32_t b = p_[i];
    if (b < 0x80) return {b, 1, cc::of_latin1(b)};
    uint32_t len = b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : b >= 0xC0 ? 2 : 0;
    if (len == 0 || i + len > n_) return {kBadByte, 1, 0};  // not a lead byte, or cut off
    uint32_t cp = b & (0x7F >> len);
    for (uint32_t k = 1; k < len; ++k) {
      const uint32_t c = p_[i + k];
      if ((c & 0xC0) != 0x80) return {kBadByte, 1, 0};
      cp = (cp << 6) | (c & 0x3F);
    }
    return {cp, len, cc::of(cp)};
  }

  // End of the run of characters from i that have any of `bits`.
  size_t run(size_t i, uint8_t bits) const {
    for (;;) {
      while (i < n_ && p_[i] < 0x80 && (cc::of_latin1(p_[i]) & bits)) ++i;  // ASCII without decoding
      if (i >= n_ || p_[i] < 0x80) return i;
      const Ch c = at(i);
      if (!c.is(bits)) return i;
      i += c.len;
    }
  }
  size_t run_other(size_t i) const {
    constexpr uint8_t kNotOther = kSpace | kLetter | kNumber;
    for (;;) {
      while (i < n_ && p_[i] < 0x80 && !(cc::of_latin1(p_[i]) & kNotOther)) ++i;
      if (i >= n_ || p_[i] < 0x80) return i;
      const Ch c = at(i);
      if (!c.other()) return i;
      i += c.len;
    }
  }
  // \p{N}{1,max} at a number character i.
  size_t numbers(size_t i, int max) const {
    for (int k = 0; k < max; ++k) {
      const Ch d = at(i);
      if (!d.is(kNumber)) break;
      i += d.len;
    }
    return i;
  }
  // " ?[^\s\p{L}\p{N}]+[tail]*" at i (tail: single-byte characters): its end, or i.
  size_t symbols(size_t i, std::string_view tail) const {
    const size_t o = at(i).cp == ' ' && at(i + 1).other() ? i + 1 : i;
    if (!at(o).other()) return i;
    size_t e = run_other(o);
    while (e < n_ && tail.find(static_cast<char>(p_[e])) != std::string_view::npos) ++e;
    return e;
  }

  // 's 't 're 've 'm 'll 'd at i: its end, or i. Case-insensitive as (?i:...) in PCRE2 (the
  // letters' case-fold partners from char_classes), or exactly these lowercase ASCII letters.
  size_t contraction(size_t i, bool any_case) const {
    if (i >= n_ || p_[i] != '\'') return i;
    // Case-sensitive: only the lowercase letter itself, the one code point that folds to itself.
    auto letter = [&](const Ch& c) -> char {
      const char l = cc::fold_letter(c.cp);
      return any_case || static_cast<uint32_t>(l) == c.cp ? l : 0;
    };
    const Ch c1 = at(i + 1);
    const size_t e1 = i + 1 + c1.len;
    switch (letter(c1)) {
      case 's':
      case 't':
      case 'm':
      case 'd': return e1;
      case 'r':
      case 'v': {
        const Ch c2 = at(e1);
        return letter(c2) == 'e' ? e1 + c2.len : i;
      }
      case 'l': {
        const Ch c2 = at(e1);
        return letter(c2) == 'l' ? e1 + c2.len : i;
      }
      default: return i;
    }
  }

  // \s+(?!\S)|\s+ at a whitespace character i, preceded (with_newlines) by \s*[\r\n]+.
  size_t whitespace(size_t i, bool with_newlines) const {
    size_t last_start = i, newline_end = 0, e = i;
    for (Ch c = at(e); c.is(kSpace); c = at(e)) {
      last_start = e;
      e += c.len;
      if (c.cp == '\r' || c.cp == '\n') newline_end = e;
    }
    if (with_newlines && newline_end) return newline_end;  // \s* backs off to the last newline
    // (?!\S) holds at the end of the text, else one character before the run's end.
    if (e == n_ || last_start == i) return e;
    return last_start;
  }

 private:
  const uint8_t* p_;
  size_t n_;
};

// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
size_t match_gpt2(const Text& t, size_t i) {
  const Ch c = t.at(i);
  if (c.cp == '\'') {
    const size_t e = t.contraction(i, false);
    if (e > i) return e;
  }
  if (c.cp == ' ') {
    const Ch d = t.at(i + 1);
    if (d.is(kLetter)) return t.run(i + 1, kLetter);
    if (d.is(kNumber)) return t.run(i + 1, kNumber);
    if (d.other()) return t.run_other(i + 1);
  }
  if (c.is(kLetter)) return t.run(i, kLetter);
  if (c.is(kNumber)) return t.run(i, kNumber);
  if (c.other()) return t.run_other(i);
  return t.whitespace(i, false);
}

// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,D}| ?[^\s\p{L}\p{N}]+[\r\n]*|
// \s*[\r\n]+|\s+(?!\S)|\s+   (D = 3: cl100k / Llama 3; D = 1: Qwen)
template <int kDigits>
size_t match_cl100k(const Text& t, size_t i) {
  const Ch c = t.at(i);
  if (c.cp == '\'') {
    const size_t e = t.contraction(i, true);
    if (e > i) return e;
  }
  if (c.is(kLetter)) return t.run(i, kLetter);
  if (c.prefix() && t.at(i + c.len).is(kLetter)) return t.run(i + c.len, kLetter);
  if (c.is(kNumber)) return t.numbers(i, kDigits);
  if (size_t e = t.symbols(i, "\r\n"); e > i) return e;
  return t.whitespace(i, true);
}

// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|...|'d)?|
// [^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|...|'d)?|
// \p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+
// (upper = [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}], lower = [\p{Ll}\p{Lm}\p{Lo}\p{M}]; they overlap.)
size_t match_o200k(const Text& t, size_t i) {
  const Ch c = t.at(i);
  // upper* lower+ from x: upper* takes its longest run, then backs off until lower+ can start.
  // The first start that works is the run's end if a lower character is there, else the last
  // character of the run that is also lower (lower+ then ends right after it).
  auto upper_then_lower = [&](size_t x) -> size_t {
    size_t u = x, last_lower = SIZE_MAX, last_len = 0;
    for (Ch d = t.at(u); d.is(kUpper); d = t.at(u)) {
      if (d.is(kLower)) last_lower = u, last_len = d.len;
      u += d.len;
    }
    const Ch d = t.at(u);
    if (d.is(kLower)) return t.run(u, kLower);
    return last_lower == SIZE_MAX ? 0 : last_lower + last_len;
  };
  // upper+ lower* from x (nothing to back off: lower* may be empty).
  auto upper_and_lower = [&](size_t x) -> size_t {
    const size_t u = t.run(x, kUpper);
    return u == x ? 0 : t.run(u, kLower);
  };
  const bool prefix = c.prefix();
  if (prefix)
    if (size_t e = upper_then_lower(i + c.len)) return t.contraction(e, true);
  if (size_t e = upper_then_lower(i)) return t.contraction(e, true);
  if (prefix)
    if (size_t e = upper_and_lower(i + c.len)) return t.contraction(e, true);
  if (size_t e = upper_and_lower(i)) return t.contraction(e, true);
  if (c.is(kNumber)) return t.numbers(i, 3);
  if (size_t e = t.symbols(i, "\r\n/"); e > i) return e;
  return t.whitespace(i, true);
}

template <class Match>
void split_with(std::string_view text, Match match, std::vector<std::pair<size_t, size_t>>& out) {
  const Text t(text);
  size_t i = 0;
  while (i < t.size()) {
    const size_t e = match(t, i);
    if (e > i) {
      out.emplace_back(i, e);
      i = e;
    } else {
      i += t.at(i).len;  // no match here: the search moves on one character
    }
  }
}

}  // namespace

std::string_view known_pattern_text(KnownPattern pattern) {
  switch (pattern) {
    case KnownPattern::Gpt2: return kGpt2Pattern;
    case KnownPattern::Cl100k: return tiktoken_encoding("cl100k_base")->pattern;
    case KnownPattern::Qwen: return kQwenPattern;
    case KnownPattern::O200k: return tiktoken_encoding("o200k_base")->pattern;
    case KnownPattern::None: break;
  }
  return {};
}

KnownPattern recognize_pattern(std::string_view pattern) {
  for (KnownPattern k : kKnownPatterns)
    if (pattern == known_pattern_text(k)) return k;
  return KnownPattern::None;
}

void split_known(KnownPattern pattern, std::string_view text, std::vector<std::pair<size_t, size_t>>& out) {
  out.clear();
  switch (pattern) {
    case KnownPattern::Gpt2: split_with(text, match_gpt2, out); break;
    case KnownPattern::Cl100k: split_with(text, match_cl100k<3>, out); break;
    case KnownPattern::Qwen: split_with(text, match_cl100k<1>, out); break;
    case KnownPattern::O200k: split_with(text, match_o200k, out); break;
    case KnownPattern::None: break;
  }
}

}  // namespace embscope
