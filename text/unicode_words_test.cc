// Upper-casing and letter tests against Python's str.upper() / str.isalpha() values.
#include "text/unicode_words.h"

#include <gtest/gtest.h>

namespace embscope {
namespace {

TEST(UnicodeWords, UpperMatchesPythonOutsideSpecialCasing) {
  EXPECT_EQ(to_upper("king"), "KING");
  EXPECT_EQ(to_upper("Kĩkũyũ"), "KĨKŨYŨ");                 // 'Kĩkũyũ'.upper()
  EXPECT_EQ(to_upper("Ærøskøbing"), "ÆRØSKØBING");
  EXPECT_EQ(to_upper("αβγ"), "ΑΒΓ");
  EXPECT_EQ(to_upper("日本"), "日本");
  EXPECT_EQ(to_upper("a\xff" "b"), "A\xff" "B");          // invalid byte kept
}

TEST(UnicodeWords, LettersAsPythonIsalpha) {
  EXPECT_TRUE(is_letters("cat"));
  EXPECT_TRUE(is_letters("Kĩkũyũ"));
  EXPECT_TRUE(is_letters("日本"));
  EXPECT_FALSE(is_letters(""));
  EXPECT_FALSE(is_letters("don't"));
  EXPECT_FALSE(is_letters("1990"));
  EXPECT_FALSE(is_letters("Ã©"));   // '©' is a symbol (So)
  EXPECT_FALSE(is_letters("i\xcc\x83"));  // combining tilde is Mn: 'ĩ' decomposed is not alpha
  EXPECT_FALSE(is_letters("a\xff"));
}

}  // namespace
}  // namespace embscope
