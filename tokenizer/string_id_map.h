// Open-addressing hash map from strings to ids, built once from a vocabulary and read by
// many threads. Keys are views into storage the owner keeps alive. Lookups by string_view
// (no allocation), FNV-1a-style hashing with a final mix.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <vector>

namespace embscope {

// A 64-bit hash of a short byte string, eight bytes at a time (multiply-xorshift mixing, the
// tail read as one partial word): the string tables and the word caches use it.
uint64_t hash_bytes(std::string_view s);

class StringIdMap {
 public:
  StringIdMap() = default;
  explicit StringIdMap(size_t expected) { reserve(expected); }
  void reserve(size_t n);
  // Inserts or overwrites.
  void put(std::string_view key, uint32_t id);
  std::optional<uint32_t> get(std::string_view key) const { return get(key, hash_bytes(key)); }
  // The same with hash = hash_bytes(key) computed by the caller, who may have prefetched it.
  std::optional<uint32_t> get(std::string_view key, uint64_t hash) const;
  void prefetch(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[hash & mask_]);
  }
  // Second stage, once that slot has arrived: starts loading the bytes of the key stored there.
  void prefetch_key(uint64_t hash) const {
    if (!slots_.empty()) __builtin_prefetch(slots_[hash & mask_].data);
  }
  size_t size() const { return size_; }

 private:
  struct Slot {
    const char* data = nullptr;
    uint32_t len = 0;
    uint32_t id = 0;
  };
  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Open-addressing map from a pair of ids to (rank, merged id): BPE's merge table.
class PairMap {
 public:
  void reserve(size_t n);
  void put(uint32_t a, uint32_t b, uint32_t rank, uint32_t merged);
  // rank and merged id, or false.
  bool get(uint32_t a, uint32_t b, uint32_t& rank, uint32_t& merged) const {
    const uint64_t key = (static_cast<uint64_t>(a) << 32) | b;
    size_t i = mix(key) & mask_;
    for (;;) {
      const Slot& s = slots_[i];
      if (s.key == kEmpty) return false;
      if (s.key == key) {
        rank = s.rank;
        merged = s.merged;
        return true;
      }
      i = (i + 1) & mask_;
    }
  }
  // Starts loading the slot where (a, b) would be: a word's initial pairs are looked up
  // after all their slots were requested, so the cache misses overlap.
  void prefetch(uint32_t a, uint32_t b) const {
    __builtin_prefetch(&slots_[mix((static_cast<uint64_t>(a) << 32) | b) & mask_]);
  }
  size_t size() const { return size_; }

 private:
  static constexpr uint64_t kEmpty = ~uint64_t{0};
  static uint64_t mix(uint64_t x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return x;
  }
  struct Slot {
    uint64_t key = kEmpty;
    uint32_t rank = 0, merged = 0;
  };
  std::vector<Slot> slots_{1};
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace embscope
