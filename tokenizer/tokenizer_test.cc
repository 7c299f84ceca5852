// Tokenizer components on small handmade inputs whose answers are known from the reference's
// own documentation and tests (the real-model comparisons live in tests/golden).
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "testing.h"

#include "formats/tiktoken.h"
#include "formats/tokenizer_json.h"
#include "tokenizer/loader.h"
#include "tokenizer/normalizers.h"
#include "tokenizer/pre_tokenizers.h"
#include "tokenizer/bpe.h"
#include "tokenizer/tiktoken_tokenizer.h"
#include "tokenizer/tokenizer.h"

namespace embscope {
namespace {

std::unique_ptr<HfTokenizer> load(const std::string& json) {
  auto spec = parse_tokenizer_json(json, "t.json");
  EXPECT_TRUE(spec) << spec.error().to_string();
  auto t = HfTokenizer::create(std::move(*spec));
  EXPECT_TRUE(t) << t.error().to_string();
  return std::move(*t);
}

std::vector<uint32_t> ids(const std::vector<EncodedToken>& v) {
  std::vector<uint32_t> out;
  for (const auto& t : v) out.push_back(t.id);
  return out;
}

TEST(NormalizedString, NfdKeepsAlignmentToTheComposedCharacter) {
  NormalizedString s("Mwar\xC4\xA9");  // Mwarĩ
  NormalizerSpec nfd;
  nfd.type = NormalizerSpec::Type::NFD;
  (*make_normalizer(nfd))->normalize(s);
  EXPECT_EQ(s.get(), "Mwari\xCC\x83");
  // 'i' and U+0303 (bytes 4..7 of the normalized text) both come from original bytes [4, 6).
  EXPECT_EQ(s.normalized_to_original(4, 5), ByteRange(4, 6));
  EXPECT_EQ(s.normalized_to_original(5, 7), ByteRange(4, 6));
}

TEST(NormalizedString, SplitBehaviours) {
  // tokenizers' pre_tokenizers/split.rs test sentence, splitting on spaces.
  NormalizedString s("How are you doing?");
  auto matches = cover_with_matches(s.get(), {{3, 4}, {7, 8}, {11, 12}});
  auto texts = [&](SplitBehavior b) {
    std::vector<std::string> out;
    for (auto& p : s.split(matches, b))
      if (!p.empty()) out.push_back(p.get());
    return out;
  };
  EXPECT_EQ(texts(SplitBehavior::Removed), (std::vector<std::string>{"How", "are", "you", "doing?"}));
  EXPECT_EQ(texts(SplitBehavior::Isolated), (std::vector<std::string>{"How", " ", "are", " ", "you", " ", "doing?"}));
  EXPECT_EQ(texts(SplitBehavior::MergedWithPrevious), (std::vector<std::string>{"How ", "are ", "you ", "doing?"}));
  EXPECT_EQ(texts(SplitBehavior::MergedWithNext), (std::vector<std::string>{"How", " are", " you", " doing?"}));
  EXPECT_EQ(texts(SplitBehavior::Contiguous), (std::vector<std::string>{"How", " ", "are", " ", "you", " ", "doing?"}));
}

TEST(NormalizedString, PrependAndReplaceAlign) {
  NormalizedString s("ab c");
  s.prepend("\xE2\x96\x81");
  EXPECT_EQ(s.get(), "\xE2\x96\x81" "ab c");
  EXPECT_EQ(s.normalized_to_original(0, 3), ByteRange(0, 1));  // the marker belongs to 'a'
  s.replace_ranges({{5, 6}}, "\xE2\x96\x81");
  EXPECT_EQ(s.get(), "\xE2\x96\x81" "ab\xE2\x96\x81" "c");
  EXPECT_EQ(s.normalized_to_original(5, 8), ByteRange(2, 3));  // the space it replaced
}

TEST(NormalizedString, TransformAfterAnInsertionAtTheStart) {
  // A Replace whose regex matches the empty string puts its content at offset 0, aligned to
  // (0, 0). A whole-string transform after it (ByteLevel here) must cover that content too.
  // Found by fuzz.tokenizer_json (heap-buffer-overflow reading the alignments).
  NormalizedString s("ab\xC3\xA9");  // abé
  s.replace_ranges({{0, 0}}, " ");
  ASSERT_EQ(s.get(), " ab\xC3\xA9");
  byte_level_transform(s);
  EXPECT_EQ(s.get(), "\xC4\xA0" "ab\xC3\x83\xC2\xA9");  // Ġ a b Ã ©
  EXPECT_EQ(s.normalized_to_original(2, 3), ByteRange(0, 1));  // 'a'
  EXPECT_EQ(s.normalized_to_original(4, 8), ByteRange(2, 4));  // both bytes of é
}

const char* kTinyBpe = R"({
  "added_tokens": [{"id": 9, "content": "<s>", "special": true, "normalized": false}],
  "pre_tokenizer": {"type": "Whitespace"},
  "model": {"type": "BPE", "unk_token": "<unk>", "fuse_unk": true,
            "vocab": {"<unk>": 0, "h": 1, "e": 2, "l": 3, "o": 4, "he": 5, "ll": 6, "hell": 7, "hello": 8, "<s>": 9},
            "merges": ["h e", ["l", "l"], "he ll", "hell o"]}})";

