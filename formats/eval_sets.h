// Word-embedding evaluation sets: analogy questions (questions-words.txt: ": section" lines,
// then "a b c d" for a:b :: c:d) and scored word pairs (WS-353, SimLex-999, MEN, RG-65 in the
// wordvectors.org layout: "w1<TAB>w2<TAB>score"). Parsed with gensim's rules
// (KeyedVectors.evaluate_word_analogies / evaluate_word_pairs) so scores are comparable:
// analogy lines split on whitespace, lines without 4 fields skipped; pair lines split on TAB,
// '#' lines are comments, lines without 3 fields or a number skipped; CRLF accepted.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"

namespace embscope {

struct AnalogyQuestion {
  std::string a, b, c, expected;  // a:b :: c:expected, as written
  uint64_t line = 0;              // 1-based
};
struct AnalogySection {
  std::string name;
  std::vector<AnalogyQuestion> questions;
};
struct AnalogySet {
  std::vector<AnalogySection> sections;
  std::vector<uint64_t> skipped_lines;  // not 4 fields
};

struct WordPair {
  std::string a, b;
  double score = 0;
  uint64_t line = 0;  // 1-based
};
struct WordPairSet {
  std::vector<WordPair> pairs;
  std::vector<uint64_t> skipped_lines;  // not 3 fields, or no number
};

// Errors: InvalidUtf8 with the byte offset; Format when a question comes before any section
// header (as gensim, which refuses such a file).
Result<AnalogySet> parse_analogy_set(std::string_view text, const std::string& path);
// Errors: InvalidUtf8 with the byte offset.
Result<WordPairSet> parse_word_pair_set(std::string_view text, const std::string& path);

// Read a whole file and parse it (NotFound / Io for the file itself).
Result<AnalogySet> read_analogy_set(const std::string& path);
Result<WordPairSet> read_word_pair_set(const std::string& path);

}  // namespace embscope
