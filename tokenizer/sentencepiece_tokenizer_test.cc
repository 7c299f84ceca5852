// SentencePiece .model files: hostile files are refused with a located error before
// libsentencepiece (which searches charsmaps unchecked) sees them; real ones load unchanged.
// The model is fuzz/seeds/sentencepiece/unigram_charsmap.model (make_sentencepiece_seeds.py:
// trained by python3-sentencepiece with the charsmap of tests/data/precompiled/rules.tsv).
#include "tokenizer/sentencepiece_tokenizer.h"

#include <gtest/gtest.h>

#include "testing.h"
#include "tokenizer/precompiled.h"

namespace embscope {
namespace {

std::string model_bytes() {
  return testing::read_bytes((testing::source_dir() / "fuzz/seeds/sentencepiece/unigram_charsmap.model").string());
}
std::string charsmap_bin() {
  return testing::read_bytes((testing::source_dir() / "tests/data/precompiled/charsmap.bin").string());
}

void set_unit(std::string& bytes, size_t at, uint32_t u) {
  for (int b = 0; b < 4; ++b) bytes[at + static_cast<size_t>(b)] = static_cast<char>((u >> (8 * b)) & 0xFF);
}

TEST(SentencePieceModel, TrainedModelLoadsFromBytesAsFromItsFile) {
  const auto path = (testing::source_dir() / "fuzz/seeds/sentencepiece/unigram_charsmap.model").string();
  auto a = SentencePieceTokenizer::from_bytes(model_bytes(), "m.model");
  auto b = SentencePieceTokenizer::load(path);
  ASSERT_TRUE(a) << a.error().to_string();
  ASSERT_TRUE(b) << b.error().to_string();
  const auto ea = (*a)->encode("the king and the queen");
  const auto eb = (*b)->encode("the king and the queen");
  ASSERT_TRUE(ea && eb);
  ASSERT_EQ(ea->size(), eb->size());
  ASSERT_FALSE(ea->empty());
  for (size_t i = 0; i < ea->size(); ++i) EXPECT_EQ((*ea)[i].id, (*eb)[i].id);
}

TEST(SentencePieceModel, CutFileNamesTheOffsetOfTheFieldThatDoesNotParse) {
  const std::string bytes = model_bytes();
  // Cut inside the charsmap (a length-delimited field stating more bytes than remain).
  auto t = SentencePieceTokenizer::from_bytes(bytes.substr(0, 700), "cut.model");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::Format);
  const std::string msg = t.error().to_string();
  EXPECT_NE(msg.find("cut.model"), std::string::npos) << msg;
  EXPECT_NE(msg.find("remain"), std::string::npos) << msg;
  EXPECT_NE(msg.find("cut.model:0x"), std::string::npos) << msg;  // the file offset of that field
}

TEST(SentencePieceModel, CharsmapWhoseSearchWouldLeaveItsTrieIsRefused) {
  std::string bytes = model_bytes();
  const size_t at = bytes.find(charsmap_bin());
  ASSERT_NE(at, std::string::npos);
  set_unit(bytes, at + 4, 0xFFFFFC00u);  // the root's offset points far past the 256 units
  auto t = SentencePieceTokenizer::from_bytes(bytes, "bad.model");
  ASSERT_FALSE(t);
  EXPECT_EQ(t.error().kind, ErrorKind::Format);
  EXPECT_NE(t.error().to_string().find("normalizer_spec.precompiled_charsmap"), std::string::npos)
      << t.error().to_string();
}

// Every single-unit change of the trie: refused, or loaded and safe to search with any byte
// (under AddressSanitizer an unchecked search past the trie would be reported).
TEST(SentencePieceModel, EveryOneUnitChangeOfTheTrieIsRefusedOrSafe) {
  const std::string good = model_bytes();
  const size_t at = good.find(charsmap_bin());
  ASSERT_NE(at, std::string::npos);
  std::string all_bytes;
  for (int c = 1; c < 128; ++c) all_bytes += static_cast<char>(c);
  all_bytes += "\xC4\xA9\xEF\xAC\x81\xE2\x91\xA0";
  size_t refused = 0, loaded = 0;
  for (size_t unit = 0; unit < 256; ++unit) {
    for (uint32_t u : {0u, 0x100u | 'a', 0xFFFFFFFFu, 0x7FFFFFFFu, 0x00000400u | 0x100u}) {
      std::string bytes = good;
      set_unit(bytes, at + 4 + 4 * unit, u);
      auto t = SentencePieceTokenizer::from_bytes(bytes, "m.model");
      if (!t) {
        ++refused;
        continue;
      }
      ++loaded;
      ASSERT_TRUE((*t)->encode(all_bytes));
    }
  }
  EXPECT_GT(refused, 0u);
  EXPECT_GT(loaded, 0u);
}

TEST(SentencePieceModel, CharsmapCheckAcceptsARealCharsmapAndRefusesPartUnits) {
  const std::string blob = charsmap_bin();
  EXPECT_TRUE(PrecompiledCharsmap::check_for_sentencepiece(blob, "charsmap.bin"));
  EXPECT_TRUE(PrecompiledCharsmap::check_for_sentencepiece("", "empty"));
  std::string odd = blob;
  odd[0] = static_cast<char>(static_cast<uint8_t>(odd[0]) + 2);  // trie size not whole units
  auto s = PrecompiledCharsmap::check_for_sentencepiece(odd, "odd");
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().to_string().find("multiple of 4"), std::string::npos) << s.error().to_string();
}

}  // namespace
}  // namespace embscope
