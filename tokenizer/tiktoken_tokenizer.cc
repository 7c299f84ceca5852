// tiktoken encode / decode with offsets.
#include "tokenizer/tiktoken_tokenizer.h"

#include <fmt/format.h>

#include <atomic>

#include "core/utf8.h"
#include "text/byte_level.h"
#include "tokenizer/token_cache.h"

namespace embscope {
namespace {

std::atomic<uint64_t> g_instances{1};

}  // namespace

Result<std::unique_ptr<TiktokenTokenizer>> TiktokenTokenizer::create(TiktokenSpec spec) {
  auto t = std::unique_ptr<TiktokenTokenizer>(new TiktokenTokenizer());
  t->instance_ = g_instances++;
  t->ranks_.reserve(spec.tokens.size());
  for (size_t r = 0; r < spec.tokens.size(); ++r)
    if (!spec.tokens[r].empty()) t->ranks_.put(spec.tokens[r], static_cast<uint32_t>(r));
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    if (!t->ranks_.get(std::string_view(&c, 1))) {
      return make_error(ErrorKind::Format, spec.source, fmt::format("byte 0x{:02X} has no rank; every byte needs one", b));
    }
  }
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    t->byte_ranks_[b] = *t->ranks_.get(std::string_view(&c, 1));
  }
  // Every way each token splits into two tokens; a pair's rank is its concatenation's.
  size_t n_splits = 0;
  for (const auto& tok : spec.tokens) n_splits += tok.empty() ? 0 : tok.size() - 1;
  t->pairs_.reserve(n_splits / 2);
  for (const auto& tok : spec.tokens) {
    if (tok.size() < 2) continue;
    const uint32_t whole = *t->ranks_.get(tok);  // a later duplicate wins, as in ranks_
    const std::string_view v(tok);
    for (size_t k = 1; k < v.size(); ++k) {
      const auto left = t->ranks_.get(v.substr(0, k));
      if (!left) continue;
      if (const auto right = t->ranks_.get(v.substr(k))) t->pairs_.put(*left, *right, whole, whole);
    }
  }
  t->n_vocab_ = spec.tokens.size();
  for (const auto& [s, id] : spec.special) t->n_vocab_ = std::max<size_t>(t->n_vocab_, id + 1);
  t->display_.resize(t->n_vocab_);
  for (size_t r = 0; r < spec.tokens.size(); ++r) t->display_[r] = bytes_to_byte_level(spec.tokens[r]);
  for (const auto& [s, id] : spec.special) t->display_[id] = s;
  EMB_TRY_ASSIGN(Regex re, Regex::compile(spec.pattern, spec.name + " pattern"));
  t->regex_ = std::move(re);
  t->kind_ = "tiktoken " + spec.name;
  t->spec_ = std::move(spec);
  return t;
}

void TiktokenTokenizer::merge_piece(std::string_view piece, std::vector<uint32_t>& ids, std::vector<uint32_t>& lens) const {
  std::vector<ModelToken> tokens;
  merge_tokens(piece, tokens);
  for (const auto& t : tokens) {
    ids.push_back(t.id);
    lens.push_back(t.end - t.begin);
  }
}

void TiktokenTokenizer::merge_tokens(std::string_view piece, uint64_t hash, std::vector<ModelToken>& out) const {
  if (auto r = ranks_.get(piece, hash)) {
    out.push_back({*r, 0, static_cast<uint32_t>(piece.size())});
    return;
  }
  thread_local std::vector<uint32_t> byte_ids, byte_lens;
  byte_ids.resize(piece.size());
  byte_lens.assign(piece.size(), 1);
  for (size_t i = 0; i < piece.size(); ++i) byte_ids[i] = byte_ranks_[static_cast<uint8_t>(piece[i])];
  merge_by_rank(pairs_, byte_ids, byte_lens, out);
}

