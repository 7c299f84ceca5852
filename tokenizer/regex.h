// Regular expressions for the patterns real tokenizers ship, through PCRE2 in UTF + UCP mode
// with the JIT: compiled once, immutable, shareable across threads (each call uses its own
// match data). find_all follows the iteration of the Rust onig / regex crates that Hugging
// Face tokenizers uses: successive leftmost matches, an empty match never directly after the
// previous match.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.h"

namespace embscope {

class Regex {
 public:
  // Errors: Format with PCRE2's message and the offset into the pattern. A pattern that is
  // exactly one of the known pre-tokenization regexes (known_patterns.h) is matched by its
  // hand-written matcher in find_all, unless `hand_written` is false (tests compare the two).
  static Result<Regex> compile(std::string_view pattern, std::string_view what = "regex", bool hand_written = true);
  // A pattern that matches `literal` exactly.
  static Result<Regex> literal(std::string_view literal);

  Regex(Regex&&) noexcept;
  Regex& operator=(Regex&&) noexcept;
  ~Regex();

  // Byte ranges [begin, end) of successive matches in `text` (valid UTF-8).
  void find_all(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const;
  // True if the regex matches somewhere in text.
  bool search(std::string_view text) const;
  const std::string& pattern() const { return pattern_; }
  // True if find_all runs a hand-written matcher instead of PCRE2.
  bool hand_written() const;

 private:
  Regex() = default;
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string pattern_;
};

}  // namespace embscope
