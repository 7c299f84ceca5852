// TokenCache against a std::map holding the same entries.
#include "tokenizer/token_cache.h"

#include <gtest/gtest.h>

#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

namespace embscope {
namespace {

std::vector<uint32_t> pairs_for(const std::string& key) {
  std::vector<uint32_t> p;
  for (size_t k = 0; k < key.size() % 5; ++k) {
    p.push_back(static_cast<uint32_t>(key.size() * 1000 + k));
    p.push_back(static_cast<uint32_t>(k + 1));
  }
  return p;
}

TEST(TokenCache, FindsWhatWasInsertedAndNothingElse) {
  TokenCache cache(100000, 256);
  std::map<std::string, std::vector<uint32_t>> ref;
  std::mt19937 rng(7);
  // Short keys over a small alphabet (shared prefixes, embedded NULs, lengths 0..40).
  for (int i = 0; i < 20000; ++i) {
    std::string key(rng() % 41, '\0');
    for (auto& c : key) c = "ab\0\xE2"[rng() % 4];
    auto p = pairs_for(key);
    cache.insert(key, p.data(), static_cast<uint32_t>(p.size() / 2));
    ref.emplace(key, p);  // a present key keeps its first value in both
  }
  EXPECT_EQ(cache.size(), ref.size());
  for (const auto& [key, p] : ref) {
    uint32_t n = 99;
    const uint32_t* got = cache.find(key, n);
    ASSERT_NE(got, nullptr) << "key of " << key.size() << " bytes";
    ASSERT_EQ(n, p.size() / 2);
    EXPECT_EQ(std::vector<uint32_t>(got, got + 2 * n), p);
    // One byte more or less is a different key.
    EXPECT_EQ(cache.find(key + "b", n) != nullptr, ref.count(key + "b") == 1);
    if (!key.empty()) {
      EXPECT_EQ(cache.find(key.substr(1), n) != nullptr, ref.count(key.substr(1)) == 1);
    }
  }
}

TEST(TokenCache, StopsAtItsBounds) {
  TokenCache cache(3, 8);
  const uint32_t p[2] = {1, 2};
  cache.insert("12345678", p, 1);  // not shorter than 8 bytes: not cached
  EXPECT_FALSE(cache.cacheable("12345678"));
  uint32_t n;
  EXPECT_EQ(cache.find("12345678", n), nullptr);
  for (const char* k : {"a", "b", "c", "d"}) cache.insert(k, p, 1);
  EXPECT_EQ(cache.size(), 3u);
  EXPECT_NE(cache.find("c", n), nullptr);
  EXPECT_EQ(cache.find("d", n), nullptr);
}

TEST(TokenCache, StopsWhenItsArenaIsFull) {
  // Long words of many tokens fill the arena long before max_entries: ~2.3 KB each (a 255-byte
  // key and 255 pairs), so kMaxArenaBytes is reached after ~29,000 of them.
  TokenCache cache(1 << 20, 256);
  const std::vector<uint32_t> pairs(2 * 255, 1);
  const size_t entry_bytes = 256 + pairs.size() * sizeof(uint32_t);
  const size_t n_words = TokenCache::kMaxArenaBytes / entry_bytes + 100;
  auto word = [](size_t i) {
    std::string w(255, 'x');
    std::memcpy(w.data(), &i, sizeof i);
    return w;
  };
  for (size_t i = 0; i < n_words; ++i) cache.insert(word(i), pairs.data(), 255);
  EXPECT_LE(cache.size(), TokenCache::kMaxArenaBytes / entry_bytes);
  EXPECT_GE(cache.size(), TokenCache::kMaxArenaBytes / entry_bytes - 1);
  uint32_t n = 0;
  EXPECT_NE(cache.find(word(0), n), nullptr);  // the first words stay
  EXPECT_EQ(n, 255u);
  EXPECT_EQ(cache.find(word(n_words - 1), n), nullptr);  // the last did not fit
}

TEST(TokenCache, OneCachePerInstanceAndThread) {
  TokenCache& a = TokenCache::for_thread(~0ull - 1, 10, 16);
  TokenCache& b = TokenCache::for_thread(~0ull - 2, 10, 16);
  EXPECT_NE(&a, &b);
  EXPECT_EQ(&a, &TokenCache::for_thread(~0ull - 1, 10, 16));
}

}  // namespace
}  // namespace embscope
