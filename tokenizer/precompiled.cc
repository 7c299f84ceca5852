// Precompiled charsmap: double-array lookup and grapheme-wise replacement.
#include "tokenizer/precompiled.h"

#include <fmt/format.h>
#include <utf8proc.h>

#include <cstring>

#include "core/utf8.h"

namespace embscope {
namespace {

// darts-clone DoubleArrayUnit fields.
bool has_leaf(uint32_t u) { return ((u >> 8) & 1) == 1; }
uint32_t value(uint32_t u) { return u & ((1u << 31) - 1); }
uint32_t label(uint32_t u) { return u & ((1u << 31) | 0xFF); }
uint32_t offset(uint32_t u) { return (u >> 10) << ((u & (1u << 9)) >> 6); }

// The little-endian uint32 at blob[at, at + 4).
uint32_t le32(std::string_view blob, size_t at) {
  uint32_t v = 0;
  for (size_t b = 4; b-- > 0;) v = v << 8 | static_cast<uint8_t>(blob[at + b]);
  return v;
}

}  // namespace

Result<PrecompiledCharsmap> PrecompiledCharsmap::parse(std::string_view blob, const std::string& path) {
  PrecompiledCharsmap m;
  if (blob.empty()) return m;
  if (blob.size() < 4)
    return make_error(ErrorKind::Format, path, fmt::format("the charsmap has {} bytes; its 4-byte trie size is cut", blob.size()));
  const uint32_t trie_bytes = le32(blob, 0);
  const size_t n_units = trie_bytes / 4;  // as the reference reads it: whole units, the rest is text
  if (n_units > (blob.size() - 4) / 4) {
    return make_error(ErrorKind::Format, path,
                      fmt::format("charsmap offset 0x0: a trie of {} bytes does not fit the {} bytes that follow",
                                  trie_bytes, blob.size() - 4));
  }
  m.units_.resize(n_units);
  for (size_t i = 0; i < n_units; ++i) m.units_[i] = le32(blob, 4 + 4 * i);
  m.replacements_.assign(blob.substr(4 + 4 * n_units));
  if (const auto bad = find_invalid_utf8(m.replacements_)) {
    return make_error(ErrorKind::Format, path,
                      fmt::format("charsmap offset {:#x}: the replacement strings are not valid UTF-8", 4 + 4 * n_units + *bad));
  }
  return m;
}

Status PrecompiledCharsmap::check_for_sentencepiece(std::string_view blob, const std::string& what) {
  if (blob.empty()) return {};
  EMB_TRY_ASSIGN(const PrecompiledCharsmap m, parse(blob, what));
  const uint32_t trie_bytes = static_cast<uint32_t>(m.units_.size() * 4);
  const uint32_t stated = le32(blob, 0);
  if (stated != trie_bytes || m.units_.empty() || m.replacements_.empty()) {
    return make_error(ErrorKind::Format, what,
                      fmt::format("charsmap offset 0x0: a trie of {} bytes: expected a positive multiple of 4 with "
                                  "replacement strings after it in the {} bytes that follow",
                                  stated, blob.size() - 4));
  }
  const size_t n = m.units_.size();
  auto bad = [&](size_t unit, std::string_view why) {
    return make_error(ErrorKind::Format, what, fmt::format("charsmap offset {:#x}: {}", 4 + 4 * unit, why));
  };
  // Every base a search can reach: the root's is unit 0's offset; from a base, byte c reads unit
  // base ^ c (any c: the input is arbitrary), and when its label is c the search goes on from
  // that unit ^ its offset, which a leaf also reads for its value.
  std::vector<uint8_t> seen(n, 0);
  const size_t root = offset(m.units_[0]);
  if ((root | 0xFF) >= n) return bad(0, fmt::format("a search from the root reads unit {} of {}", root | 0xFF, n));
  std::vector<size_t> todo{root};
  seen[root] = 1;
  while (!todo.empty()) {
    const size_t base = todo.back();
    todo.pop_back();
    for (uint32_t c = 0; c < 256; ++c) {
      const size_t at = base ^ c;
      const uint32_t u = m.units_[at];
      if (label(u) != c) continue;
      const size_t next = at ^ offset(u);
      if ((next | 0xFF) >= n) return bad(at, fmt::format("a search from here reads unit {} of {}", next | 0xFF, n));
      if (has_leaf(u)) {
        const size_t v = value(m.units_[next]);
        if (v >= m.replacements_.size() || m.replacements_.find('\0', v) == std::string::npos)
          return bad(next, fmt::format("value {} is not the start of a NUL-terminated replacement string", v));
      }
      if (!seen[next]) {
        seen[next] = 1;
        todo.push_back(next);
      }
    }
  }
  return {};
}

std::optional<std::string_view> PrecompiledCharsmap::transform(std::string_view chunk) const {
  if (units_.empty()) return std::nullopt;
  // darts-clone commonPrefixSearch, stopping at the first (shortest) match; indices outside the
  // array (a hostile trie) end the search.
  size_t pos = offset(units_[0]);
  for (const char ch : chunk) {
    const auto c = static_cast<uint8_t>(ch);
    if (c == 0) break;  // keys are NUL-terminated
    pos ^= c;
    if (pos >= units_.size()) return std::nullopt;
    const uint32_t u = units_[pos];
    if (label(u) != c) return std::nullopt;
    pos ^= offset(u);
    if (pos >= units_.size()) return std::nullopt;
    if (has_leaf(u)) {
      const size_t at = value(units_[pos]);
      if (at >= replacements_.size()) return std::nullopt;
      const size_t end = replacements_.find('\0', at);
      return std::string_view(replacements_).substr(at, (end == std::string::npos ? replacements_.size() : end) - at);
    }
  }
  return std::nullopt;
}

void PrecompiledCharsmap::normalize(NormalizedString& s) const {
  if (units_.empty()) return;
  const std::string& text = s.get();
  std::vector<CharChange> changes;
  changes.reserve(text.size());
  bool modified = false;
  // A replacement of `old_chars` characters by `norm`, recorded as tokenizers 0.23 does: every
  // new character replaces one (change 0); when there are more new ones, the last surplus
  // ones are insertions (+1); when fewer, the last one also removes the rest.
  auto replaced = [&](std::string_view norm, size_t old_chars) {
    modified = true;
    const size_t first = changes.size();
    for (size_t at = 0; at < norm.size();) changes.push_back({next_code_point(norm, at), 0});
    const auto diff = static_cast<ptrdiff_t>(changes.size() - first) - static_cast<ptrdiff_t>(old_chars);
    if (diff > 0) {
      for (size_t i = changes.size() - static_cast<size_t>(diff); i < changes.size(); ++i) changes[i].change = 1;
    } else if (diff < 0 && !changes.empty()) {
      changes.back().change += static_cast<int>(diff);
    }
  };
  // Extended grapheme clusters (UAX #29) through utf8proc's stateful break test.
  size_t start = 0;
  while (start < text.size()) {
    size_t end = start;
    utf8proc_int32_t state = 0;
    uint32_t prev = next_code_point(text, end);
    size_t n_chars = 1;
    while (end < text.size()) {
      size_t next = end;
      const uint32_t c = next_code_point(text, next);
      if (utf8proc_grapheme_break_stateful(static_cast<utf8proc_int32_t>(prev), static_cast<utf8proc_int32_t>(c), &state)) break;
      prev = c, end = next, ++n_chars;
    }
    const std::string_view grapheme(text.data() + start, end - start);
    std::optional<std::string_view> whole;
    if (grapheme.size() < 6) whole = transform(grapheme);
    if (whole) {
      replaced(*whole, n_chars);
    } else {
      for (size_t at = 0; at < grapheme.size();) {
        const size_t from = at;
        const uint32_t c = next_code_point(grapheme, at);
        if (auto norm = transform(grapheme.substr(from, at - from))) replaced(*norm, 1);
        else changes.push_back({c, 0});
      }
    }
    start = end;
  }
  if (modified) s.transform(changes, 0);
}

}  // namespace embscope
