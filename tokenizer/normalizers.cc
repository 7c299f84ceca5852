// Normalizer implementations.
#include "tokenizer/normalizers.h"

#include <fmt/format.h>

#include "core/utf8.h"
#include "text/byte_level.h"
#include "tokenizer/precompiled.h"
#include "tokenizer/unicode.h"

namespace embscope {

std::vector<uint32_t> code_points(std::string_view s) {
  std::vector<uint32_t> out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) out.push_back(next_code_point(s, i));
  return out;
}

void apply_unicode_form(NormalizedString& s, int form) {
  const std::string& text = s.get();
  bool ascii = true;
  for (char c : text) ascii = ascii && static_cast<uint8_t>(c) < 0x80;
  if (ascii) return;  // ASCII is invariant under every normalization form
  const auto in = code_points(text);
  std::vector<uint32_t> out;
  std::vector<int> change;
  unicode::normalize(in, static_cast<unicode::Form>(form), out, change);
  if (out == in) return;
  std::vector<CharChange> dest;
  dest.reserve(out.size());
  for (size_t k = 0; k < out.size(); ++k) dest.push_back({out[k], change[k]});
  s.transform(dest, 0);
}

void filter_chars(NormalizedString& s, bool (*keep)(uint32_t)) {
  // tokenizers' NormalizedString::filter: each kept char removes the dropped chars that
  // follow it; dropped chars before the first kept one are the initial offset.
  std::vector<CharChange> dest;
  int removed = 0;
  size_t removed_start = 0;
  std::optional<uint32_t> last;
  const std::string& t = s.get();
  for (size_t i = 0; i < t.size();) {
    const uint32_t c = next_code_point(t, i);
    if (keep(c)) {
      if (last) dest.push_back({*last, -removed});
      else removed_start = static_cast<size_t>(removed);
      last = c;
      removed = 0;
    } else {
      ++removed;
    }
  }
  if (last) dest.push_back({*last, -removed});
  s.transform(dest, removed_start);
}

void map_chars(NormalizedString& s, uint32_t (*f)(uint32_t)) {
  std::vector<CharChange> dest;
  const std::string& t = s.get();
  for (size_t i = 0; i < t.size();) dest.push_back({f(next_code_point(t, i)), 0});
  s.transform(dest, 0);
}

void lowercase(NormalizedString& s) {
  std::vector<CharChange> dest;
  std::vector<uint32_t> lower;
  const std::string& t = s.get();
  bool ascii_lower = true;
  for (char c : t) ascii_lower = ascii_lower && !(c >= 'A' && c <= 'Z') && static_cast<uint8_t>(c) < 0x80;
  if (ascii_lower) return;
  for (size_t i = 0; i < t.size();) {
    lower.clear();
    unicode::to_lowercase(next_code_point(t, i), lower);
    for (size_t k = 0; k < lower.size(); ++k) dest.push_back({lower[k], k > 0 ? 1 : 0});
  }
  s.transform(dest, 0);
}

void byte_level_transform(NormalizedString& s) {
  std::vector<CharChange> dest;
  const std::string& t = s.get();
  dest.reserve(t.size());
  for (size_t i = 0; i < t.size();) {
    const size_t start = i;
    next_code_point(t, i);
    for (size_t k = start; k < i; ++k) {
      dest.push_back({byte_to_code_point(static_cast<uint8_t>(t[k])), k > start ? 1 : 0});
    }
  }
  s.transform(dest, 0);
}

Result<Pattern> Pattern::create(const PatternSpec& spec) {
  Pattern p;
  if (!spec.is_regex && spec.text.empty()) {
    p.empty_literal_ = true;
    return p;
  }
  EMB_TRY_ASSIGN(Regex r, spec.is_regex ? Regex::compile(spec.text) : Regex::literal(spec.text));
  p.regex_ = std::make_shared<const Regex>(std::move(r));
  return p;
}

void Pattern::find_ranges(std::string_view text, std::vector<std::pair<size_t, size_t>>& out) const {
  out.clear();
  if (empty_literal_ || text.empty()) return;
  regex_->find_all(text, out);
}

std::vector<std::pair<ByteRange, bool>> Pattern::find_matches(std::string_view text) const {
  if (empty_literal_) {
    // The reference returns the *character count* as the end here (a quirk kept as is).
    return {{{0, static_cast<uint32_t>(count_code_points(text))}, false}};
  }
  std::vector<std::pair<size_t, size_t>> m;
  find_ranges(text, m);
  return cover_with_matches(text, m);
}

namespace {

using NT = NormalizerSpec::Type;

class UnicodeForm final : public Normalizer {
 public:
  explicit UnicodeForm(unicode::Form f) : form_(f) {}
  void normalize(NormalizedString& s) const override { apply_unicode_form(s, static_cast<int>(form_)); }

 private:
  unicode::Form form_;
};

class Lowercase final : public Normalizer {
 public:
  void normalize(NormalizedString& s) const override { lowercase(s); }
};

class Strip final : public Normalizer {
 public:
  Strip(bool l, bool r) : left_(l), right_(r) {}
  void normalize(NormalizedString& s) const override {
    if (left_ && right_) {
      s.lstrip_rstrip(true, true);
    } else {
      if (left_) s.lstrip_rstrip(true, false);
      if (right_) s.lstrip_rstrip(false, true);
    }
  }

