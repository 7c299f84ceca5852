// Evaluation-set parsing: gensim's line rules, and the shipped files' sizes from their README.
#include "formats/eval_sets.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace embscope {
namespace {

std::string shared(const std::string& name) {
  const char* src = std::getenv("EMBSCOPE_SOURCE_DIR");
  return std::string(src ? src : ".") + "/data/eval-data/" + name;
}

TEST(EvalSets, AnalogyRules) {
  const auto set = parse_analogy_set(": capital\nAthens Greece Baghdad Iraq\nbad line\n:  gram1 \r\na b c d\r\n\n", "q.txt");
  ASSERT_TRUE(set.has_value()) << set.error().to_string();
  ASSERT_EQ(set->sections.size(), 2u);
  EXPECT_EQ(set->sections[0].name, "capital");
  EXPECT_EQ(set->sections[1].name, "gram1");
  ASSERT_EQ(set->sections[0].questions.size(), 1u);
  EXPECT_EQ(set->sections[0].questions[0].expected, "Iraq");
  EXPECT_EQ(set->sections[1].questions[0].expected, "d");  // "\r" is whitespace
  EXPECT_EQ(set->skipped_lines, (std::vector<uint64_t>{3, 6}));
}

TEST(EvalSets, AnalogyErrors) {
  const auto early = parse_analogy_set("a b c d\n: s\n", "q.txt");
  ASSERT_FALSE(early.has_value());
  EXPECT_EQ(early.error().kind, ErrorKind::Format);
  EXPECT_NE(early.error().message.find("before any"), std::string::npos);
  const auto bad = parse_analogy_set(": s\na b \xc3 d\n", "q.txt");
  ASSERT_FALSE(bad.has_value());
  EXPECT_EQ(bad.error().kind, ErrorKind::InvalidUtf8);
  EXPECT_EQ(bad.error().offset, std::optional<uint64_t>(8));
}

TEST(EvalSets, PairRules) {
  const auto set = parse_word_pair_set("# comment\ntiger\tcat\t7.35\r\nbook\tpaper\tx\rone\ttwo\nA\tB\t 1e1 \nlast\tone\t-2", "p.txt");
  ASSERT_TRUE(set.has_value()) << set.error().to_string();
  ASSERT_EQ(set->pairs.size(), 3u);
  EXPECT_EQ(set->pairs[0].a, "tiger");
  EXPECT_DOUBLE_EQ(set->pairs[0].score, 7.35);
  EXPECT_DOUBLE_EQ(set->pairs[1].score, 10.0);
  EXPECT_EQ(set->pairs[2].line, 6u);
  EXPECT_DOUBLE_EQ(set->pairs[2].score, -2.0);
  EXPECT_EQ(set->skipped_lines, (std::vector<uint64_t>{3, 4}));
}

TEST(EvalSets, SharedFilesHaveTheirDocumentedSizes) {
  const auto q = read_analogy_set(shared("questions-words.txt"));
  ASSERT_TRUE(q.has_value()) << q.error().to_string();
  size_t n = 0;
  for (const auto& s : q->sections) n += s.questions.size();
  EXPECT_EQ(q->sections.size(), 14u);
  EXPECT_EQ(n, 19544u);
  for (const auto& [file, pairs] : std::vector<std::pair<std::string, size_t>>{
           {"EN-WS-353-ALL.txt", 353}, {"EN-SIMLEX-999.txt", 999}, {"EN-MEN-TR-3k.txt", 3000},
           {"EN-RG-65.txt", 65}, {"EN-MTurk-287.txt", 287}, {"EN-SimVerb-3500.txt", 3500}}) {
    const auto p = read_word_pair_set(shared(file));
    ASSERT_TRUE(p.has_value()) << p.error().to_string();
    EXPECT_EQ(p->pairs.size(), pairs) << file;
    EXPECT_TRUE(p->skipped_lines.empty()) << file;
  }
}

}  // namespace
}  // namespace embscope
