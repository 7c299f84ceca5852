// A string being normalized, with the alignment of every normalized byte to the range of
// original bytes it came from, so token offsets survive normalization and pre-tokenization.
// The semantics (transform with per-character change counts, prepend, replace, split
// behaviours, slicing, offset conversion) follow Hugging Face tokenizers'
// tokenizer/normalizer.rs exactly, because offsets must equal the reference's.
// Example: NFD of "ĩ" (C4 A9) gives "i" + U+0303, both aligned to original bytes [0, 2).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace embscope {

using ByteRange = std::pair<uint32_t, uint32_t>;  // [begin, end) in bytes

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

// One step of a transformation: the new code point and how it relates to the input
// characters: 0 replaces one, +1 is inserted, -n replaces one and removes n more.
struct CharChange {
  uint32_t cp;
  int change;
};

class NormalizedString {
 public:
  NormalizedString() = default;
  explicit NormalizedString(std::string_view original);

  const std::string& get() const { return normalized_; }
  const std::string& original() const { return original_; }
  size_t original_shift() const { return original_shift_; }
  bool empty() const { return normalized_.empty(); }
  const std::vector<ByteRange>& alignments() const { return alignments_; }

  // Normalized byte range -> original byte range (relative to this string's original).
  std::optional<ByteRange> normalized_to_original(size_t begin, size_t end) const;
  // Original byte range -> normalized byte range.
  std::optional<ByteRange> original_to_normalized(size_t begin, size_t end) const;
  // The sub-string for a normalized byte range (on character boundaries).
  std::optional<NormalizedString> slice_normalized(size_t begin, size_t end) const;

  // Replaces the normalized bytes [begin, end) by `dest`; `initial_offset` characters at the
  // start of the range are removed first.
  void transform_range(size_t begin, size_t end, const std::vector<CharChange>& dest, size_t initial_offset);
  // transform_range over the whole normalized string (`dest` describes all of it).
  void transform(const std::vector<CharChange>& dest, size_t initial_offset);

  void prepend(std::string_view s);
  void append(std::string_view s);
  // Replaces every match [b, e) (a sorted, non-overlapping list) by `content`.
  void replace_ranges(const std::vector<std::pair<size_t, size_t>>& matches, std::string_view content);
  void lstrip_rstrip(bool left, bool right);

  // Splits by (range, is_match) pieces covering the string, per `behavior`; empty pieces are
  // kept (callers drop them, as the reference does).
  std::vector<NormalizedString> split(const std::vector<std::pair<ByteRange, bool>>& matches,
                                      SplitBehavior behavior) const;

 private:
  std::string original_;
  std::string normalized_;
  std::vector<ByteRange> alignments_;  // one per normalized byte
  size_t original_shift_ = 0;
};

// Pieces (range, is_match) covering `text` from a list of match ranges, as the reference's
// Pattern::find_matches: an empty text gives one empty non-match.
std::vector<std::pair<ByteRange, bool>> cover_with_matches(std::string_view text,
                                                           const std::vector<std::pair<size_t, size_t>>& matches);

}  // namespace embscope