TEST(Bpe, MergesByRankAndFusesUnknowns) {
  auto t = load(kTinyBpe);
  auto e = t->encode("hello hexx <s>lo");
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_EQ(ids(*e), (std::vector<uint32_t>{8, 5, 0, 9, 3, 4}));  // "xx" fused into one <unk>
  EXPECT_EQ((*e)[2].byte_begin, 8u);
  EXPECT_EQ((*e)[2].byte_end, 10u);
  EXPECT_TRUE((*e)[3].special);
  auto as_text = t->encode("<s>", {false, SpecialTokens::Text});
  ASSERT_TRUE(as_text);
  // Whitespace pre-tokenization makes "<", "s", ">" three words, each one <unk>.
  EXPECT_EQ(ids(*as_text), (std::vector<uint32_t>{0, 0, 0}));
  auto rejected = t->encode("a<s>", {false, SpecialTokens::Reject});
  ASSERT_FALSE(rejected);
  EXPECT_EQ(rejected.error().offset, 1u);
}

// A word's characters start as the pieces that are exactly them: one- to three-byte
// characters through the model's table, four-byte ones (emoji) through the vocabulary, a
// character with no piece as unk; with a continuing-subword prefix, only a word's first
// character is looked up bare.
TEST(Bpe, CharactersStartAsTheirPieces) {
  auto t = load(R"({"model": {"type": "BPE", "unk_token": "<unk>",
    "vocab": {"<unk>": 0, "\u0129": 1, "a": 2, "a\u0129": 3, "\ud83d\ude00": 4, "a\ud83d\ude00": 5, "\u4e2d": 6, "\u4e2da": 7},
    "merges": ["a \u0129", "a \ud83d\ude00", "\u4e2d a"]}})");
  auto e = t->encode("a\u0129\U0001F600\u4e2da\u00e9");
  ASSERT_TRUE(e) << e.error().to_string();
  EXPECT_EQ(ids(*e), (std::vector<uint32_t>{3, 4, 7, 0}));
  EXPECT_EQ((*e)[1].byte_begin, 3u);
  EXPECT_EQ((*e)[1].byte_end, 7u);
  EXPECT_EQ((*e)[3].byte_begin, 11u);
  EXPECT_EQ((*e)[3].byte_end, 13u);
  auto p = load(R"({"pre_tokenizer": {"type": "WhitespaceSplit"},
    "model": {"type": "BPE", "unk_token": "<unk>", "continuing_subword_prefix": "##",
              "vocab": {"<unk>": 0, "a": 1, "##\u0129": 2, "\u0129": 3, "a\u0129": 4}, "merges": ["a ##\u0129"]}})");
  auto q = p->encode("a\u0129 \u0129");
  ASSERT_TRUE(q) << q.error().to_string();
  EXPECT_EQ(ids(*q), (std::vector<uint32_t>{4, 3}));
}