Result<std::vector<EncodedToken>> TiktokenTokenizer::encode(std::string_view text, const EncodeOptions& o) const {
  if (auto bad = find_invalid_utf8(text)) {
    return make_error_at(ErrorKind::InvalidUtf8, "<text>", *bad,
                         "the text is not valid UTF-8 (use --lossy to replace invalid bytes with U+FFFD)");
  }
  const SpecialTokens policy = o.special == SpecialTokens::Default ? SpecialTokens::Reject : o.special;
  // Special-token occurrences (leftmost; the first listed on a tie, as an alternation).
  std::vector<std::pair<size_t, uint32_t>> specials;  // (offset, index into spec_.special)
  if (policy != SpecialTokens::Text) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t best = std::string_view::npos;
      uint32_t which = 0;
      for (uint32_t k = 0; k < spec_.special.size(); ++k) {
        const size_t at = text.find(spec_.special[k].first, pos);
        if (at < best) best = at, which = k;
      }
      if (best == std::string_view::npos) break;
      if (policy == SpecialTokens::Reject) {
        return make_error_at(ErrorKind::InvalidArgument, "<text>", best,
                             fmt::format("the text contains the special token '{}'; tiktoken refuses it by default: pass "
                                         "--special match to encode it as a special token, or --special text",
                                         spec_.special[which].first));
      }
      specials.emplace_back(best, which);
      pos = best + spec_.special[which].first.size();
    }
  }
  std::vector<EncodedToken> out;
  out.reserve(expected_tokens(text));
  std::vector<std::pair<size_t, size_t>> pieces;
  std::vector<ModelToken> tokens;
  std::vector<uint64_t> hashes;
  // Per thread: a piece's tokens as (rank, byte length) pairs.
  TokenCache& cache =
      TokenCache::for_thread(instance_, TokenCache::kTokenizerWords, TokenCache::kTokenizerMaxWordBytes);
  auto encode_ordinary = [&](size_t begin, size_t end) {
    regex_->find_all(text.substr(begin, end - begin), pieces);
    // The word cache and the rank table are larger than the core's caches: a piece's places
    // in both are requested a few pieces before it is looked up, so the misses overlap.
    constexpr size_t kRanksAhead = 4;
    hashes.resize(pieces.size());
    for (size_t k = 0; k < pieces.size(); ++k) {
      hashes[k] = hash_bytes(text.substr(begin + pieces[k].first, pieces[k].second - pieces[k].first));
      if (k < kRanksAhead) ranks_.prefetch(hashes[k]);
    }
    for (size_t k = 0; k < pieces.size(); ++k) {
      cache.prefetch_ahead(hashes, k);
      if (k + kRanksAhead < pieces.size()) ranks_.prefetch(hashes[k + kRanksAhead]);
      const auto [pb, pe] = pieces[k];
      const std::string_view piece = text.substr(begin + pb, pe - pb);
      tokens.clear();
      if (!cache.find(piece, hashes[k], tokens)) {
        merge_tokens(piece, hashes[k], tokens);
        cache.insert(piece, tokens.data(), tokens.size());
      }
      const auto at = static_cast<uint32_t>(begin + pb);
      for (const auto& t : tokens) {
        EncodedToken e;
        e.id = t.id;
        e.byte_begin = at + t.begin;
        e.byte_end = at + t.end;
        out.push_back(e);
      }
    }
  };
  size_t cursor = 0;
  for (const auto& [at, which] : specials) {
    encode_ordinary(cursor, at);
    EncodedToken e;
    e.id = spec_.special[which].second;
    e.byte_begin = static_cast<uint32_t>(at);
    e.byte_end = static_cast<uint32_t>(at + spec_.special[which].first.size());
    e.special = e.added = true;
    out.push_back(e);
    cursor = e.byte_end;
  }
  encode_ordinary(cursor, text.size());
  finish_offsets(text, out);
  (void)o.add_special_tokens;  // tiktoken encodings have no template of special tokens
  return out;
}

Result<std::string> TiktokenTokenizer::decode(std::span<const uint32_t> ids, bool skip_special) const {
  std::string bytes;
  for (uint32_t id : ids) {
    if (skip_special && is_special(id)) continue;
    auto b = token_bytes(id);
    if (!b) return make_error(ErrorKind::OutOfRange, "ids", fmt::format("id {} is not in {} (size {})", id, spec_.name, n_vocab_));
    bytes += *b;
  }
  return utf8_lossy(bytes);
}

std::optional<uint32_t> TiktokenTokenizer::token_to_id(std::string_view piece) const {
  for (const auto& [s, id] : spec_.special)
    if (s == piece) return id;
  if (auto r = ranks_.get(piece)) return r;
  if (auto raw = byte_level_to_bytes(piece)) return ranks_.get(*raw);
  return std::nullopt;
}

const std::string* TiktokenTokenizer::id_to_token(uint32_t id) const {
  if (id >= display_.size() || display_[id].empty()) return nullptr;
  return &display_[id];
}

std::optional<std::string> TiktokenTokenizer::token_bytes(uint32_t id) const {
  for (const auto& [s, sid] : spec_.special)
    if (sid == id) return s;
  if (id < spec_.tokens.size() && !spec_.tokens[id].empty()) return spec_.tokens[id];
  return std::nullopt;
}

bool TiktokenTokenizer::is_special(uint32_t id) const {
  for (const auto& [s, sid] : spec_.special)
    if (sid == id) return true;
  return false;
}

}  // namespace embscope
