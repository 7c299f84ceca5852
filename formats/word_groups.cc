// "Name: words" group files.
#include "formats/word_groups.h"

#include <fmt/format.h>

#include "core/lines.h"
#include "core/mapped_file.h"
#include "core/utf8.h"

namespace embscope {

Result<std::vector<WordGroup>> parse_word_groups(std::string_view text, const std::string& path) {
  if (auto bad = find_invalid_utf8(text)) return make_error_at(ErrorKind::InvalidUtf8, path, *bad, "invalid UTF-8 in the groups file");
  std::vector<WordGroup> groups;
  for (LineReader lines(text); lines.next();) {
    const std::string_view line = lines.line();
    const uint64_t at = lines.offset(), line_no = lines.number();
    const size_t first = line.find_first_not_of(" \t");
    if (first == std::string_view::npos || line[first] == '#') continue;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
      return make_error_at(ErrorKind::Format, path, at,
                           fmt::format("line {}: expected 'Name: word word ...' (no ':' found)", line_no));
    }
    WordGroup g;
    g.line = line_no;
    std::string_view name = line.substr(0, colon);
    while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
    if (name.empty()) return make_error_at(ErrorKind::Format, path, at, fmt::format("line {}: the group has no name", line_no));
    g.name = std::string(name);
    const std::string_view rest = line.substr(colon + 1);
    for (size_t i = 0; i < rest.size();) {
      while (i < rest.size() && (rest[i] == ' ' || rest[i] == '\t' || rest[i] == ',')) ++i;
      const size_t s = i;
      while (i < rest.size() && rest[i] != ' ' && rest[i] != '\t' && rest[i] != ',') ++i;
      if (i > s) g.words.emplace_back(rest.substr(s, i - s));
    }
    if (g.words.empty())
      return make_error_at(ErrorKind::Format, path, at, fmt::format("line {}: group '{}' has no words", line_no, g.name));
    groups.push_back(std::move(g));
  }
  if (groups.empty()) return make_error(ErrorKind::InvalidArgument, path, "no groups ('Name: word word ...' lines)");
  return groups;
}

Result<std::vector<WordGroup>> read_word_groups(const std::string& path) {
  EMB_TRY_ASSIGN(auto file, MappedFile::open(path));
  return parse_word_groups(std::string_view(reinterpret_cast<const char*>(file.bytes().data()), file.bytes().size()), path);
}

}  // namespace embscope
