// Lines of a text file for the line-oriented parsers (merges.txt, tiktoken ranks, evaluation
// sets, group files, corpora, query lists): split at '\n', a '\r' before it dropped (CRLF
// files), a last line without '\n' included, each with its byte offset and 1-based number for
// error messages. "a\r\nb" -> "a" (offset 0, line 1), "b" (offset 3, line 2).
#pragma once

#include <cstdint>
#include <string_view>

namespace embscope {

class LineReader {
 public:
  explicit LineReader(std::string_view text) : text_(text) {}

  // Moves to the next line; false when the text is exhausted.
  bool next() {
    if (pos_ >= text_.size()) return false;
    size_t end = text_.find('\n', pos_);
    if (end == std::string_view::npos) end = text_.size();
    line_ = text_.substr(pos_, end - pos_);
    if (!line_.empty() && line_.back() == '\r') line_.remove_suffix(1);
    offset_ = pos_;
    pos_ = end + 1;
    ++number_;
    return true;
  }
  std::string_view line() const { return line_; }
  uint64_t offset() const { return offset_; }  // of the line's first byte
  uint64_t number() const { return number_; }  // 1-based

 private:
  std::string_view text_, line_;
  size_t pos_ = 0;
  uint64_t offset_ = 0, number_ = 0;
};

}  // namespace embscope
