// A per-thread cache from a word (its bytes) to the tokens BPE made of it, as (id, byte length)
// pairs. Flat: one open-addressing table of 16-byte slots and one arena holding each entry's key
// and pairs side by side, so a hit costs two cache lines instead of the four pointer hops of a
// std::unordered_map<std::string, std::vector<...>>. Bounded: stops inserting when full.
#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "tokenizer/pre_tokenized.h"
#include "tokenizer/string_id_map.h"

namespace embscope {

class TokenCache {
 public:
  // At most max_entries words, each shorter than max_key_bytes (longer words are not cached),
  // and at most kMaxArenaBytes of keys and tokens whatever the words.
  static constexpr size_t kMaxArenaBytes = size_t{64} << 20;
  // The tokenizers' per-thread caches (BPE models and tiktoken): words per tokenizer (the
  // reference keeps 10,000). 2^18 holds every distinct word of the 10 MB multilingual bench
  // corpus (GPT-2 159,000, o200k 176,000, Gemma 3 222,000; 15-19 MB), which 2^17 and 100,000
  // did not: the second pass there went from 36 to 40 MB/s (GPT-2), 30 to 42 (o200k) and 29 to
  // 50 (Gemma 3). At most 8 MB of slots plus the arena.
  static constexpr size_t kTokenizerWords = size_t{1} << 18;
  static constexpr size_t kTokenizerMaxWordBytes = 256;  // tokenizers' MAX_LENGTH
  TokenCache(size_t max_entries, size_t max_key_bytes);

  // The cached (id, length) pairs of key, interleaved, or nullptr. `hash` (the overloads that
  // take one) must be hash_bytes(key): a caller that walks many words computes it once and
  // prefetches a few words ahead, so the table's cache misses overlap.
  const uint32_t* find(std::string_view key, uint32_t& n_pairs) const { return find(key, hash_bytes(key), n_pairs); }
  const uint32_t* find(std::string_view key, uint64_t hash, uint32_t& n_pairs) const;
  // Starts loading the slot where a word of this hash would be.
  void prefetch(uint64_t hash) const { __builtin_prefetch(&slots_[(hash | 1) & mask_]); }
  // Pipelined lookups of words in order, hashes[k] = hash_bytes(word k): called before word k
  // is looked up, requests the slot of word k + 8 and the entry (key and tokens) of word k + 4,
  // whose slot was requested four words earlier.
  void prefetch_ahead(std::span<const uint64_t> hashes, size_t k) const {
    constexpr size_t kSlotAhead = 8, kEntryAhead = 4;
    if (k == 0) {
      for (size_t j = 0; j < std::min(kSlotAhead, hashes.size()); ++j) prefetch(hashes[j]);
    }
    if (k + kSlotAhead < hashes.size()) prefetch(hashes[k + kSlotAhead]);
    if (k + kEntryAhead < hashes.size()) {
      const uint64_t h = hashes[k + kEntryAhead] | 1;
      const Slot& s = slots_[h & mask_];
      if (s.hash == h) __builtin_prefetch(arena_.data() + s.offset);
    }
  }
  // Adds key -> pairs (interleaved id, length) if there is room; a present key is left alone.
  void insert(std::string_view key, const uint32_t* pairs, uint32_t n_pairs);
  // The same through tokens: find appends key's tokens to out (offsets from 0, as running
  // sums of the lengths) and says whether it was there; insert stores (id, end - begin).
  bool find(std::string_view key, std::vector<ModelToken>& out) const { return find(key, hash_bytes(key), out); }
  bool find(std::string_view key, uint64_t hash, std::vector<ModelToken>& out) const;
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
