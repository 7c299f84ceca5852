// NormalizedString: alignment bookkeeping. Mirrors tokenizers/src/tokenizer/normalizer.rs.
#include "tokenizer/normalized_string.h"

#include <algorithm>

#include "core/error.h"
#include "core/utf8.h"

namespace embscope {
namespace {

size_t utf8_len(uint32_t cp) { return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4; }

size_t char_len_at(std::string_view s, size_t i) {
  const auto b = static_cast<uint8_t>(s[i]);
  return b < 0x80 ? 1 : b >= 0xF0 ? 4 : b >= 0xE0 ? 3 : 2;
}

bool is_boundary(std::string_view s, size_t i) {
  return i == 0 || i >= s.size() || (static_cast<uint8_t>(s[i]) & 0xC0) != 0x80;
}

}  // namespace

NormalizedString::NormalizedString(std::string_view original) : original_(original), normalized_(original) {
  alignments_.reserve(original.size());
  size_t i = 0;
  while (i < original.size()) {
    const size_t n = char_len_at(original, i);
    for (size_t k = 0; k < n && i + k < original.size(); ++k)
      alignments_.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(i + n));
    i += n;
  }
}

std::optional<ByteRange> NormalizedString::normalized_to_original(size_t begin, size_t end) const {
  if (begin == end) return ByteRange(begin, end);
  if (begin > end) return std::nullopt;
  if (normalized_.empty() && begin == 0 && end == 0) return ByteRange(0, original_.size());
  if (end > alignments_.size()) return std::nullopt;
  return ByteRange(alignments_[begin].first, alignments_[end - 1].second);
}

std::optional<ByteRange> NormalizedString::original_to_normalized(size_t begin, size_t end) const {
  if (begin == end) return ByteRange(begin, end);
  if (begin > end) return std::nullopt;
  if (original_.empty() && begin == 0 && end == 0) return ByteRange(0, normalized_.size());
  std::optional<size_t> s, e;
  for (size_t i = 0; i < alignments_.size(); ++i) {
    const auto& a = alignments_[i];
    if (!(end >= a.second)) break;
    if (!s && begin <= a.first && a.first != a.second) s = i;
    e = i + 1;
  }
  if (s && e) return ByteRange(*s, *e);
  if (s) return ByteRange(*s, *s);
  if (e) return ByteRange(*e, *e);
  return std::nullopt;
}

std::optional<NormalizedString> NormalizedString::slice_normalized(size_t begin, size_t end) const {
  if (begin > end || end > normalized_.size() || !is_boundary(normalized_, begin) || !is_boundary(normalized_, end)) {
    return std::nullopt;
  }
  auto orig = normalized_to_original(begin, end);
  if (!orig) return std::nullopt;
  NormalizedString out;
  const size_t shift = orig->first;
  out.original_ = original_.substr(orig->first, orig->second - orig->first);
  out.normalized_ = normalized_.substr(begin, end - begin);
  out.alignments_.reserve(end - begin);
  for (size_t i = begin; i < end; ++i) {
    out.alignments_.emplace_back(alignments_[i].first - shift, alignments_[i].second - shift);
  }
  out.original_shift_ = original_shift_ + shift;
  return out;
}