TEST(Bpe, LongWordIsFineAndRoundTrips) {
  auto t = load(kTinyBpe);
  std::string word;
  for (int i = 0; i < 10000; ++i) word += "hello";  // 50,000 characters, no spaces
  auto e = t->encode(word);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->size(), 10000u);
}

TEST(WordPiece, GreedyLongestMatchAndUnk) {
  auto t = load(R"({"pre_tokenizer": {"type": "BertPreTokenizer"},
    "model": {"type": "WordPiece", "unk_token": "[UNK]", "continuing_subword_prefix": "##", "max_input_chars_per_word": 100,
              "vocab": {"[UNK]": 0, "un": 1, "##aff": 2, "##able": 3, "a": 4, "##b": 5}},
    "decoder": {"type": "WordPiece", "prefix": "##", "cleanup": true}})");
  auto e = t->encode("unaffable, ab zz");
  ASSERT_TRUE(e);
  EXPECT_EQ(ids(*e), (std::vector<uint32_t>{1, 2, 3, 0, 4, 5, 0}));
  std::vector<uint32_t> v = {1, 2, 3, 4, 5};
  EXPECT_EQ(*t->decode(v), "unaffable ab");
}

TEST(Unigram, ViterbiPicksTheMostLikelySegmentation) {
  auto t = load(R"({"pre_tokenizer": {"type": "Metaspace", "replacement": "\u2581", "prepend_scheme": "always", "split": true},
    "model": {"type": "Unigram", "unk_id": 0, "byte_fallback": false,
              "vocab": [["<unk>", 0.0], ["\u2581hel", -2.0], ["lo", -2.0], ["\u2581hello", -5.0], ["\u2581", -1.0],
                        ["h", -3.0], ["e", -3.0], ["l", -3.0], ["o", -3.0]]}})");
  auto e = t->encode("hello");
  ASSERT_TRUE(e);
  EXPECT_EQ(ids(*e), (std::vector<uint32_t>{1, 2}));  // -4 beats -5
}

TEST(Tiktoken, MergesByRankOfTheConcatenation) {
  std::string ranks;
  const char* b64[] = {"YQ==", "Yg==", "Yw==", "YWI=", "YmM=", "YWJj"};  // a b c ab bc abc
  for (int i = 0; i < 256; ++i) {
    // Every single byte first (ranks 0..255), then the merges.
    std::string s(1, static_cast<char>(i));
    static const char* tbl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const uint8_t c = static_cast<uint8_t>(i);
    std::string enc = {tbl[c >> 2], tbl[(c & 3) << 4], '=', '='};
    ranks += enc + " " + std::to_string(i) + "\n";
  }
  ranks += std::string(b64[3]) + " 256\n" + b64[4] + " 257\n" + b64[5] + " 258\n";
  auto spec = parse_tiktoken(ranks, "cl100k_base.tiktoken", "cl100k_base");
  ASSERT_TRUE(spec) << spec.error().to_string();
  auto t = TiktokenTokenizer::create(std::move(*spec));
  ASSERT_TRUE(t) << t.error().to_string();
  std::vector<uint32_t> out, lens;
  (*t)->merge_piece("abc", out, lens);
  EXPECT_EQ(out, std::vector<uint32_t>{258});
  out.clear();
  (*t)->merge_piece("abab", out, lens);
  EXPECT_EQ(out, (std::vector<uint32_t>{256, 256}));
  auto e = (*t)->encode("x<|endoftext|>");
  ASSERT_FALSE(e);  // tiktoken refuses special tokens by default
  EXPECT_EQ(e.error().offset, 1u);
  auto m = (*t)->encode("x<|endoftext|>", {false, SpecialTokens::Match});
  ASSERT_TRUE(m);
  EXPECT_EQ(m->back().id, 100257u);
}

