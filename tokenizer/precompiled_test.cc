// Precompiled charsmap: lookups against the rule table SentencePiece compiled it from
// (tests/data/precompiled/rules.tsv -> charsmap.bin by make_charsmap.py), the reference's
// shortest-prefix and whole-grapheme quirks, alignments, and hostile blobs.
#include "tokenizer/precompiled.h"

#include <gtest/gtest.h>

#include "testing.h"

namespace embscope {
namespace {

std::string charsmap_bin() {
  return testing::read_bytes((testing::source_dir() / "tests/data/precompiled/charsmap.bin").string());
}

TEST(Precompiled, LooksUpTheCompiledRules) {
  auto m = PrecompiledCharsmap::parse(charsmap_bin(), "charsmap.bin");
  ASSERT_TRUE(m.has_value()) << m.error().to_string();
  // rules.tsv: A -> a, U+FB01 -> "fi", U+2460 -> "1", "AB" -> "x", U+3000 -> " ".
  EXPECT_EQ(m->transform("A"), "a");
  EXPECT_EQ(m->transform("\xEF\xAC\x81"), "fi");
  EXPECT_EQ(m->transform("\xE2\x91\xA0"), "1");
  EXPECT_EQ(m->transform("\xE3\x80\x80"), " ");
  EXPECT_EQ(m->transform("B"), std::nullopt);
  EXPECT_EQ(m->transform("b"), std::nullopt);
  EXPECT_EQ(m->transform(""), std::nullopt);
  // The reference takes the shortest rule that prefixes the chunk: "AB" gives A's "a".
  EXPECT_EQ(m->transform("AB"), "a");
  EXPECT_EQ(m->transform("Ab"), "a");
  EXPECT_EQ(m->transform(std::string_view("\0A", 2)), std::nullopt);  // keys stop at NUL
}

TEST(Precompiled, NormalizesByGraphemeWithAlignments) {
  auto m = PrecompiledCharsmap::parse(charsmap_bin(), "charsmap.bin");
  ASSERT_TRUE(m.has_value());
  NormalizedString s("xA\xEF\xAC\x81!\xE2\x91\xA0");  // "xAﬁ!①"
  m->normalize(s);
  EXPECT_EQ(s.get(), "xafi!1");
  // "fi" both come from the 3 bytes of U+FB01 at [2, 5).
  EXPECT_EQ(s.normalized_to_original(2, 4), ByteRange(2, 5));
  EXPECT_EQ(s.normalized_to_original(5, 6), ByteRange(6, 9));
  // A grapheme of A + combining acute (under 6 bytes) starts with the rule "A": replaced whole.
  NormalizedString g("A\xCC\x81z");
  m->normalize(g);
  EXPECT_EQ(g.get(), "az");
  NormalizedString none("plain text");
  m->normalize(none);
  EXPECT_EQ(none.get(), "plain text");
}

TEST(Precompiled, RejectsHostileBlobsAndSurvivesGarbageTries) {
  EXPECT_TRUE(PrecompiledCharsmap::parse("", "x").has_value());  // empty: maps nothing
  auto short_blob = PrecompiledCharsmap::parse("\x01\x02", "x");
  ASSERT_FALSE(short_blob.has_value());
  EXPECT_EQ(short_blob.error().kind, ErrorKind::Format);
  const std::string too_big("\x00\x01\x00\x00" "abcd", 8);  // a 256-byte trie in 4 bytes
  auto big = PrecompiledCharsmap::parse(too_big, "x");
  ASSERT_FALSE(big.has_value());
  EXPECT_NE(big.error().message.find("256"), std::string::npos) << big.error().to_string();
  const std::string bad_utf8("\x04\x00\x00\x00" "\x00\x00\x00\x00" "\xff\xfe", 10);
  auto bad = PrecompiledCharsmap::parse(bad_utf8, "x");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("0x8"), std::string::npos) << bad.error().to_string();
  // Every unit set: offsets point anywhere; lookups stay in bounds and find nothing usable.
  std::string garbage("\x40\x00\x00\x00", 4);
  garbage += std::string(64, '\xff');
  auto g = PrecompiledCharsmap::parse(garbage, "x");
  ASSERT_TRUE(g.has_value());
  NormalizedString s("any text \xE2\x91\xA0");
  g->normalize(s);
  EXPECT_EQ(s.get(), "any text \xE2\x91\xA0");
}

}  // namespace
}  // namespace embscope