void NormalizedString::transform_range(size_t begin, size_t end, const std::vector<CharChange>& dest,
                                       size_t initial_offset) {
  EMB_ASSERT(begin <= end && end <= normalized_.size());
  // The characters being replaced, consumed as the changes say.
  const std::string_view replaced(normalized_.data() + begin, end - begin);
  size_t rp = 0;  // byte position in `replaced`
  auto take_char = [&]() -> size_t {
    if (rp >= replaced.size()) return 0;
    const size_t n = char_len_at(replaced, rp);
    rp += n;
    return n;
  };
  size_t initial_removed = 0;
  for (size_t k = 0; k < initial_offset; ++k) initial_removed += take_char();

  size_t offset = initial_removed + begin;
  std::string out;
  std::vector<ByteRange> aligns;
  out.reserve(end - begin);
  aligns.reserve(end - begin);
  for (const auto& [cp, change] : dest) {
    ByteRange align;
    if (change > 0) {
      align = offset < 1 ? ByteRange(0, 0) : alignments_[offset - 1];
    } else {
      align = alignments_[offset];
    }
    size_t replaced_size = change > 0 ? 0 : take_char();
    size_t removed = 0;
    if (change < 0)
      for (int k = 0; k < -change; ++k) removed += take_char();
    offset += replaced_size + removed;
    const size_t n = utf8_len(cp);
    for (size_t k = 0; k < n; ++k) aligns.push_back(align);
    append_utf8(out, cp);
  }
  alignments_.erase(alignments_.begin() + static_cast<std::ptrdiff_t>(begin),
                    alignments_.begin() + static_cast<std::ptrdiff_t>(end));
  alignments_.insert(alignments_.begin() + static_cast<std::ptrdiff_t>(begin), aligns.begin(), aligns.end());
  normalized_.replace(begin, end - begin, out);
}

void NormalizedString::transform(const std::vector<CharChange>& dest, size_t initial_offset) {
  // The reference converts the whole original range to a normalized one, which is the whole
  // normalized string unless it starts with zero-width insertions (content a Replace put at
  // offset 0, aligned to (0, 0)); the range then starts after them while every caller's `dest`
  // describes the whole string, and the reference indexes past its alignments and panics.
  // Applying `dest` to the whole string is the same in every other case and safe in that one.
  transform_range(0, normalized_.size(), dest, initial_offset);
}

void NormalizedString::prepend(std::string_view s) {
  if (normalized_.empty() || s.empty()) return;
  size_t i = 0;
  const uint32_t first = next_code_point(normalized_, i);
  std::vector<CharChange> dest;
  size_t k = 0;
  bool is_first = true;
  while (k < s.size()) {
    dest.push_back({next_code_point(s, k), is_first ? 0 : 1});
    is_first = false;
  }
  dest.push_back({first, 1});
  transform_range(0, i, dest, 0);
}

void NormalizedString::append(std::string_view s) {
  std::vector<CharChange> dest;
  if (normalized_.empty()) {
    for (size_t k = 0; k < s.size();) dest.push_back({next_code_point(s, k), 1});
    transform_range(0, 0, dest, 0);
    return;
  }
  size_t last = normalized_.size() - 1;
  while (last > 0 && (static_cast<uint8_t>(normalized_[last]) & 0xC0) == 0x80) --last;
  size_t i = last;
  dest.push_back({next_code_point(normalized_, i), 0});
  for (size_t k = 0; k < s.size();) dest.push_back({next_code_point(s, k), 1});
  transform_range(last, normalized_.size(), dest, 0);
}

void NormalizedString::replace_ranges(const std::vector<std::pair<size_t, size_t>>& matches, std::string_view content) {
  std::string out;
  std::vector<ByteRange> aligns;
  out.reserve(normalized_.size());
  aligns.reserve(alignments_.size());
  size_t last_end = 0;
  for (const auto& [start, end] : matches) {
    out.append(normalized_, last_end, start - last_end);
    aligns.insert(aligns.end(), alignments_.begin() + static_cast<std::ptrdiff_t>(last_end),
                  alignments_.begin() + static_cast<std::ptrdiff_t>(start));
    // Every content character is an insertion after the removed match: it takes the
    // alignment of the match's last byte (or (0, 0) at the very start).
    const size_t offset = end;
    const ByteRange align = offset < 1 ? ByteRange(0, 0) : alignments_[offset - 1];
    for (size_t k = 0; k < content.size();) {
      const uint32_t cp = next_code_point(content, k);
      for (size_t b = 0; b < utf8_len(cp); ++b) aligns.push_back(align);
      append_utf8(out, cp);
    }
    last_end = end;
  }
  out.append(normalized_, last_end, std::string::npos);
  aligns.insert(aligns.end(), alignments_.begin() + static_cast<std::ptrdiff_t>(last_end), alignments_.end());
  normalized_ = std::move(out);
  alignments_ = std::move(aligns);
}

