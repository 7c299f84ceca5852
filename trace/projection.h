// The points of a projection plot: words (grouped or not) or table rows -> one vector each,
// with a label, a category and a flag for words pooled from several tokens (as `similarity`
// pools them, trace/terms.h).
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "embed/model.h"
#include "formats/word_groups.h"
#include "tokenizer/tokenizer.h"
#include "trace/terms.h"

namespace embscope {

struct ProjectionPoints {
  std::vector<std::string> categories;  // group names ("" for ungrouped points)
  std::vector<std::string> labels;      // per point
  std::vector<size_t> category;         // per point, index into categories
  std::vector<uint8_t> pooled;          // per point: several tokens pooled
  std::vector<uint8_t> untrained;       // per point: a row flagged untrained
  std::vector<float> vectors;           // (n, D)
  size_t n_dims = 0;
  std::vector<std::string> unknown;     // words that could not be resolved ("group: word")
};

// Every word of every group; words no vocabulary entry or tokenizer can produce are listed in
// `unknown` and left out.
ProjectionPoints points_from_groups(const Model& model, const Tokenizer* tokenizer, const std::vector<WordGroup>& groups,
                                    Pool pool);
// Rows by id: the first `count` searchable rows (most frequent first when the file records
// frequencies, else by id), labelled by `label(row)`.
ProjectionPoints points_from_rows(const Model& model, const std::vector<uint32_t>& rows,
                                  const std::vector<std::string>& labels);

}  // namespace embscope
