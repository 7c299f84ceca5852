// TokenCache: linear probing at load factor <= 1/2, grown by doubling up to its bound.
#include "tokenizer/token_cache.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <utility>


namespace embscope {

TokenCache::TokenCache(size_t max_entries, size_t max_key_bytes)
    : max_entries_(max_entries), max_key_bytes_(std::min<size_t>(max_key_bytes, 65535)) {
  slots_.resize(64);
  mask_ = slots_.size() - 1;
}

namespace {

// key equals the zero-padded key stored at entry (compared four bytes at a time: most words
// are short, and a memcmp call costs more than the comparison).
bool same_key(const uint32_t* entry, std::string_view key) {
  const size_t full = key.size() / 4;
  for (size_t k = 0; k < full; ++k) {
    uint32_t w;
    std::memcpy(&w, key.data() + 4 * k, 4);
    if (w != entry[k]) return false;
  }
  if (const size_t tail = key.size() % 4) {
    uint32_t w = 0;
    std::memcpy(&w, key.data() + 4 * full, tail);
    return w == entry[full];
  }
  return true;
}

}  // namespace

const uint32_t* TokenCache::find(std::string_view key, uint64_t hash, uint32_t& n_pairs) const {
  const uint64_t h = hash | 1;  // 0 marks an empty slot
  for (size_t i = h & mask_;; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.hash == 0) return nullptr;
    if (s.hash == h && s.key_len == key.size()) {
      const uint32_t* entry = arena_.data() + s.offset;
      if (same_key(entry, key)) {
        n_pairs = s.n_pairs;
        return entry + (key.size() + 3) / 4;
      }
    }
  }
}

void TokenCache::grow() {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(old.size() * 2, Slot{});
  mask_ = slots_.size() - 1;
  for (const Slot& s : old) {
    if (s.hash == 0) continue;
    size_t i = s.hash & mask_;
    while (slots_[i].hash != 0) i = (i + 1) & mask_;
    slots_[i] = s;
  }
}

uint32_t* TokenCache::add_entry(std::string_view key, size_t n_pairs) {
  if (size_ >= max_entries_ || !cacheable(key) || n_pairs > 65535) return nullptr;
  const size_t key_words = (key.size() + 3) / 4;
  if (arena_.size() + key_words + 2 * n_pairs > kMaxArenaBytes / sizeof(uint32_t)) return nullptr;
  if (2 * (size_ + 1) > slots_.size()) grow();
  const uint64_t h = hash_bytes(key) | 1;  // 0 marks an empty slot
  size_t i = h & mask_;
  for (; slots_[i].hash != 0; i = (i + 1) & mask_) {
    const Slot& s = slots_[i];
    if (s.hash == h && s.key_len == key.size() && same_key(arena_.data() + s.offset, key)) return nullptr;
  }
  const auto offset = static_cast<uint32_t>(arena_.size());
  arena_.resize(arena_.size() + key_words + 2 * n_pairs);  // zero-filled: the key's padding
  std::memcpy(arena_.data() + offset, key.data(), key.size());
  slots_[i] = {h, offset, static_cast<uint16_t>(key.size()), static_cast<uint16_t>(n_pairs)};
  ++size_;
  return arena_.data() + offset + key_words;
}

void TokenCache::insert(std::string_view key, const uint32_t* pairs, uint32_t n_pairs) {
  if (uint32_t* to = add_entry(key, n_pairs); to && n_pairs) std::memcpy(to, pairs, 2 * size_t{n_pairs} * sizeof(uint32_t));
}

void TokenCache::insert(std::string_view key, const ModelToken* tokens, size_t n) {
  uint32_t* to = add_entry(key, n);
  if (!to) return;
  for (size_t k = 0; k < n; ++k) {
    to[2 * k] = tokens[k].id;
    to[2 * k + 1] = tokens[k].end - tokens[k].begin;
  }
}

bool TokenCache::find(std::string_view key, uint64_t hash, std::vector<ModelToken>& out) const {
  uint32_t n;
  const uint32_t* pairs = find(key, hash, n);
  if (!pairs) return false;
  uint32_t pos = 0;
  for (uint32_t k = 0; k < n; ++k) {
    out.push_back({pairs[2 * k], pos, pos + pairs[2 * k + 1]});
    pos += pairs[2 * k + 1];
  }
  return true;
}

TokenCache& TokenCache::for_thread(uint64_t instance, size_t max_entries, size_t max_key_bytes) {
  // Instances are never reused, so a thread that meets many tokenizers (tests, fuzzing) keeps
  // only the most recent few caches.
  constexpr size_t kMaxCaches = 16;
  thread_local std::vector<std::pair<uint64_t, std::unique_ptr<TokenCache>>> caches;
  for (size_t k = caches.size(); k-- > 0;) {
    if (caches[k].first == instance) return *caches[k].second;
  }
  if (caches.size() == kMaxCaches) caches.erase(caches.begin());
  caches.emplace_back(instance, std::make_unique<TokenCache>(max_entries, max_key_bytes));
  return *caches.back().second;
}

}  // namespace embscope
