// LineReader: line splitting, CRLF, offsets and numbers.
#include "core/lines.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace embscope {
namespace {

TEST(LineReader, SplitsCrlfAndKeepsOffsets) {
  std::vector<std::string> got;
  std::vector<uint64_t> offsets, numbers;
  for (LineReader r("a\r\nbc\n\nlast"); r.next();) {
    got.emplace_back(r.line());
    offsets.push_back(r.offset());
    numbers.push_back(r.number());
  }
  EXPECT_EQ(got, (std::vector<std::string>{"a", "bc", "", "last"}));
  EXPECT_EQ(offsets, (std::vector<uint64_t>{0, 3, 6, 7}));
  EXPECT_EQ(numbers, (std::vector<uint64_t>{1, 2, 3, 4}));
  LineReader empty("");
  EXPECT_FALSE(empty.next());
  LineReader one("x\n");
  ASSERT_TRUE(one.next());
  EXPECT_EQ(one.line(), "x");
  EXPECT_FALSE(one.next());
}

}  // namespace
}  // namespace embscope