 private:
  bool left_, right_;
};

class StripAccents final : public Normalizer {
 public:
  void normalize(NormalizedString& s) const override {
    filter_chars(s, [](uint32_t c) { return !unicode::is_mark(c); });
  }
};

class Replace final : public Normalizer {
 public:
  Replace(Pattern p, std::string content) : pattern_(std::move(p)), content_(std::move(content)) {}
  void normalize(NormalizedString& s) const override {
    std::vector<std::pair<size_t, size_t>> m;
    pattern_.find_ranges(s.get(), m);
    if (!m.empty()) s.replace_ranges(m, content_);
  }

 private:
  Pattern pattern_;
  std::string content_;
};

class Prepend final : public Normalizer {
 public:
  explicit Prepend(std::string p) : prepend_(std::move(p)) {}
  void normalize(NormalizedString& s) const override {
    if (!s.empty()) s.prepend(prepend_);
  }

 private:
  std::string prepend_;
};

class ByteLevelNormalizer final : public Normalizer {
 public:
  void normalize(NormalizedString& s) const override { byte_level_transform(s); }
};

bool is_chinese_char(uint32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x2A6DF) ||
         (c >= 0x2A700 && c <= 0x2B73F) || (c >= 0x2B740 && c <= 0x2B81F) || (c >= 0x2B920 && c <= 0x2CEAF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x2F800 && c <= 0x2FA1F);
}

class BertNormalizer final : public Normalizer {
 public:
  explicit BertNormalizer(const NormalizerSpec& s)
      : clean_(s.clean_text), chinese_(s.handle_chinese_chars), strip_(s.strip_accents.value_or(s.lowercase)),
        lower_(s.lowercase) {}
  void normalize(NormalizedString& s) const override {
    if (clean_) {
      filter_chars(s, [](uint32_t c) {
        const bool control = c != '\t' && c != '\n' && c != '\r' && unicode::is_other(c);
        return !(c == 0 || c == 0xFFFD || control);
      });
      map_chars(s, [](uint32_t c) -> uint32_t {
        return (c == '\t' || c == '\n' || c == '\r' || unicode::is_whitespace(c)) ? ' ' : c;
      });
    }
    if (chinese_) {
      std::vector<CharChange> dest;
      const std::string& t = s.get();
      bool any = false;
      for (size_t i = 0; i < t.size();) {
        const uint32_t c = next_code_point(t, i);
        if (is_chinese_char(c)) {
          dest.push_back({' ', 0});
          dest.push_back({c, 1});
          dest.push_back({' ', 1});
          any = true;
        } else {
          dest.push_back({c, 0});
        }
      }
      if (any) s.transform(dest, 0);
    }
    if (strip_) {
      apply_unicode_form(s, static_cast<int>(unicode::Form::NFD));
      filter_chars(s, [](uint32_t c) { return !unicode::is_mark_nonspacing(c); });
    }
    if (lower_) lowercase(s);
  }

 private:
  bool clean_, chinese_, strip_, lower_;
};

class Precompiled final : public Normalizer {
 public:
  explicit Precompiled(PrecompiledCharsmap map) : map_(std::move(map)) {}
  void normalize(NormalizedString& s) const override { map_.normalize(s); }

 private:
  PrecompiledCharsmap map_;
};

class SequenceNormalizer final : public Normalizer {
 public:
  explicit SequenceNormalizer(std::vector<std::unique_ptr<Normalizer>> c) : children_(std::move(c)) {}
  void normalize(NormalizedString& s) const override {
    for (const auto& c : children_) c->normalize(s);
  }

 private:
  std::vector<std::unique_ptr<Normalizer>> children_;
};

}  // namespace

Result<std::unique_ptr<Normalizer>> make_normalizer(const NormalizerSpec& spec) {
  switch (spec.type) {
    case NT::NFC: return std::unique_ptr<Normalizer>(new UnicodeForm(unicode::Form::NFC));
    case NT::NFD: return std::unique_ptr<Normalizer>(new UnicodeForm(unicode::Form::NFD));
    case NT::NFKC: return std::unique_ptr<Normalizer>(new UnicodeForm(unicode::Form::NFKC));
    case NT::NFKD: return std::unique_ptr<Normalizer>(new UnicodeForm(unicode::Form::NFKD));
    case NT::Lowercase: return std::unique_ptr<Normalizer>(new Lowercase());
    case NT::Strip: return std::unique_ptr<Normalizer>(new Strip(spec.left, spec.right));
    case NT::StripAccents: return std::unique_ptr<Normalizer>(new StripAccents());
    case NT::Replace: {
      EMB_TRY_ASSIGN(Pattern p, Pattern::create(spec.pattern));
      return std::unique_ptr<Normalizer>(new Replace(std::move(p), spec.content));
    }
    case NT::Prepend: return std::unique_ptr<Normalizer>(new Prepend(spec.prepend));
    case NT::Bert: return std::unique_ptr<Normalizer>(new BertNormalizer(spec));
    case NT::ByteLevel: return std::unique_ptr<Normalizer>(new ByteLevelNormalizer());
    case NT::Precompiled: {
      EMB_TRY_ASSIGN(auto map, PrecompiledCharsmap::parse(spec.charsmap, "normalizer.precompiled_charsmap"));
      return std::unique_ptr<Normalizer>(new Precompiled(std::move(map)));
    }
    case NT::Sequence: {
      std::vector<std::unique_ptr<Normalizer>> children;
      for (const auto& c : spec.children) {
        EMB_TRY_ASSIGN(auto n, make_normalizer(c));
        children.push_back(std::move(n));
      }
      return std::unique_ptr<Normalizer>(new SequenceNormalizer(std::move(children)));
    }
  }
  return make_error(ErrorKind::Unsupported, "normalizer", "unknown normalizer");
}

}  // namespace embscope
