// Vocabulary filters for neighbour searches.
#include "trace/token_filters.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <numeric>

#include "core/utf8.h"
#include "text/byte_level.h"
#include "text/unicode_words.h"
#include "tokenizer/regex.h"

namespace embscope {
namespace {

constexpr std::string_view kGpt2Space = "\xc4\xa0";               // U+0120 'Ġ'
constexpr std::string_view kSentencePieceSpace = "\xe2\x96\x81";  // U+2581 '▁'

// Scripts tried, in order, to name the script of a query's first letter ("auto").
constexpr const char* kScripts[] = {"Latin",   "Cyrillic", "Greek",    "Arabic",  "Hebrew",  "Han",
                                    "Hiragana", "Katakana", "Hangul",   "Devanagari", "Bengali", "Tamil",
                                    "Telugu",  "Thai",     "Georgian", "Armenian", "Ethiopic", "Gujarati",
                                    "Gurmukhi", "Kannada", "Malayalam", "Sinhala", "Khmer",   "Lao",
                                    "Myanmar", "Tibetan"};

Result<Regex> script_regex(const std::string& script) {
  if (script.empty() || script.size() > 40 ||
      !std::all_of(script.begin(), script.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }))
    return make_error(ErrorKind::InvalidArgument, "--script", fmt::format("'{}' is not a Unicode script name", script));
  // Letters of the script, with common characters (digits, punctuation) and combining marks
  // around them, and at least one character of the script itself.
  const std::string any = fmt::format("[\\p{{{}}}\\p{{Common}}\\p{{Inherited}}]*", script);
  auto re = Regex::compile(fmt::format("^{}\\p{{{}}}{}$", any, script, any), "--script");
  if (!re) {
    return make_error(ErrorKind::InvalidArgument, "--script",
                      fmt::format("'{}' is not a Unicode script name PCRE2 knows (e.g. Latin, Cyrillic, Greek, Arabic, "
                                  "Han, Devanagari)",
                                  script));
  }
  return re;
}

}  // namespace

bool byte_fallback_piece(const std::string& p) {
  return p.size() == 6 && p.starts_with("<0x") && p.back() == '>' && std::isxdigit(static_cast<unsigned char>(p[3])) &&
         std::isxdigit(static_cast<unsigned char>(p[4]));
}

bool is_subword_vocabulary(const Vocabulary& v) { return v.is_subword(); }

std::optional<std::string> whole_word_of_piece(const Vocabulary& v, const std::string& piece) {
  std::string word;
  if (piece.starts_with(kGpt2Space)) {
    auto raw = byte_level_to_bytes(piece);
    if (!raw || raw->empty() || (*raw)[0] != ' ') return std::nullopt;
    word = raw->substr(1);
  } else if (piece.starts_with(kSentencePieceSpace)) {
    word = piece.substr(kSentencePieceSpace.size());
  } else if (v.model_type() == "WordPiece" && !piece.starts_with("##")) {  // BERT's vocab.txt is "lines"
    word = piece;
  } else {
    return std::nullopt;
  }
  if (!is_letters(word)) return std::nullopt;
  return word;
}

std::optional<RowText> row_text(const Model& model, const Tokenizer* tokenizer, uint32_t row) {
  const Vocabulary* vocab = model.vocabulary();
  const std::string* piece = vocab ? vocab->piece(row) : nullptr;
  RowText t;
  t.byte_piece = piece && byte_fallback_piece(*piece);
  std::optional<std::string> bytes;
  if (tokenizer) bytes = tokenizer->token_bytes(row);
  if (!bytes && piece) {
    bytes = *piece;
    if (bytes->starts_with(kSentencePieceSpace)) bytes = " " + bytes->substr(kSentencePieceSpace.size());
  }
  if (!bytes || find_invalid_utf8(*bytes)) return std::nullopt;
  t.text = std::move(*bytes);
  const bool subword = vocab && is_subword_vocabulary(*vocab);
  if (!t.text.empty() && t.text[0] == ' ') {
    t.text.erase(0, 1);
    t.starts_word = true;
  } else if (vocab && (vocab->model_type() == "WordPiece" || (piece && piece->starts_with("##")))) {
    t.starts_word = !(piece && piece->starts_with("##"));
    if (!t.starts_word && t.text.starts_with("##")) t.text.erase(0, 2);
  } else {
    t.starts_word = !subword;  // a word-level vocabulary: every entry is a word
  }
  return t;
}