std::vector<std::pair<ByteRange, bool>> cover_with_matches(std::string_view text,
                                                           const std::vector<std::pair<size_t, size_t>>& matches) {
  std::vector<std::pair<ByteRange, bool>> out;
  if (text.empty()) {
    out.push_back({{0, 0}, false});
    return out;
  }
  size_t prev = 0;
  for (const auto& [b, e] : matches) {
    if (prev != b) out.push_back({{static_cast<uint32_t>(prev), static_cast<uint32_t>(b)}, false});
    out.push_back({{static_cast<uint32_t>(b), static_cast<uint32_t>(e)}, true});
    prev = e;
  }
  if (prev != text.size()) out.push_back({{static_cast<uint32_t>(prev), static_cast<uint32_t>(text.size())}, false});
  return out;
}

std::vector<NormalizedString> NormalizedString::split(const std::vector<std::pair<ByteRange, bool>>& matches,
                                                      SplitBehavior behavior) const {
  // (range, remove) per the behaviour.
  std::vector<std::pair<ByteRange, bool>> splits;
  switch (behavior) {
    case SplitBehavior::Isolated:
      for (const auto& [r, m] : matches) splits.push_back({r, false});
      break;
    case SplitBehavior::Removed:
      splits = matches;
      break;
    case SplitBehavior::Contiguous: {
      bool prev = false;
      for (const auto& [r, m] : matches) {
        if (m == prev && !splits.empty()) splits.back().first.second = r.second;
        else splits.push_back({r, false});
        prev = m;
      }
      break;
    }
    case SplitBehavior::MergedWithPrevious: {
      bool prev = false;
      for (const auto& [r, m] : matches) {
        if (m && !prev && !splits.empty()) splits.back().first.second = r.second;
        else splits.push_back({r, false});
        prev = m;
      }
      break;
    }
    case SplitBehavior::MergedWithNext: {
      bool prev = false;
      for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
        if (it->second && !prev && !splits.empty()) splits.back().first.first = it->first.first;
        else splits.push_back({it->first, false});
        prev = it->second;
      }
      std::reverse(splits.begin(), splits.end());
      break;
    }
  }
  std::vector<NormalizedString> out;
  out.reserve(splits.size());
  for (const auto& [r, remove] : splits) {
    if (remove) continue;
    auto s = slice_normalized(r.first, r.second);
    EMB_ASSERT(s.has_value());
    out.push_back(std::move(*s));
  }
  return out;
}

void NormalizedString::lstrip_rstrip(bool left, bool right) {
  // Unicode White_Space, as Rust's char::is_whitespace.
  auto is_ws = [](uint32_t c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F || c == 0x3000;
  };
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < normalized_.size();) cps.push_back(next_code_point(normalized_, i));
  size_t leading = 0, trailing = 0;
  if (left)
    while (leading < cps.size() && is_ws(cps[leading])) ++leading;
  if (right)
    while (trailing < cps.size() - leading && is_ws(cps[cps.size() - 1 - trailing])) ++trailing;
  if (leading == 0 && trailing == 0) return;
  std::vector<CharChange> dest;
  const size_t count = cps.size();
  for (size_t i = 0; i < count; ++i) {
    if (i < leading || i >= count - trailing) continue;
    // The reference compares against the byte length here (self.len()), a quirk that only
    // matters for non-ASCII strings; mirrored for identical offsets.
    if (i == normalized_.size() - trailing - 1) dest.push_back({cps[i], -static_cast<int>(trailing)});
    else dest.push_back({cps[i], 0});
  }
  transform(dest, leading);
}

}  // namespace embscope
