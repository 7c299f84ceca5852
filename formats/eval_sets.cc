// Evaluation-set parsing with gensim's line rules.
#include "formats/eval_sets.h"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>

#include "core/lines.h"
#include "core/mapped_file.h"
#include "core/utf8.h"

namespace embscope {
namespace {

// Python's str.split() separators in ASCII (str.split also splits on a few Unicode spaces).
bool is_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }

std::vector<std::string_view> split_whitespace(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && is_space(s[i])) ++i;
    const size_t start = i;
    while (i < s.size() && !is_space(s[i])) ++i;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

Status check_utf8(std::string_view text, const std::string& path) {
  if (auto bad = find_invalid_utf8(text))
    return make_error_at(ErrorKind::InvalidUtf8, path, *bad, "invalid UTF-8 in an evaluation set");
  return {};
}

// Python float(): surrounding whitespace allowed, decimal or inf/nan, no hex.
std::optional<double> parse_number(std::string_view field) {
  field = strip(field);
  if (field.empty() || field.size() > 64 || field.find_first_of("xX") != std::string_view::npos) return std::nullopt;
  const std::string s(field);
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return std::nullopt;
  return v;
}

Result<std::string> read_all(const std::string& path) {
  EMB_TRY_ASSIGN(auto file, MappedFile::open(path));
  const auto bytes = file.bytes();
  return std::string(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace

Result<AnalogySet> parse_analogy_set(std::string_view text, const std::string& path) {
  EMB_TRY(check_utf8(text, path));
  AnalogySet set;
  for (LineReader lines(text); lines.next();) {
    const std::string_view line = lines.line();
    const uint64_t line_no = lines.number();
    if (line.substr(0, 2) == ": ") {
      std::string_view name = line;
      while (!name.empty() && (name.front() == ':' || name.front() == ' ')) name.remove_prefix(1);
      set.sections.push_back({std::string(strip(name)), {}});
    } else if (set.sections.empty()) {
      return make_error_at(ErrorKind::Format, path, lines.offset(),
                           fmt::format("line {}: a question before any ': section' header line", line_no));
    } else if (const auto f = split_whitespace(line); f.size() == 4) {
      set.sections.back().questions.push_back(
          {std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3]), line_no});
    } else {
      set.skipped_lines.push_back(line_no);
    }
  }
  return set;
}

Result<WordPairSet> parse_word_pair_set(std::string_view text, const std::string& path) {
  EMB_TRY(check_utf8(text, path));
  WordPairSet set;
  uint64_t line_no = 0;
  for (size_t pos = 0; pos < text.size();) {
    // Universal newlines, as Python's text mode: "\r\n", "\r" or "\n" ends a line.
    size_t nl = text.find_first_of("\r\n", pos);
    const size_t stop = nl == std::string_view::npos ? text.size() : nl;
    size_t next = stop;
    if (nl != std::string_view::npos) next = text.substr(nl, 2) == "\r\n" ? nl + 2 : nl + 1;
    const std::string_view line = text.substr(pos, stop - pos);
    pos = next;
    ++line_no;
    if (!line.empty() && line[0] == '#') continue;
    std::vector<std::string_view> f;
    for (size_t s = 0;;) {
      const size_t tab = line.find('\t', s);
      f.push_back(line.substr(s, tab == std::string_view::npos ? std::string_view::npos : tab - s));
      if (tab == std::string_view::npos) break;
      s = tab + 1;
    }
    const auto score = f.size() == 3 ? parse_number(f[2]) : std::nullopt;
    if (!score) {
      set.skipped_lines.push_back(line_no);
      continue;
    }
    set.pairs.push_back({std::string(f[0]), std::string(f[1]), *score, line_no});
  }
  return set;
}

Result<AnalogySet> read_analogy_set(const std::string& path) {
  EMB_TRY_ASSIGN(auto text, read_all(path));
  return parse_analogy_set(text, path);
}

Result<WordPairSet> read_word_pair_set(const std::string& path) {
  EMB_TRY_ASSIGN(auto text, read_all(path));
  return parse_word_pair_set(text, path);
}

}  // namespace embscope
