// Token display forms.
#include "trace/token_view.h"

#include <fmt/format.h>

#include <algorithm>

#include "core/utf8.h"
#include "trace/token_filters.h"

namespace embscope {

std::string visible(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == ' ') out += "\xE2\x90\xA3";
    else if (c == '\n') out += "\xE2\x86\xB5";
    else if (c == '\t') out += "\xE2\x87\xA5";
    else if (c == '\r') out += "\xE2\x90\x8D";
    else if (c < 0x20 || c == 0x7F) out += fmt::format("<0x{:02X}>", c);
    else out += static_cast<char>(c);
  }
  return out;
}

std::string hex_bytes(std::string_view bytes) {
  std::string out;
  for (unsigned char c : bytes) out += fmt::format("{}{:02X}", out.empty() ? "" : " ", c);
  return out;
}

std::vector<TokenView> view_tokens(const Tokenizer& t, std::string_view text, const std::vector<EncodedToken>& tokens) {
  std::vector<TokenView> out(tokens.size());
  for (size_t i = 0; i < tokens.size(); ++i) {
    TokenView& v = out[i];
    v.token = tokens[i];
    if (const std::string* p = t.id_to_token(tokens[i].id)) v.piece = *p;
    v.bytes = t.token_bytes(tokens[i].id).value_or("");
    if (tokens[i].special || tokens[i].added) {
      v.display = v.piece.empty() ? v.bytes : v.piece;
    } else if (!find_invalid_utf8(v.bytes) && !byte_fallback_piece(v.piece)) {
      v.display = visible(v.bytes);
    } else {
      v.partial = true;
      v.display = byte_fallback_piece(v.piece) ? v.piece : "";
    }
  }
  // A split character: the run of partial tokens whose bytes, joined, first end on a character
  // boundary. Its text (the union of the run's offsets: Hugging Face gives every token of the run
  // the character's span, SentencePiece gives it to the last one) is shown once, on the first.
  for (size_t i = 0; i < out.size();) {
    if (!out[i].partial) {
      ++i;
      continue;
    }
    std::string joined = out[i].bytes;
    size_t whole = 0;  // joined[0, whole) is whole characters, so each byte is checked once
    // Whether joined ends inside a character that more bytes could complete (an invalid byte
    // before its last 3 can never become valid: the run ends there).
    auto open_tail = [&] {
      const auto bad = find_invalid_utf8(std::string_view(joined).substr(whole));
      if (!bad) return false;
      whole += *bad;
      return joined.size() - whole < 4;
    };
    size_t begin = out[i].token.byte_begin, end = out[i].token.byte_end;
    size_t j = i + 1;
    for (; j < out.size() && out[j].partial && open_tail(); ++j) {
      joined += out[j].bytes;
      out[j].continues = true;
      begin = std::min<size_t>(begin, out[j].token.byte_begin);
      end = std::max<size_t>(end, out[j].token.byte_end);
    }
    if (begin < end && end <= text.size()) {
      out[i].span_text = visible(text.substr(begin, end - begin));
      if (out[i].display.empty()) out[i].display = out[i].span_text;
    }
    i = j;
  }
  return out;
}

}  // namespace embscope
