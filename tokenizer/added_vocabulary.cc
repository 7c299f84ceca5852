// Added-token matching.
#include "tokenizer/added_vocabulary.h"

#include <algorithm>
#include <map>

#include "core/utf8.h"
#include "tokenizer/unicode.h"

namespace embscope {
namespace {

// Rust regex \w$ on the text before a match / ^\w on the text after.
bool ends_with_word(std::string_view s) {
  if (s.empty()) return false;
  size_t i = s.size() - 1;
  while (i > 0 && (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80) --i;
  size_t k = i;
  return unicode::is_word(next_code_point(s, k));
}
bool starts_with_word(std::string_view s) {
  if (s.empty()) return false;
  size_t k = 0;
  return unicode::is_word(next_code_point(s, k));
}
// Start of the trailing whitespace run of s (\s*$).
size_t space_leftmost_at_end(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    size_t i = end - 1;
    while (i > 0 && (static_cast<uint8_t>(s[i]) & 0xC0) == 0x80) --i;
    size_t k = i;
    if (!unicode::is_whitespace(next_code_point(s, k))) break;
    end = i;
  }
  return end;
}
// End of the leading whitespace run of s (^\s*).
size_t space_rightmost_at_start(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    size_t k = i;
    if (!unicode::is_whitespace(next_code_point(s, k))) break;
    i = k;
  }
  return i;
}

}  // namespace

AddedVocabulary::AddedVocabulary(std::vector<AddedTokenSpec> tokens, const Normalizer* normalizer)
    : tokens_(std::move(tokens)) {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    by_id_[tokens_[i].id] = i;
    by_content_[tokens_[i].content] = tokens_[i].id;
  }
  build(raw_, false, normalizer);
  build(normalized_, true, normalizer);
}

void AddedVocabulary::build(Matcher& m, bool normalized_set, const Normalizer* normalizer) {
  for (size_t i = 0; i < tokens_.size(); ++i) {
    const auto& t = tokens_[i];
    if (t.normalized != normalized_set) continue;
    std::string pattern = t.content;
    if (normalized_set && normalizer) {
      NormalizedString n(t.content);
      normalizer->normalize(n);
      pattern = n.get();
    }
    if (pattern.empty()) continue;
    m.patterns.emplace_back(std::move(pattern), static_cast<uint32_t>(i));
  }
  std::vector<std::map<unsigned char, uint32_t>> children(1);
  std::vector<int32_t> ends(1, -1);
  for (size_t p = 0; p < m.patterns.size(); ++p) {
    uint32_t node = 0;
    for (char ch : m.patterns[p].first) {
      const auto c = static_cast<unsigned char>(ch);
      auto it = children[node].find(c);
      if (it == children[node].end()) {
        const auto child = static_cast<uint32_t>(children.size());
        children.emplace_back();
        ends.push_back(-1);
        it = children[node].emplace(c, child).first;
      }
      node = it->second;
    }
    if (ends[node] < 0) ends[node] = static_cast<int32_t>(p);  // the first of equal patterns wins
    m.starts[static_cast<unsigned char>(m.patterns[p].first[0])] = true;
  }
  m.nodes.clear();
  m.edges.clear();
  for (size_t n = 0; n < children.size(); ++n) {
    m.nodes.push_back({static_cast<uint32_t>(m.edges.size()), static_cast<uint32_t>(children[n].size()), ends[n]});
    m.edges.insert(m.edges.end(), children[n].begin(), children[n].end());
  }
}

const std::pair<std::string, uint32_t>* AddedVocabulary::Matcher::longest_at(std::string_view text, size_t pos) const {
  const std::pair<std::string, uint32_t>* best = nullptr;
  uint32_t node = 0;
  for (size_t i = pos; i < text.size(); ++i) {
    const Node& n = nodes[node];
    const auto first = edges.begin() + n.edge_begin, last = first + n.edge_count;
    const auto c = static_cast<unsigned char>(text[i]);
    const auto it = std::lower_bound(first, last, c, [](const auto& e, unsigned char b) { return e.first < b; });
    if (it == last || it->first != c) break;
    node = it->second;
    if (nodes[node].pattern >= 0) best = &patterns[static_cast<size_t>(nodes[node].pattern)];
  }
  return best;
}

