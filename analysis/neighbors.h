// Similarity between rows and exact nearest neighbours by cosine over a whole table.
// Sees only row-major float matrices (STYLE.md): x[i * D + j].
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/matrix_view.h"

namespace embscope {

// Cosine similarity in double; nullopt when either vector has zero norm (undefined).
std::optional<double> cosine(std::span<const float> a, std::span<const float> b);

struct Neighbor {
  uint32_t row = 0;
  double score = 0;
};

// The k rows of `table` (n_rows x D) most similar to `query` by cosine, best first; ties by
// lower row. Rows with zero norm, and rows r with allowed && !(*allowed)[r], are left out.
std::vector<Neighbor> nearest_by_cosine(MatrixView table, std::span<const float> query, size_t k,
                                        const std::vector<uint8_t>* allowed = nullptr);

}  // namespace embscope
