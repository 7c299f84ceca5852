// Training seen through its snapshots: the cosine of chosen word pairs and the nearest
// neighbours of chosen words at every snapshot of a word2vec run, from the random start to the
// end (`embscope evolve`). Composes train/ (snapshot files), embed/ (vocabulary), analysis/.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "analysis/neighbors.h"
#include "core/error.h"
#include "embed/model.h"

namespace embscope {

struct EvolutionRequest {
  std::vector<std::pair<std::string, std::string>> pairs;  // words, pieces or #ids
  std::vector<std::string> words;                          // whose neighbours to follow
  size_t k = 5;
};

struct EvolutionPoint {
  std::string snapshot;
  double epoch = 0;
  uint64_t words_done = 0;
  double loss = 0;
  std::vector<std::optional<double>> pair_cosine;  // per pair; nullopt = a zero vector
  std::vector<std::vector<Neighbor>> neighbors;    // per word
};

struct Evolution {
  std::vector<std::pair<PieceMatch, PieceMatch>> pairs;
  std::vector<PieceMatch> words;
  std::vector<EvolutionPoint> points;
  bool trained_rows_only = false;  // neighbours restricted to rows the run trained
};

// `model` is the run directory opened as a model (vocabulary and trained mask). Errors:
// NotFound (no snapshots, unknown word with suggestions), Format (a snapshot's shape differs).
Result<Evolution> trace_evolution(const Model& model, const std::string& run_dir, const EvolutionRequest& r);

}  // namespace embscope
