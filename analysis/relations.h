// Relations between vectors: similarity measures, the dimensions behind a cosine, and
// analogies by 3CosAdd (Mikolov et al. 2013) and 3CosMul (Levy & Goldberg 2014) over a whole
// table, with gensim's conventions (KeyedVectors.most_similar / most_similar_cosmul).
// Sees only row-major float matrices: table[i * D + j].
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "analysis/neighbors.h"
#include "core/matrix_view.h"

namespace embscope {

struct PairSimilarity {
  std::optional<double> cosine;  // nullopt when a vector is zero (undefined)
  double dot = 0;
  double euclidean = 0;
};
PairSimilarity pair_similarity(std::span<const float> a, std::span<const float> b);

// cos(a, b) = sum_j a_j b_j / (|a| |b|); the n dimensions with the largest |term|, largest
// first. Empty when a vector is zero.
struct DimensionShare {
  uint32_t dim = 0;
  double term = 0;  // a_j b_j / (|a| |b|): the terms sum to the cosine
};
std::vector<DimensionShare> explain_cosine(std::span<const float> a, std::span<const float> b, size_t n);

enum class AnalogyMethod { CosAdd, CosMul };

// The 3CosAdd query: unit(sum unit(p) - sum unit(n)) in double (gensim's most_similar, whose
// mean has the same direction); empty when the terms cancel to zero.
std::vector<double> cosadd_direction(const std::vector<std::span<const float>>& positive,
                                     const std::vector<std::span<const float>>& negative);

// positive / negative: query vectors (e.g. king, woman / man). The k rows that best answer,
// best first, rows r with !allowed[r] left out (the inputs, by the caller):
// CosAdd: cosine of each row with unit(mean(unit(p)..., -unit(n)...)) (gensim most_similar);
// CosMul: prod_p (1 + cos(r, p)) / 2 / (prod_n (1 + cos(r, n)) / 2 + 1e-6) (gensim
// most_similar_cosmul). Zero rows are skipped; an all-zero query gives an empty answer.
std::vector<Neighbor> analogy(MatrixView table, const std::vector<std::span<const float>>& positive,
                              const std::vector<std::span<const float>>& negative, AnalogyMethod method, size_t k,
                              const std::vector<uint8_t>* allowed);

// The odd one out (gensim KeyedVectors.doesnt_match): each vector's cosine with the mean of the
// unit vectors; the lowest is the odd one. Zero vectors score 0. Empty input gives empty output.
struct OddOneOut {
  std::vector<double> scores;  // per input, cosine with the unit mean
  size_t odd = 0;              // index of the lowest score (first on ties)
};
OddOneOut odd_one_out(const std::vector<std::span<const float>>& vectors);

}  // namespace embscope
