// StringIdMap / PairMap: linear probing at load factor <= 1/2.
#include "tokenizer/string_id_map.h"

#include <cstring>

namespace embscope {

uint64_t hash_bytes(std::string_view s) {
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ s.size();
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    h = (h ^ w) * 0xBF58476D1CE4E5B9ULL;
    h ^= h >> 31;
  }
  if (i < s.size()) {
    uint64_t w = 0;
    std::memcpy(&w, s.data() + i, s.size() - i);
    h = (h ^ w) * 0x94D049BB133111EBULL;
    h ^= h >> 29;
  }
  h *= 0xD6E8FEB86659FD93ULL;
  h ^= h >> 32;
  return h;
}

void StringIdMap::reserve(size_t n) {
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;
  if (cap <= slots_.size()) return;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  size_ = 0;
  for (const auto& s : old)
    if (s.data) put({s.data, s.len}, s.id);
}

void StringIdMap::put(std::string_view key, uint32_t id) {
  if (2 * (size_ + 1) > slots_.size()) reserve(size_ + 1 > 8 ? 2 * (size_ + 1) : 16);
  size_t i = hash_bytes(key) & mask_;
  for (;;) {
    Slot& s = slots_[i];
    if (!s.data) {
      s = {key.data() ? key.data() : "", static_cast<uint32_t>(key.size()), id};
      ++size_;
      return;
    }
    if (s.len == key.size() && std::memcmp(s.data, key.data(), key.size()) == 0) {
      s.id = id;
      return;
    }
    i = (i + 1) & mask_;
  }
}

std::optional<uint32_t> StringIdMap::get(std::string_view key, uint64_t hash) const {
  if (slots_.empty()) return std::nullopt;
  size_t i = hash & mask_;
  for (;;) {
    const Slot& s = slots_[i];
    if (!s.data) return std::nullopt;
    if (s.len == key.size() && std::memcmp(s.data, key.data(), key.size()) == 0) return s.id;
    i = (i + 1) & mask_;
  }
}

void PairMap::reserve(size_t n) {
  size_t cap = 16;
  while (cap < 2 * n) cap <<= 1;
  if (cap <= slots_.size() && size_ > 0) return;
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(cap, Slot{});
  mask_ = cap - 1;
  size_ = 0;
  for (const auto& s : old)
    if (s.key != kEmpty) put(static_cast<uint32_t>(s.key >> 32), static_cast<uint32_t>(s.key), s.rank, s.merged);
}

void PairMap::put(uint32_t a, uint32_t b, uint32_t rank, uint32_t merged) {
  if (2 * (size_ + 1) > slots_.size()) reserve(2 * (size_ + 1));
  const uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
  size_t i = mix(key) & mask_;
  for (;;) {
    Slot& s = slots_[i];
    if (s.key == kEmpty) {
      s = {key, rank, merged};
      ++size_;
      return;
    }
    if (s.key == key) {
      s.rank = rank;
      s.merged = merged;
      return;
    }
    i = (i + 1) & mask_;
  }
}

}  // namespace embscope
