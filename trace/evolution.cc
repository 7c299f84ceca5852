// Snapshots -> per-snapshot pair cosines and neighbour lists.
#include "trace/evolution.h"

#include <fmt/format.h>

#include "formats/safetensors.h"
#include "train/word2vec_io.h"

namespace embscope {

Result<Evolution> trace_evolution(const Model& model, const std::string& run_dir, const EvolutionRequest& r) {
  Evolution ev;
  for (const auto& [a, b] : r.pairs) {
    EMB_TRY_ASSIGN(auto ma, model.resolve_row(a));
    EMB_TRY_ASSIGN(auto mb, model.resolve_row(b));
    ev.pairs.emplace_back(std::move(ma), std::move(mb));
  }
  for (const auto& w : r.words) {
    EMB_TRY_ASSIGN(auto m, model.resolve_row(w));
    ev.words.push_back(std::move(m));
  }
  const EmbeddingTable& final_table = model.token_table();
  std::vector<uint8_t> allowed;
  if (final_table.has_trained_mask()) {
    allowed.resize(final_table.n_rows());
    for (size_t i = 0; i < allowed.size(); ++i) allowed[i] = final_table.trained(i).value_or(true);
    ev.trained_rows_only = true;
  }
  EMB_TRY_ASSIGN(auto snaps, list_snapshots(run_dir));
  std::vector<float> table;
  for (const auto& s : snaps) {
    TensorMap m;
    EMB_TRY(read_safetensors(s.path, m));
    const TensorRef* t = m.find("embed_tokens.weight");
    if (!t || t->shape.size() != 2 || t->shape[0] != final_table.n_rows() || t->shape[1] != final_table.n_dims() ||
        !dtype_info(t->dtype).readable_as_f32) {
      return make_error(ErrorKind::Format, s.path,
                        fmt::format("snapshot table is not [{}, {}] like the run's model", final_table.n_rows(),
                                    final_table.n_dims()));
    }
    table.resize(t->n_elements());
    convert_to_f32(t->dtype, t->bytes.data(), table.size(), table.data());
    const MatrixView view{table.data(), final_table.n_rows(), final_table.n_dims()};
    EvolutionPoint p;
    p.snapshot = s.path;
    p.epoch = s.epoch;
    p.words_done = s.words_done;
    p.loss = s.loss;
    for (const auto& [a, b] : ev.pairs) p.pair_cosine.push_back(cosine(view.row(a.id), view.row(b.id)));
    for (const auto& w : ev.words) {
      std::vector<uint8_t> mask = allowed.empty() ? std::vector<uint8_t>(view.n_rows, 1) : allowed;
      mask[w.id] = 0;  // the word itself
      p.neighbors.push_back(nearest_by_cosine(view, view.row(w.id), r.k, &mask));
    }
    ev.points.push_back(std::move(p));
  }
  return ev;
}

}  // namespace embscope