TEST(Tokenizer, InvalidUtf8IsALocatedError) {
  auto t = load(kTinyBpe);
  auto e = t->encode("hel\xC4lo");
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().kind, ErrorKind::InvalidUtf8);
  EXPECT_EQ(e.error().offset, 3u);
  auto empty = t->encode("");
  ASSERT_TRUE(empty);
  EXPECT_TRUE(empty->empty());
}

struct BrokenJson {
  const char* what;
  std::string json;
  ErrorKind kind;
  const char* needle;
};

TEST(TokenizerJson, BrokenFilesNameTheJsonPath) {
  const BrokenJson cases[] = {
      {"truncated", R"({"model": {"type": "BPE", "vocab": {"a": 0)", ErrorKind::Format, "invalid JSON"},
      {"model missing", R"({"normalizer": null})", ErrorKind::Format, "missing \"model\""},
      {"merge names an unknown token", R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a c"]}})",
       ErrorKind::Format, "$.model.merges[0]"},
      {"merged token missing", R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 1}, "merges": ["a b"]}})",
       ErrorKind::Format, "merged token 'ab'"},
      {"duplicate ids", R"({"model": {"type": "BPE", "vocab": {"a": 0, "b": 0}, "merges": []}})", ErrorKind::Format,
       "id 0 is given to both"},
      {"wrong type", R"({"model": {"type": "BPE", "vocab": {"a": "zero"}, "merges": []}})", ErrorKind::Format,
       "$.model.vocab.a: expected a non-negative integer"},
      {"unknown pre-tokenizer", R"({"pre_tokenizer": {"type": "Magic"}, "model": {"type": "WordLevel", "vocab": {}}})",
       ErrorKind::Format, "$.pre_tokenizer.type: expected one of"},
      {"bad behaviour", R"({"pre_tokenizer": {"type": "Split", "pattern": {"String": " "}, "behavior": "Sideways"},
         "model": {"type": "WordLevel", "vocab": {}}})", ErrorKind::Format, "$.pre_tokenizer.behavior"},
      {"bad regex", R"({"pre_tokenizer": {"type": "Split", "pattern": {"Regex": "(unclosed"}, "behavior": "Isolated"},
         "model": {"type": "WordLevel", "vocab": {}}})", ErrorKind::Format, "cannot compile regex"},
      {"empty added token", R"({"added_tokens": [{"id": 0, "content": ""}], "model": {"type": "WordLevel", "vocab": {}}})",
       ErrorKind::Format, "empty added token"},
      {"merge with three parts", R"({"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b c"]}})",
       ErrorKind::Format, "one space"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    auto spec = parse_tokenizer_json(c.json, "tok.json");
    Error e;
    if (!spec) {
      e = spec.error();
    } else {
      auto t = HfTokenizer::create(std::move(*spec));
      ASSERT_FALSE(t) << "expected an error";
      e = t.error();
    }
    EXPECT_EQ(kind_name(e.kind), kind_name(c.kind)) << e.to_string();
    EXPECT_NE(e.to_string().find(c.needle), std::string::npos) << e.to_string();
  }
}

TEST(TiktokenFile, BrokenFiles) {
  auto bad_b64 = parse_tiktoken("IQ== 0\n!!!! 1\n", "x.tiktoken", "cl100k_base");
  ASSERT_FALSE(bad_b64);
  EXPECT_EQ(bad_b64.error().offset, 7u);
  auto dup = parse_tiktoken("IQ== 0\nIg== 0\n", "x.tiktoken", "cl100k_base");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().message.find("appears twice"), std::string::npos);
  auto name = parse_tiktoken("IQ== 0\n", "x.tiktoken", "mystery");
  ASSERT_FALSE(name);
  EXPECT_EQ(name.error().kind, ErrorKind::NotFound);
  auto spec = parse_tiktoken("IQ== 0\n", "x.tiktoken", "cl100k_base");
  ASSERT_TRUE(spec);
  auto t = TiktokenTokenizer::create(std::move(*spec));
  ASSERT_FALSE(t);  // bytes without a rank
  EXPECT_NE(t.error().message.find("has no rank"), std::string::npos);
}

}  // namespace
}  // namespace embscope

