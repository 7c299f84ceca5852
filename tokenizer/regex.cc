// PCRE2 wrapper: compile with UTF | UCP, JIT when available, per-call match data.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/regex.h"

#include <fmt/format.h>
#include <pcre2.h>

#include "core/utf8.h"
#include "tokenizer/known_patterns.h"

namespace embscope {

struct Regex::Impl {
  pcre2_code* code = nullptr;
  bool jit = false;
  KnownPattern known = KnownPattern::None;
  ~Impl() {
    if (code) pcre2_code_free(code);
  }
};

Regex::Regex(Regex&&) noexcept = default;
Regex& Regex::operator=(Regex&&) noexcept = default;
Regex::~Regex() = default;

Result<Regex> Regex::compile(std::string_view pattern, std::string_view what, bool hand_written) {
  int err = 0;
  PCRE2_SIZE at = 0;
  pcre2_code* code = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP | PCRE2_NO_UTF_CHECK, &err, &at, nullptr);
  if (!code) {
    PCRE2_UCHAR msg[256];
    pcre2_get_error_message(err, msg, sizeof msg);
    return make_error_at(ErrorKind::Format, std::string(what), at,
                         fmt::format("cannot compile regex '{}': {}", escape_for_message(pattern, 200),
                                     reinterpret_cast<const char*>(msg)));
  }
  Regex r;
  r.impl_ = std::make_unique<Impl>();
  r.impl_->code = code;
  r.impl_->jit = pcre2_jit_compile(code, PCRE2_JIT_COMPLETE) == 0;
  if (hand_written) r.impl_->known = recognize_pattern(pattern);
  r.pattern_ = std::string(pattern);
  return r;
}

Result<Regex> Regex::literal(std::string_view literal) {
  std::string quoted;
  for (char c : literal) {
    if (std::string_view("\\^$.|?*+()[]{}").find(c) != std::string_view::npos) quoted += '\\';
    quoted += c;
  }
  return compile(quoted, "literal pattern");
}

bool Regex::hand_written() const { return impl_->known != KnownPattern::None; }

void Regex::find_all(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
  if (impl_->known != KnownPattern::None) return split_known(impl_->known, text, out);
  out.clear();
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
  const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
  size_t start = 0;
  size_t last_end = SIZE_MAX;
  while (start <= text.size()) {
    uint32_t options = PCRE2_NO_UTF_CHECK;
    if (last_end == start) options |= PCRE2_NOTEMPTY_ATSTART;  // no empty match right after a match
    const int rc = impl_->jit ? pcre2_jit_match(impl_->code, subject, text.size(), start, options, md, nullptr)
                              : pcre2_match(impl_->code, subject, text.size(), start, options, md, nullptr);
    if (rc < 0) break;  // PCRE2_ERROR_NOMATCH (or a resource limit: no further matches)
    const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
    const size_t b = ov[0], e = ov[1];
    out.emplace_back(b, e);
    last_end = e;
    if (e == b) {
      // Step over one character after an empty match.
      if (e >= text.size()) break;
      size_t next = e + 1;
      while (next < text.size() && (static_cast<uint8_t>(text[next]) & 0xC0) == 0x80) ++next;
      start = next;
    } else {
      start = e;
    }
  }
  pcre2_match_data_free(md);
}

bool Regex::search(std::string_view text) const {
  pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->code, nullptr);
  const int rc = pcre2_match(impl_->code, reinterpret_cast<PCRE2_SPTR>(text.data()), text.size(), 0,
                             PCRE2_NO_UTF_CHECK, md, nullptr);
  pcre2_match_data_free(md);
  return rc >= 0;
}

}  // namespace embscope
