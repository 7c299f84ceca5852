// Vocabulary lookup with byte-level / SentencePiece fallbacks and edit-distance suggestions.
#include "embed/vocabulary.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/utf8.h"
#include "text/byte_level.h"

namespace embscope {
namespace {

constexpr std::string_view kSentencePieceSpace = "\xE2\x96\x81";  // U+2581 '▁'

std::string replace_spaces(std::string_view s, std::string_view with) {
  std::string out;
  for (char c : s) {
    if (c == ' ') out += with;
    else out += c;
  }
  return out;
}

// Levenshtein distance over bytes, giving up (returning limit + 1) past `limit`.
size_t edit_distance(std::string_view a, std::string_view b, size_t limit) {
  if (a.size() > b.size() + limit || b.size() > a.size() + limit) return limit + 1;
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    size_t row_min = cur[0];
    for (size_t j = 1; j <= b.size(); ++j) {
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1])});
      row_min = std::min(row_min, cur[j]);
    }
    if (row_min > limit) return limit + 1;
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

Vocabulary::Vocabulary(VocabSpec spec) : spec_(std::move(spec)) {
  ids_.reserve(spec_.pieces.size());
  for (size_t i = 0; i < spec_.pieces.size(); ++i) {
    if (spec_.present[i]) ids_.emplace(spec_.pieces[i], static_cast<uint32_t>(i));  // first wins
  }
  const std::string_view gpt2_space = "\xC4\xA0";
  size_t marked = 0;
  for (const auto& p : spec_.pieces) marked += p.starts_with(gpt2_space) || p.starts_with(kSentencePieceSpace) || p.starts_with("##");
  subword_ = spec_.model_type == "BPE" || spec_.model_type == "Unigram" || spec_.model_type == "WordPiece" ||
             marked * 20 > spec_.pieces.size();
}

const std::string* Vocabulary::piece(size_t id) const {
  if (id >= spec_.pieces.size() || !spec_.present[id]) return nullptr;
  return &spec_.pieces[id];
}

std::optional<uint32_t> Vocabulary::exact(std::string_view piece) const {
  auto it = ids_.find(std::string(piece));
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::optional<PieceMatch> Vocabulary::find(std::string_view text) const {
  if (auto id = exact(text)) return PieceMatch{*id, std::string(text), "exact"};
  const std::string bl = bytes_to_byte_level(text);
  if (auto id = exact(bl)) return PieceMatch{*id, bl, "byte-level (GPT-2 alphabet, ' ' -> 'Ġ')"};
  const std::string sp = replace_spaces(text, kSentencePieceSpace);
  if (auto id = exact(sp)) return PieceMatch{*id, sp, "sentencepiece (' ' -> '▁')"};
  return std::nullopt;
}

Result<PieceMatch> Vocabulary::lookup(std::string_view text) const {
  if (auto m = find(text)) return *m;
  const auto close = suggest(text);
  std::string hint;
  for (const auto& s : close) hint += (hint.empty() ? "" : ", ") + fmt::format("'{}'", escape_for_message(s));
  return make_error(ErrorKind::NotFound, spec_.source,
                    fmt::format("piece '{}' is not in the vocabulary ({} pieces){}{}", escape_for_message(text),
                                ids_.size(), close.empty() ? "" : "; close pieces: ", hint));
}

std::vector<std::string> Vocabulary::suggest(std::string_view text, size_t max_n) const {
  const std::string forms[] = {std::string(text), bytes_to_byte_level(text), replace_spaces(text, kSentencePieceSpace)};
  const size_t limit = std::max<size_t>(1, std::min<size_t>(3, text.size() / 3));
  std::vector<std::pair<size_t, std::string>> found;
  for (const auto& [piece, id] : ids_) {
    size_t best = limit + 1;
    for (const auto& f : forms) best = std::min(best, edit_distance(f, piece, limit));
    if (best <= limit) found.emplace_back(best, piece);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < found.size() && i < max_n; ++i) out.push_back(found[i].second);
  return out;
}

}  // namespace embscope