std::vector<int64_t> corpus_counts(const Model& model) {
  const size_t n = model.token_table().n_rows();
  const TensorRef* t = model.tensors().find("embscope.counts");
  if (!t || t->dtype != DType::I64 || t->shape.size() != 1 || t->shape[0] != n) return {};
  std::vector<int64_t> counts(n);
  std::memcpy(counts.data(), t->bytes.data(), n * sizeof(int64_t));
  return counts;
}

Result<TokenFilter> TokenFilter::create(const Model& model, const Tokenizer* tokenizer, const TokenFilterOptions& o) {
  TokenFilter f;
  f.options_ = o;
  const size_t n = model.token_table().n_rows();
  f.static_mask_.assign(n, 1);
  // The rows' texts (a tokenizer call and an upper-casing per row) only when a filter reads them.
  const bool needs_text = o.complete_only || o.words_only || o.min_length || !o.script.empty() || o.skip_forms;
  f.texts_.resize(needs_text ? n : 0);
  f.folded_.resize(needs_text ? n : 0);
  for (size_t r = 0; r < f.texts_.size(); ++r) {
    f.texts_[r] = row_text(model, tokenizer, static_cast<uint32_t>(r));
    if (f.texts_[r]) f.folded_[r] = to_upper(f.texts_[r]->text);
    const auto& t = f.texts_[r];
    bool keep = true;
    if (o.complete_only && (!t || t->byte_piece)) keep = false;
    if (o.words_only && (!t || !t->starts_word || !is_letters(t->text))) keep = false;
    if (o.min_length && (!t || count_code_points(t->text) < o.min_length)) keep = false;
    f.static_mask_[r] = keep;
  }
  if (!o.script.empty() && o.script != "auto") {
    EMB_TRY_ASSIGN(auto in_script, f.rows_in_script(o.script));
    for (size_t r = 0; r < n; ++r) f.static_mask_[r] &= in_script[r];
  }
  if (o.restrict && o.restrict < n) {
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    if (const auto c = corpus_counts(model); !c.empty()) {
      std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return c[a] > c[b]; });
    } else if (model.vocabulary() && is_subword_vocabulary(*model.vocabulary())) {
      return make_error(ErrorKind::InvalidArgument, "--restrict",
                        "this model records no token frequencies (embscope.counts, written by `embscope train`), and "
                        "the ids of a subword vocabulary are not in frequency order");
    }
    for (size_t i = o.restrict; i < n; ++i) f.static_mask_[order[i]] = 0;
  }
  return f;
}

size_t TokenFilter::apply(std::vector<uint8_t>& allowed) const {
  size_t removed = 0;
  for (size_t r = 0; r < allowed.size() && r < static_mask_.size(); ++r) {
    if (allowed[r] && !static_mask_[r]) {
      allowed[r] = 0;
      ++removed;
    }
  }
  return removed;
}

std::vector<uint32_t> TokenFilter::excluded_for(const std::string& query_text) const {
  std::vector<uint32_t> out;
  if (!options_.skip_forms) return out;
  std::string q = query_text;
  while (!q.empty() && q.front() == ' ') q.erase(0, 1);
  const std::string folded = to_upper(q);
  for (size_t r = 0; r < folded_.size(); ++r)
    if (texts_[r] && folded_[r] == folded) out.push_back(static_cast<uint32_t>(r));
  return out;
}

std::string TokenFilter::script_of(const std::string& text) const {
  auto letter = Regex::compile("\\p{L}");
  if (!letter) return "";
  std::vector<std::pair<size_t, size_t>> m;
  letter->find_all(text, m);
  if (m.empty()) return "";
  const std::string first = text.substr(m[0].first, m[0].second - m[0].first);
  for (const char* s : kScripts) {
    auto re = script_regex(s);
    if (re && re->search(first)) return s;
  }
  return "";
}

Result<std::vector<uint8_t>> TokenFilter::rows_in_script(const std::string& script) const {
  EMB_TRY_ASSIGN(auto re, script_regex(script));
  std::vector<uint8_t> out(texts_.size(), 0);
  for (size_t r = 0; r < texts_.size(); ++r) out[r] = texts_[r] && !texts_[r]->text.empty() && re.search(texts_[r]->text);
  return out;
}

}  // namespace embscope
