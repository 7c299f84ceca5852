// json::Document: a whole std::string with simdjson's padding in its capacity is parsed in
// place; the result and the error offsets must be those of the copying path.
#include "formats/json.h"

#include <gtest/gtest.h>

#include <string>

namespace embscope {
namespace {

std::string first_name(const json::Document& d) {
  auto o = json::as_object(d.root(), d.path(), "$");
  if (!o) return "<not an object>";
  json::Element names;
  if (o->at_key("names").get(names)) return "<no names>";
  auto a = json::as_array(names, d.path(), "$.names");
  if (!a || a->size() == 0) return "<no array>";
  auto s = json::as_string(a->at(0).value_unsafe(), d.path(), "$.names[0]");
  return s ? std::string(*s) : "<not a string>";
}

TEST(JsonDocument, InPlaceParseEqualsTheCopyingOne) {
  const std::string text = R"({"names": ["Mwar\u0129", "k\u0129ng"], "n": 2})";
  // In place: the capacity holds the padding, and what lies there must not matter.
  std::string padded = text + std::string(simdjson::SIMDJSON_PADDING + 8, '"');
  padded.resize(text.size());
  ASSERT_GE(padded.capacity() - padded.size(), simdjson::SIMDJSON_PADDING);
  auto in_place = json::Document::parse(padded, "a.json");
  auto copied = json::Document::parse(std::string_view(text), "a.json");
  ASSERT_TRUE(in_place) << in_place.error().to_string();
  ASSERT_TRUE(copied) << copied.error().to_string();
  EXPECT_EQ(first_name(*in_place), "Mwar\u0129");
  EXPECT_EQ(first_name(*copied), "Mwar\u0129");
  // The document owns its strings: the text can go away.
  padded.assign(padded.size(), 'x');
  EXPECT_EQ(first_name(*in_place), "Mwar\u0129");
}

TEST(JsonDocument, SyntaxErrorsNameTheSameByteEitherWay) {
  const std::string bad = R"({"names": ["a", "b"] "n": 2})";  // missing comma before "n"
  std::string padded = bad;
  padded.reserve(bad.size() + simdjson::SIMDJSON_PADDING);
  std::string tight(bad.data(), bad.size());
  tight.shrink_to_fit();
  auto a = json::Document::parse(padded, "bad.json");
  auto b = json::Document::parse(tight, "bad.json");
  auto c = json::Document::parse(std::string_view(bad), "bad.json");
  ASSERT_FALSE(a);
  ASSERT_FALSE(b);
  ASSERT_FALSE(c);
  ASSERT_TRUE(c.error().offset.has_value());
  // Inside the offending token, the "n" that follows "]" without a comma.
  EXPECT_GE(*c.error().offset, bad.find("\"n\""));
  EXPECT_LT(*c.error().offset, bad.find("\"n\"") + 3);
  EXPECT_EQ(a.error().offset, c.error().offset);
  EXPECT_EQ(b.error().offset, c.error().offset);
}

}  // namespace
}  // namespace embscope
