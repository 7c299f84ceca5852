// Words and rows -> projection points.
#include "trace/projection.h"

#include <fmt/format.h>

namespace embscope {

ProjectionPoints points_from_groups(const Model& model, const Tokenizer* tokenizer, const std::vector<WordGroup>& groups,
                                    Pool pool) {
  ProjectionPoints p;
  p.n_dims = model.token_table().n_dims();
  for (const auto& g : groups) {
    p.categories.push_back(g.name);
    for (const auto& w : g.words) {
      auto t = resolve_term(model, tokenizer, w, pool);
      if (!t) {
        p.unknown.push_back(g.name.empty() ? w : fmt::format("{}: {}", g.name, w));
        continue;
      }
      p.labels.push_back(w);
      p.category.push_back(p.categories.size() - 1);
      p.pooled.push_back(t->ids.size() > 1);
      p.untrained.push_back(t->untrained);
      p.vectors.insert(p.vectors.end(), t->vector.begin(), t->vector.end());
    }
  }
  return p;
}

ProjectionPoints points_from_rows(const Model& model, const std::vector<uint32_t>& rows,
                                  const std::vector<std::string>& labels) {
  ProjectionPoints p;
  const EmbeddingTable& t = model.token_table();
  p.n_dims = t.n_dims();
  p.categories.push_back("");
  std::vector<float> row(p.n_dims);
  for (size_t i = 0; i < rows.size(); ++i) {
    t.row(rows[i], row);
    p.labels.push_back(i < labels.size() ? labels[i] : fmt::format("#{}", rows[i]));
    p.category.push_back(0);
    p.pooled.push_back(0);
    p.untrained.push_back(t.trained(rows[i]) == std::optional<bool>(false));
    p.vectors.insert(p.vectors.end(), row.begin(), row.end());
  }
  return p;
}

}  // namespace embscope