namespace embscope {
namespace {

TEST(Loader, BrokenAndMissingFilesAreClearErrors) {
  testing::TempDir d;
  testing::write_bytes(d.file("tokenizer.model"), "this is not a protobuf \x01\x02\x03");
  auto sp = load_tokenizer(d.file("tokenizer.model"));
  ASSERT_FALSE(sp);
  EXPECT_EQ(sp.error().kind, ErrorKind::Format);
  EXPECT_NE(sp.error().message.find("not a SentencePiece model"), std::string::npos);
  auto none = load_tokenizer(d.file("nothing-here"));
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().kind, ErrorKind::NotFound);
  testing::TempDir empty;
  auto dir = load_tokenizer(empty.path().string());
  ASSERT_FALSE(dir);
  EXPECT_NE(dir.error().message.find("no tokenizer here"), std::string::npos);
}

}  // namespace
}  // namespace embscope

namespace embscope {
namespace {

// The merge loop (short words by a rank scan, long ones by a heap) against the textbook
// procedure written out here: repeatedly merge the leftmost pair of lowest rank. Random words
// over a four-letter alphabet with merges of every pair of ids up to 40 (ranks shuffled, and
// some pairs sharing a rank as tiktoken's do when two splits make the same token), lengths
// on both sides of the scan's 64-symbol limit.
TEST(MergeByRank, EqualsTheTextbookLoopOnBothSidesOfTheScanLimit) {
  // Tokens are strings over "abcd" up to 5 letters (a random two thirds of those longer than
  // one); every split x + y of a token s into two tokens is a merge (x, y) -> s. Ranks as
  // tiktoken's (the rank of s, shared by all its splits) or as a merges list's (one per pair).
  for (const bool rank_per_token : {true, false}) {
    std::mt19937 rng(rank_per_token ? 11 : 12);
    std::map<std::string, uint32_t> vocab;
    std::vector<std::string> pieces;
    std::vector<std::string> frontier = {""};
    for (int length = 1; length <= 5; ++length) {
      std::vector<std::string> longer;
      for (const auto& f : frontier)
        for (char c : std::string("abcd")) longer.push_back(f + c);
      for (const auto& s : longer)
        if (length == 1 || rng() % 3 != 0) vocab.emplace(s, static_cast<uint32_t>(vocab.size())), pieces.push_back(s);
      frontier = longer;
    }
    PairMap merges;
    merges.reserve(20000);
    std::map<std::pair<uint32_t, uint32_t>, std::pair<uint32_t, uint32_t>> table;  // (x, y) -> (rank, s)
    for (const auto& [s, id] : vocab) {
      const uint32_t token_rank = rng() % 100000;
      for (size_t cut = 1; cut < s.size(); ++cut) {
        auto x = vocab.find(s.substr(0, cut)), y = vocab.find(s.substr(cut));
        if (x == vocab.end() || y == vocab.end()) continue;
        const uint32_t rank = rank_per_token ? token_rank : rng() % 100000;
        table[{x->second, y->second}] = {rank, id};
        merges.put(x->second, y->second, rank, id);
      }
    }
    for (int trial = 0; trial < 300; ++trial) {
      const size_t n = 1 + rng() % 140;
      std::vector<uint32_t> ids(n), lens(n);
      for (size_t k = 0; k < n; ++k) ids[k] = vocab.at(std::string(1, "abcd"[rng() % 4])), lens[k] = 1 + rng() % 3;
      std::vector<ModelToken> got;
      merge_by_rank(merges, ids, lens, got);
      std::vector<uint32_t> want_ids = ids, want_lens = lens;
      while (true) {
        size_t best = want_ids.size();
        uint32_t best_rank = 0;
        for (size_t k = 0; k + 1 < want_ids.size(); ++k) {
          auto it = table.find({want_ids[k], want_ids[k + 1]});
          if (it != table.end() && (best == want_ids.size() || it->second.first < best_rank)) best = k, best_rank = it->second.first;
        }
        if (best == want_ids.size()) break;
        want_ids[best] = table.at({want_ids[best], want_ids[best + 1]}).second;
        want_lens[best] += want_lens[best + 1];
        want_ids.erase(want_ids.begin() + long(best) + 1);
        want_lens.erase(want_lens.begin() + long(best) + 1);
      }
      ASSERT_EQ(got.size(), want_ids.size()) << "n=" << n;
      uint32_t pos = 0;
      for (size_t k = 0; k < got.size(); ++k) {
        EXPECT_EQ(got[k].id, want_ids[k]) << "n=" << n << " k=" << k;
        EXPECT_EQ(got[k].begin, pos);
        EXPECT_EQ(got[k].end, pos + want_lens[k]);
        pos += want_lens[k];
      }
    }
  }
}

// Character offsets: tokens over random UTF-8 (1-4 byte characters), at random byte ranges
// (inside characters, overlapping, going back, empty), against widening and
// counting code points from the start, one byte at a time.
TEST(FinishOffsets, EqualsCountingFromTheStart) {
  std::mt19937 rng(5);
  const char* chars[] = {"a", " ", "\xC4\xA9", "\xE2\x96\x81", "\xF0\x9F\x98\x80", "z", "\xD7\x90"};
  for (int trial = 0; trial < 300; ++trial) {
    std::string text;
    const size_t n_chars = rng() % 60;
    for (size_t i = 0; i < n_chars; ++i) text += chars[rng() % 7];
    if (trial % 10 == 0) text += "\xC4\xA9";  // never all ASCII
    std::vector<EncodedToken> tokens;
    uint32_t at = 0;
    for (size_t i = 0; i < 40; ++i) {
      EncodedToken t;
      if (rng() % 8 == 0) at = static_cast<uint32_t>(rng() % (text.size() + 1));  // jump, possibly back
      t.byte_begin = at;
      t.byte_end = std::min<uint32_t>(static_cast<uint32_t>(text.size()), at + rng() % 12);
      at = t.byte_end;
      tokens.push_back(t);
    }
    std::vector<EncodedToken> want = tokens;
    auto is_cont = [&](size_t b) { return b < text.size() && (static_cast<uint8_t>(text[b]) & 0xC0) == 0x80; };
    auto chars_before = [&](size_t b) {
      uint32_t c = 0;
      for (size_t i = 0; i < std::min(b, text.size()); ++i) c += !is_cont(i);
      return c;
    };
    for (auto& t : want) {
      while (t.byte_begin > 0 && is_cont(t.byte_begin)) --t.byte_begin;
      while (is_cont(t.byte_end)) ++t.byte_end;
      t.char_begin = chars_before(t.byte_begin);
      t.char_end = chars_before(t.byte_end);
    }
    // Both ways of counting: the per-byte table (short texts) and token by token (long ones).
    for (const size_t table_max_bytes : {size_t{1} << 20, size_t{0}}) {
      std::vector<EncodedToken> got = tokens;
      finish_offsets(text, got, table_max_bytes);
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].byte_begin, want[i].byte_begin) << trial << " " << i << " " << table_max_bytes;
        EXPECT_EQ(got[i].byte_end, want[i].byte_end) << trial << " " << i << " " << table_max_bytes;
        EXPECT_EQ(got[i].char_begin, want[i].char_begin) << trial << " " << i << " " << table_max_bytes;
        EXPECT_EQ(got[i].char_end, want[i].char_end) << trial << " " << i << " " << table_max_bytes;
      }
    }
  }
}

}  // namespace
}  // namespace embscope