std::vector<std::pair<std::optional<uint32_t>, ByteRange>> AddedVocabulary::find(std::string_view text, const Matcher& m,
                                                                                 bool match_special) const {
  std::vector<std::pair<std::optional<uint32_t>, ByteRange>> splits;
  if (text.empty()) {
    splits.push_back({std::nullopt, {0, 0}});
    return splits;
  }
  if (m.empty()) {
    splits.push_back({std::nullopt, {0, static_cast<uint32_t>(text.size())}});
    return splits;
  }
  size_t start_offset = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    // Leftmost-longest: at the first position where any pattern matches, the longest one.
    const std::pair<std::string, uint32_t>* hit =
        m.starts[static_cast<unsigned char>(text[pos])] ? m.longest_at(text, pos) : nullptr;
    if (!hit) {
      ++pos;
      continue;
    }
    size_t start = pos, stop = pos + hit->first.size();
    const AddedTokenSpec& t = tokens_[hit->second];
    // A skipped match resumes the search after it, as the automaton's iterator does.
    pos = stop;
    if (!match_special && t.special) continue;
    if (t.single_word) {
      const bool start_space = start == 0 || !ends_with_word(text.substr(0, start));
      const bool stop_space = stop == text.size() || !starts_with_word(text.substr(stop));
      if (!start_space || !stop_space) continue;
    }
    if (t.lstrip) start = std::max(space_leftmost_at_end(text.substr(0, start)), start_offset);
    if (t.rstrip) stop += space_rightmost_at_start(text.substr(stop));
    if (start_offset < start) splits.push_back({std::nullopt, {static_cast<uint32_t>(start_offset), static_cast<uint32_t>(start)}});
    splits.push_back({t.id, {static_cast<uint32_t>(start), static_cast<uint32_t>(stop)}});
    start_offset = stop;
    pos = std::max(pos, stop);
  }
  if (start_offset != text.size()) {
    splits.push_back({std::nullopt, {static_cast<uint32_t>(start_offset), static_cast<uint32_t>(text.size())}});
  }
  return splits;
}

void AddedVocabulary::split_on(PreTokenizedString& s, const Matcher& m, bool match_special, bool normalize_first,
                               const Normalizer* normalizer) const {
  s.split([&](NormalizedString n) {
    if (normalize_first && normalizer) normalizer->normalize(n);
    std::vector<Split> out;
    for (const auto& [id, r] : find(n.get(), m, match_special)) {
      auto slice = n.slice_normalized(r.first, r.second);
      if (!slice) continue;
      Split sp{std::move(*slice), std::nullopt};
      if (id) sp.tokens = std::vector<ModelToken>{{*id, 0, r.second - r.first}};
      out.push_back(std::move(sp));
    }
    return out;
  });
}

PreTokenizedString AddedVocabulary::extract_and_normalize(std::string_view text, const Normalizer* normalizer,
                                                          bool match_special) const {
  PreTokenizedString s;
  s.original = std::string(text);
  s.splits.push_back({NormalizedString(text), std::nullopt});
  split_on(s, raw_, match_special, false, nullptr);
  split_on(s, normalized_, match_special, true, normalizer);
  return s;
}

std::vector<std::pair<std::optional<uint32_t>, ByteRange>> AddedVocabulary::split_raw(std::string_view text,
                                                                                      bool match_special) const {
  std::vector<std::pair<std::optional<uint32_t>, ByteRange>> out;
  for (const auto& [id, r] : find(text, raw_, match_special)) {
    if (r.first == r.second) continue;
    if (id) {
      out.push_back({id, r});
      continue;
    }
    for (const auto& [id2, r2] : find(text.substr(r.first, r.second - r.first), normalized_, match_special)) {
      if (r2.first == r2.second) continue;
      out.push_back({id2, {r.first + r2.first, r.first + r2.second}});
    }
  }
  return out;
}

std::optional<uint32_t> AddedVocabulary::token_to_id(std::string_view s) const {
  auto it = by_content_.find(std::string(s));
  if (it == by_content_.end()) return std::nullopt;
  return it->second;
}

const AddedTokenSpec* AddedVocabulary::by_id(uint32_t id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &tokens_[it->second];
}

}  // namespace embscope
