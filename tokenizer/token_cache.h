// A per-thread cache from a word (its bytes) to the tokens BPE made of it, as (id, byte length)
// pairs. Flat: one open-addressing table of 16-byte slots and one arena holding each entry's key
// and pairs side by side, so a hit costs two cache lines instead of the four pointer hops of a
// std::unordered_map<std::string, std::vector<...>>. Bounded: stops inserting when full.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/pre_tokenized.h"

namespace embscope {

class TokenCache {
 public:
  // At most max_entries words, each shorter than max_key_bytes (longer words are not cached).
  TokenCache(size_t max_entries, size_t max_key_bytes);

  // The cached (id, length) pairs of key, interleaved, or nullptr.
  const uint32_t* find(std::string_view key, uint32_t& n_pairs) const;
  // Adds key -> pairs (interleaved id, length) if there is room; a present key is left alone.
  void insert(std::string_view key, const uint32_t* pairs, uint32_t n_pairs);
  // The same through tokens: find appends key's tokens to out (offsets from 0, as running
  // sums of the lengths) and says whether it was there; insert stores (id, end - begin).
  bool find(std::string_view key, std::vector<ModelToken>& out) const;
  void insert(std::string_view key, const ModelToken* tokens, size_t n);
  bool cacheable(std::string_view key) const { return key.size() < max_key_bytes_; }
  size_t size() const { return size_; }

  // The calling thread's cache for one tokenizer instance (created on first use). The
  // reference stays valid until this thread asks for the caches of 16 other instances.
  static TokenCache& for_thread(uint64_t instance, size_t max_entries, size_t max_key_bytes);

 private:
  struct Slot {
    uint64_t hash = 0;  // 0: empty (stored hashes have the low bit set)
    uint32_t offset = 0;  // into arena_, in 4-byte words
    uint16_t key_len = 0;
    uint16_t n_pairs = 0;
  };
  void grow();
  // Room for key and n_pairs pairs (the key copied in), or nullptr when full or present.
  uint32_t* add_entry(std::string_view key, size_t n_pairs);

  std::vector<Slot> slots_;
  std::vector<uint32_t> arena_;
  size_t mask_ = 0, size_ = 0;
  size_t max_entries_, max_key_bytes_;
};

}  // namespace embscope
