// Term -> ids -> one vector.
#include "trace/terms.h"

#include <fmt/format.h>

namespace embscope {
namespace {

bool is_id(std::string_view s) {
  if (!s.empty() && s[0] == '#') s.remove_prefix(1);
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

TermVector single(const Model& model, std::string text, uint32_t id, std::string piece, std::string how) {
  TermVector t;
  t.text = std::move(text);
  t.ids = {id};
  t.pieces = {std::move(piece)};
  t.how = std::move(how);
  const auto& table = model.token_table();
  t.vector.resize(table.n_dims());
  table.row(id, t.vector);
  t.untrained = table.trained(id) == std::optional<bool>(false);
  return t;
}

}  // namespace

Result<TermVector> resolve_term(const Model& model, const Tokenizer* tokenizer, std::string_view term, Pool pool) {
  if (term.empty()) return make_error(ErrorKind::InvalidArgument, "term", "empty word");
  if (is_id(term)) {
    EMB_TRY_ASSIGN(auto m, model.resolve_row(term));
    return single(model, std::string(term), m.id, m.piece, "id");
  }
  const Vocabulary* vocab = model.vocabulary();
  if (vocab && term[0] != ' ') {
    if (auto m = vocab->find(" " + std::string(term)); m && m->how != "exact") {
      return single(model, std::string(term), m->id, m->piece, "word-initial piece");
    }
  }
  if (vocab)
    if (auto m = vocab->find(term)) return single(model, std::string(term), m->id, m->piece, "piece");
  if (!tokenizer) {
    EMB_TRY_ASSIGN(auto m, model.resolve_row(term, true));  // the NotFound error with suggestions
    return single(model, std::string(term), m.id, m.piece, "piece");
  }
  // Several tokens: those of " term" (the word as it appears after a space), pooled.
  const std::string text = term[0] == ' ' ? std::string(term) : " " + std::string(term);
  EMB_TRY_ASSIGN(auto enc, tokenizer->encode(text, EncodeOptions{false, SpecialTokens::Text}));
  std::vector<uint32_t> ids;
  for (const auto& t : enc) {
    const auto bytes = tokenizer->token_bytes(t.id);
    if (bytes && *bytes == " " && enc.size() > 1) continue;  // a lone space token before the word
    ids.push_back(t.id);
  }
  if (ids.empty()) return make_error(ErrorKind::InvalidArgument, std::string(term), "the word has no tokens");
  const auto& table = model.token_table();
  for (uint32_t id : ids) EMB_TRY(table.check_id(id));
  if (ids.size() == 1) {
    const std::string* p = tokenizer->id_to_token(ids[0]);
    return single(model, std::string(term), ids[0], p ? *p : "", "one token");
  }
  TermVector t;
  t.text = std::string(term);
  const size_t d = table.n_dims();
  t.vector.assign(d, 0.0f);
  std::vector<float> row(d);
  std::vector<uint32_t> used = pool == Pool::First ? std::vector<uint32_t>{ids.front()}
                               : pool == Pool::Last ? std::vector<uint32_t>{ids.back()}
                                                    : ids;
  for (uint32_t id : used) {
    table.row(id, row);
    for (size_t j = 0; j < d; ++j) t.vector[j] += row[j] / static_cast<float>(used.size());
    t.untrained = t.untrained || table.trained(id) == std::optional<bool>(false);
  }
  t.ids = ids;
  for (uint32_t id : ids) {
    const std::string* p = tokenizer->id_to_token(id);
    t.pieces.push_back(p ? *p : fmt::format("#{}", id));
  }
  t.how = fmt::format("{} of {} tokens", pool == Pool::Mean ? "mean" : pool == Pool::First ? "first" : "last", ids.size());
  return t;
}

std::vector<float> dense_table(const EmbeddingTable& table) {
  const size_t n = table.n_rows(), d = table.n_dims();
  std::vector<float> out(n * d);
  for (size_t r = 0; r < n; ++r) table.row(r, std::span(out.data() + r * d, d));
  return out;
}

RowTable scan_rows(const EmbeddingTable& table, std::vector<float>& storage) {
  const TensorRef& t = table.tensor();
  const size_t n = table.n_rows(), d = table.n_dims();
  const auto address = reinterpret_cast<uintptr_t>(t.bytes.data());
  if (table.scaling().factor == 1.0f) {
    if (t.dtype == DType::F32 && address % alignof(float) == 0) return {t.bytes.data(), scan::Elem::F32, n, d, d};
    if (t.dtype == DType::F16 && address % 2 == 0) return {t.bytes.data(), scan::Elem::F16, n, d, d};
    if (t.dtype == DType::BF16 && address % 2 == 0) return {t.bytes.data(), scan::Elem::BF16, n, d, d};
  }
  storage = dense_table(table);
  return RowTable::of({storage.data(), n, d});
}

std::vector<uint8_t> searchable_rows(const Model& model, bool include_untrained, size_t& left_out) {
  const EmbeddingTable& t = model.token_table();
  const Vocabulary* vocab = model.vocabulary();
  std::vector<uint8_t> allowed(t.n_rows(), 1);
  left_out = 0;
  for (size_t r = 0; r < allowed.size(); ++r) {
    const bool untrained = !include_untrained && t.trained(r) == std::optional<bool>(false);
    if (untrained || (vocab && vocab->is_special(r))) {
      allowed[r] = 0;
      ++left_out;
    }
  }
  return allowed;
}

}  // namespace embscope
