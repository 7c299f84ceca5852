// BPE: vocabulary and merge tables, per-word merging, and a per-thread word cache.
#include "tokenizer/bpe.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "core/utf8.h"
#include "text/byte_level.h"
#include "tokenizer/token_cache.h"

namespace embscope {
namespace {

std::atomic<uint64_t> g_next_instance{1};

struct Symbol {
  uint32_t id;
  int32_t prev, next;
  uint32_t begin, len;  // len: bytes of the word it covers; 0 = merged away
};

struct Candidate {
  uint32_t rank;
  uint32_t pos;
  uint32_t merged;
  bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
};

// Per-thread word caches: a word's tokens as (id, byte length) pairs.
TokenCache& cache_for(uint64_t instance) {
  return TokenCache::for_thread(instance, TokenCache::kTokenizerWords, TokenCache::kTokenizerMaxWordBytes);
}

}  // namespace

Result<std::unique_ptr<BpeModel>> BpeModel::create(ModelSpec spec, const std::string& source) {
  auto m = std::unique_ptr<BpeModel>(new BpeModel());
  m->spec_ = std::move(spec);
  m->instance_ = g_next_instance++;
  const auto& pieces = m->spec_.pieces;
  m->vocab_.reserve(pieces.size());
  for (size_t i = 0; i < pieces.size(); ++i)
    if (m->spec_.present[i]) m->vocab_.put(pieces[i], static_cast<uint32_t>(i));
  if (m->spec_.unk_token) m->unk_id_ = m->vocab_.get(*m->spec_.unk_token);
  // Pieces of one character of the Basic Multilingual Plane: a word's initial symbols are
  // looked up in this table instead of hashing each character (the id is the vocabulary's, so
  // a later duplicate wins here too; pieces that are not valid UTF-8 are left out).
  m->bmp_ids_.assign(0x10000, 0);
  for (size_t i = 0; i < pieces.size(); ++i) {
    if (!m->spec_.present[i] || pieces[i].empty() || pieces[i].size() > 3 || find_invalid_utf8(pieces[i])) continue;
    size_t at = 0;
    const uint32_t cp = next_code_point(pieces[i], at);  // valid UTF-8: no overlong forms
    if (at == pieces[i].size() && cp < 0x10000) m->bmp_ids_[cp] = *m->vocab_.get(pieces[i]) + 1;
  }

  const size_t prefix_len = m->spec_.continuing_subword_prefix ? m->spec_.continuing_subword_prefix->size() : 0;
  const auto& merges = m->spec_.merges;
  m->merges_.reserve(merges.size());
  // Three vocabulary lookups a merge (Gemma 3: 514,906 merges), each a miss in a table larger
  // than the core's caches: pipelined, merge r + kAhead's three slots requested at merge r and
  // their keys' bytes at r + kAhead / 2 (the load time goal is 0.5 s for Gemma 3).
  constexpr size_t kAhead = 16;
  struct Pending {
    std::string merged;  // a + b without b's subword prefix
    uint64_t ha = 0, hb = 0, hm = 0;
  };
  std::vector<Pending> ring(kAhead);
  auto prepare = [&](size_t r) {
    Pending& p = ring[r % kAhead];
    const auto& [a, b] = merges[r];
    p.merged.assign(a);
    if (b.size() >= prefix_len) p.merged.append(b, prefix_len, std::string::npos);
    p.ha = hash_bytes(a), p.hb = hash_bytes(b), p.hm = hash_bytes(p.merged);
    m->vocab_.prefetch(p.ha), m->vocab_.prefetch(p.hb), m->vocab_.prefetch(p.hm);
  };
  for (size_t r = 0; r < std::min(kAhead, merges.size()); ++r) prepare(r);
  for (size_t r = 0; r < merges.size(); ++r) {
    if (r + kAhead / 2 < merges.size()) {
      const Pending& q = ring[(r + kAhead / 2) % kAhead];
      m->vocab_.prefetch_key(q.ha), m->vocab_.prefetch_key(q.hb), m->vocab_.prefetch_key(q.hm);
    }
    const std::string& a = merges[r].first;
    const std::string& b = merges[r].second;
    const Pending& p = ring[r % kAhead];
    auto fail = [&](std::string_view what) {
      return make_error(ErrorKind::Format, source,
                        fmt::format("$.model.merges[{}]: merge ('{}', '{}'): {} is not in the vocabulary", r,
                                    escape_for_message(a, 40), escape_for_message(b, 40), what));
    };
    auto ia = m->vocab_.get(a, p.ha);
    if (!ia) return fail(fmt::format("'{}'", escape_for_message(a, 40)));
    auto ib = m->vocab_.get(b, p.hb);
    if (!ib) return fail(fmt::format("'{}'", escape_for_message(b, 40)));
    if (b.size() < prefix_len) return fail("the right side (shorter than the subword prefix)");
    auto im = m->vocab_.get(p.merged, p.hm);
    if (!im) return fail(fmt::format("the merged token '{}'", escape_for_message(p.merged, 40)));
    m->merges_.put(*ia, *ib, static_cast<uint32_t>(r), *im);  // a later duplicate wins, as in the reference
    if (r + kAhead < merges.size()) prepare(r + kAhead);
  }
  {
    constexpr std::string_view kMarker = "\xE2\x96\x81";
    constexpr size_t kMaxCrossing = 16;
    bool any_marker = false;
    for (size_t i = 0; i < pieces.size() && m->crossing_.size() <= kMaxCrossing; ++i) {
      if (!m->spec_.present[i]) continue;
      const std::string& p = pieces[i];
      CrossingPiece c;
      for (size_t pos = p.find(kMarker); pos != std::string::npos; pos = p.find(kMarker, pos + 1)) {
        any_marker = true;
        if (pos > 0 && !(pos >= 3 && p.compare(pos - 3, 3, kMarker) == 0)) c.at.push_back(static_cast<uint32_t>(pos));
      }
      if (!c.at.empty()) {
        c.text = p;
        m->crossing_.push_back(std::move(c));
      }
    }
    bool byte_merges = false;
    if (m->spec_.byte_fallback) {
      auto is_byte_piece = [](const std::string& s) {
        return s.size() == 6 && s.compare(0, 3, "<0x") == 0 && s[5] == '>';
      };
      for (const auto& [a, b] : merges) {
        if (is_byte_piece(a) || is_byte_piece(b)) {
          byte_merges = true;
          break;
        }
      }
    }
    const bool positional = (m->spec_.continuing_subword_prefix && !m->spec_.continuing_subword_prefix->empty()) ||
                            (m->spec_.end_of_word_suffix && !m->spec_.end_of_word_suffix->empty()) ||
                            m->spec_.ignore_merges;
    const bool drops = !m->spec_.byte_fallback && !m->unk_id_;
    m->split_at_marker_ = any_marker && m->crossing_.size() <= kMaxCrossing && !byte_merges && !positional &&
                          !drops && !m->spec_.dropout.value_or(0.0);
    if (!m->split_at_marker_) m->crossing_.clear();
  }
  m->have_raw_byte_ids_ = !m->spec_.dropout.value_or(0.0) &&
                          !(m->spec_.continuing_subword_prefix && !m->spec_.continuing_subword_prefix->empty()) &&
                          !(m->spec_.end_of_word_suffix && !m->spec_.end_of_word_suffix->empty());
  for (int b = 0; b < 256 && m->have_raw_byte_ids_; ++b) {
    std::string ch;
    append_utf8(ch, byte_to_code_point(static_cast<uint8_t>(b)));
    if (auto id = m->vocab_.get(ch)) m->raw_byte_ids_[b] = *id;
    else m->have_raw_byte_ids_ = false;
  }
  if (m->spec_.byte_fallback) {
    m->have_byte_ids_ = true;
    for (int b = 0; b < 256; ++b) {
      auto id = m->vocab_.get(fmt::format("<0x{:02X}>", b));
      if (!id) {
        m->have_byte_ids_ = false;
        break;
      }
      m->byte_ids_[b] = *id;
    }
  }
  return m;
}

Status BpeModel::merge_word(std::string_view w, std::vector<ModelToken>& out) const {
  thread_local std::vector<Symbol> sym;  // scratch: words are merged by the million
  sym.clear();
  std::optional<std::pair<uint32_t, uint32_t>> unk;  // (id, byte length) being accumulated
  uint32_t unk_begin = 0;
  std::string piece;
  auto push = [&](uint32_t id, uint32_t begin, uint32_t len) {
    sym.push_back({id, static_cast<int32_t>(sym.size()) - 1, -1, begin, len});
  };
  auto flush_unk = [&]() {
    if (unk) push(unk->first, unk_begin, unk->second);
    unk.reset();
  };
  const auto& prefix = spec_.continuing_subword_prefix;
  const auto& suffix = spec_.end_of_word_suffix;
  size_t i = 0;
  while (i < w.size()) {
    const size_t begin = i;
    const uint32_t cp = next_code_point(w, i);
    const auto len = static_cast<uint32_t>(i - begin);
    std::string_view s = w.substr(begin, len);
    const bool first = begin == 0, last = i == w.size();
    std::optional<uint32_t> id;
    if ((!first && prefix) || (last && suffix)) {
      piece.clear();
      if (!first && prefix) piece += *prefix;
      piece.append(s);
      if (last && suffix) piece += *suffix;
      s = piece;
      id = vocab_.get(s);
    } else if (cp < 0x10000) {  // (w is valid UTF-8, so s is cp's own encoding)
      if (const uint32_t b = bmp_ids_[cp]) id = b - 1;
    } else {
      id = vocab_.get(s);
    }
    if (id) {
      flush_unk();
      push(*id, static_cast<uint32_t>(begin), len);
      continue;
    }
    if (have_byte_ids_) {
      // Every byte of the (possibly prefixed) piece as <0xXX>, each one byte long.
      flush_unk();
      for (size_t k = 0; k < s.size(); ++k) push(byte_ids_[static_cast<uint8_t>(s[k])], 0, 1);
      continue;
    }
    if (spec_.unk_token) {
      if (!unk_id_) {
        return make_error(ErrorKind::NotFound, "tokenizer",
                          fmt::format("unk_token '{}' is not in the vocabulary", escape_for_message(*spec_.unk_token)));
      }
      if (unk && spec_.fuse_unk) {
        unk->second += len;
      } else {
        flush_unk();
        unk = std::make_pair(*unk_id_, len);
        unk_begin = static_cast<uint32_t>(begin);
      }
    }
    // No unk token: the character is dropped, as the reference does.
  }
  flush_unk();
  thread_local std::vector<uint32_t> ids, lens;
  ids.clear();
  lens.clear();
  for (const auto& s : sym) {
    ids.push_back(s.id);
    lens.push_back(s.len);
  }
  merge_by_rank(merges_, ids, lens, out);
  return {};
}

namespace {

// Words up to this many symbols merge by scanning their pairs' ranks (tiktoken's own loop):
// each step takes the first lowest rank, merges it and looks up the two pairs it changed. The
// heap below pops the same (rank, position) order, but each pop re-checks its pair and pushes
// two more; below ~64 symbols the scan is cheaper, past it the O(n^2) scan is not.
constexpr size_t kScanMaxSymbols = 64;

void merge_by_scan(const PairMap& merges, const std::vector<uint32_t>& ids, const std::vector<uint32_t>& lens,
                   std::vector<ModelToken>& out) {
  constexpr uint32_t kNone = ~uint32_t{0};
  uint32_t id[kScanMaxSymbols], len[kScanMaxSymbols], rank[kScanMaxSymbols], merged[kScanMaxSymbols];
  size_t n = ids.size();
  for (size_t k = 0; k + 1 < n; ++k) merges.prefetch(ids[k], ids[k + 1]);
  for (size_t k = 0; k < n; ++k) {
    id[k] = ids[k];
    len[k] = lens[k];
  }
  auto look_up = [&](size_t k) {  // the pair (k, k + 1)
    if (k + 1 >= n || !merges.get(id[k], id[k + 1], rank[k], merged[k])) rank[k] = kNone;
  };
  for (size_t k = 0; k < n; ++k) look_up(k);
  while (n > 1) {
    size_t best = 0;
    for (size_t k = 1; k + 1 < n; ++k)
      if (rank[k] < rank[best]) best = k;
    if (rank[best] == kNone) break;
    id[best] = merged[best];
    len[best] += len[best + 1];
    // Symbol best + 1 leaves: the arrays after it move down one.
    for (size_t k = best + 1; k + 1 < n; ++k) {
      id[k] = id[k + 1];
      len[k] = len[k + 1];
      rank[k] = rank[k + 1];
      merged[k] = merged[k + 1];
    }
    --n;
    if (best > 0) look_up(best - 1);
    look_up(best);
  }
  uint32_t pos = 0;
  for (size_t k = 0; k < n; ++k) {
    if (len[k] == 0) continue;
    out.push_back({id[k], pos, pos + len[k]});
    pos += len[k];
  }
}

}  // namespace

void merge_by_rank(const PairMap& merges, const std::vector<uint32_t>& ids, const std::vector<uint32_t>& lens,
                   std::vector<ModelToken>& out) {
  if (ids.size() <= kScanMaxSymbols) return merge_by_scan(merges, ids, lens, out);
  thread_local std::vector<Symbol> sym;  // scratch: words are merged by the million
  sym.resize(ids.size());
  for (size_t k = 0; k < ids.size(); ++k) {
    sym[k] = {ids[k], static_cast<int32_t>(k) - 1, k + 1 < ids.size() ? static_cast<int32_t>(k + 1) : -1, 0, lens[k]};
  }
  // A binary min-heap on a reused vector (std::priority_queue would allocate per word).
  thread_local std::vector<Candidate> queue;
  queue.clear();
  const auto push = [&](Candidate c) {
    queue.push_back(c);
    std::push_heap(queue.begin(), queue.end(), std::greater<>());
  };
  uint32_t rank, merged;
  for (size_t k = 0; k + 1 < sym.size(); ++k) merges.prefetch(sym[k].id, sym[k + 1].id);
  for (size_t k = 0; k + 1 < sym.size(); ++k) {
    if (merges.get(sym[k].id, sym[k + 1].id, rank, merged)) queue.push_back({rank, static_cast<uint32_t>(k), merged});
  }
  std::make_heap(queue.begin(), queue.end(), std::greater<>());
  while (!queue.empty()) {
    std::pop_heap(queue.begin(), queue.end(), std::greater<>());
    const Candidate top = queue.back();
    queue.pop_back();
    Symbol& left = sym[top.pos];
    if (left.len == 0 || left.next < 0) continue;
    Symbol& right = sym[static_cast<size_t>(left.next)];
    if (!merges.get(left.id, right.id, rank, merged) || merged != top.merged) continue;  // stale
    left.id = top.merged;
    left.len += right.len;
    right.len = 0;
    left.next = right.next;
    if (right.next >= 0) sym[static_cast<size_t>(right.next)].prev = static_cast<int32_t>(top.pos);
    if (left.prev >= 0 && merges.get(sym[static_cast<size_t>(left.prev)].id, left.id, rank, merged)) {
      push({rank, static_cast<uint32_t>(left.prev), merged});
    }
    if (left.next >= 0 && merges.get(left.id, sym[static_cast<size_t>(left.next)].id, rank, merged)) {
      push({rank, top.pos, merged});
    }
  }
  // Offsets are running sums of the symbol lengths, as the reference computes them (so a
  // dropped character shifts the later offsets there too).
  uint32_t pos = 0;
  for (const auto& s : sym) {
    if (s.len == 0) continue;
    out.push_back({s.id, pos, pos + s.len});
    pos += s.len;
  }
}

TokenCache& BpeModel::raw_cache() const { return cache_for(instance_ ^ 0x5bd1e995ULL); }

void BpeModel::tokenize_raw_bytes(std::string_view raw, uint64_t hash, TokenCache& cache, std::vector<ModelToken>& out) const {
  if (raw.empty()) return;
  const bool cacheable = cache.cacheable(raw);
  if (cacheable && cache.find(raw, hash, out)) return;
  const size_t before = out.size();
  // ignore_merges: a word that is a token is that token (its byte-level form looked up as the
  // reference does); the cache holds the answer either way, so the lookup is made on a miss.
  std::optional<uint32_t> whole;
  if (spec_.ignore_merges) whole = vocab_.get(bytes_to_byte_level(raw));
  if (whole) {
    out.push_back({*whole, 0, static_cast<uint32_t>(raw.size())});
  } else {
    thread_local std::vector<uint32_t> ids, lens;
    ids.resize(raw.size());
    lens.assign(raw.size(), 1);
    for (size_t k = 0; k < raw.size(); ++k) ids[k] = raw_byte_ids_[static_cast<uint8_t>(raw[k])];
    merge_by_rank(merges_, ids, lens, out);
  }
  if (cacheable) cache.insert(raw, out.data() + before, out.size() - before);
}

Status BpeModel::tokenize(std::string_view word, std::vector<ModelToken>& out) const {
  if (word.empty()) return {};
  if (spec_.ignore_merges) {
    if (auto id = vocab_.get(word)) {
      out.push_back({*id, 0, static_cast<uint32_t>(word.size())});
      return {};
    }
  }
  TokenCache& cache = cache_for(instance_);
  if (!split_at_marker_) return tokenize_cached(word, hash_bytes(word), cache, out);
  // The words first, then their cache lookups pipelined (the cache is larger than the core's
  // caches: each word's place is requested a few words before it is looked up).
  constexpr std::string_view kMarker = "\xE2\x96\x81";
  thread_local std::vector<std::pair<size_t, size_t>> words;
  thread_local std::vector<uint64_t> hashes;
  words.clear();
  hashes.clear();
  size_t start = 0;
  size_t pos = word.find(kMarker, 1);
  while (true) {
    while (pos != std::string_view::npos && !is_word_start(word, pos)) pos = word.find(kMarker, pos + 1);
    const size_t end = pos == std::string_view::npos ? word.size() : pos;
    words.emplace_back(start, end);
    hashes.push_back(hash_bytes(word.substr(start, end - start)));
    if (end == word.size()) break;
    start = end;
    pos = word.find(kMarker, end + 1);
  }
  for (size_t k = 0; k < words.size(); ++k) {
    cache.prefetch_ahead(hashes, k);
    const auto [b, e] = words[k];
    const size_t before = out.size();
    EMB_TRY(tokenize_cached(word.substr(b, e - b), hashes[k], cache, out));
    for (size_t t = before; t < out.size(); ++t) {
      out[t].begin += static_cast<uint32_t>(b);
      out[t].end += static_cast<uint32_t>(b);
    }
  }
  return {};
}

bool BpeModel::is_word_start(std::string_view word, size_t pos) const {
  constexpr std::string_view kMarker = "\xE2\x96\x81";
  if (pos == 0 || (pos >= 3 && word.compare(pos - 3, 3, kMarker) == 0)) return false;  // a run of markers goes on
  for (const auto& c : crossing_) {
    for (uint32_t at : c.at) {
      if (pos >= at && word.size() - (pos - at) >= c.text.size() && word.compare(pos - at, c.text.size(), c.text) == 0) {
        return false;  // a crossing piece could join the two sides here
      }
    }
  }
  return true;
}

Status BpeModel::tokenize_cached(std::string_view word, uint64_t hash, TokenCache& cache,
                                 std::vector<ModelToken>& out) const {
  if (word.empty()) return {};
  if (!cache.cacheable(word)) return merge_word(word, out);
  if (cache.find(word, hash, out)) return {};
  const size_t before = out.size();
  EMB_TRY(merge_word(word, out));
  cache.insert(word, out.data() + before, out.size() - before);
  return {};
}

}  // namespace embscope
