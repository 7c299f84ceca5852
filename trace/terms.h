// Words, pieces and ids as vectors, for the relation commands (similarity, analogy):
// "#1234" -> row 1234; a word -> its word-initial piece when the vocabulary has one (GPT-2
// "Ġking", SentencePiece "▁king"), else the piece itself ("king" in a word2vec vocabulary);
// a word that is no single piece -> the tokens of " word" pooled by an explicit rule.
#pragma once

#include <string>
#include <vector>

#include "analysis/neighbor_index.h"
#include "core/error.h"
#include "embed/model.h"
#include "tokenizer/tokenizer.h"

namespace embscope {

enum class Pool { Mean, First, Last };

struct TermVector {
  std::string text;                 // as given
  std::vector<uint32_t> ids;        // one row, or the pooled tokens' rows
  std::vector<std::string> pieces;  // their vocabulary pieces
  std::string how;                  // "id", "piece", "word-initial piece", "mean of 3 tokens", ...
  std::vector<float> vector;        // D values (the table's scaling applied)
  bool untrained = false;           // some row is flagged untrained
};

// Errors: NotFound (no such piece and no tokenizer to split it, with close spellings),
// OutOfRange (an id past the table).
Result<TermVector> resolve_term(const Model& model, const Tokenizer* tokenizer, std::string_view term, Pool pool);

// The whole token table as f32 (scaling applied), for searches over every row: (V, D) row-major.
std::vector<float> dense_table(const EmbeddingTable& table);

// The token table as a neighbour scan reads it: the stored rows in place when they are f32,
// f16 or bf16 (aligned) and the model applies no input scaling -- no copy of the table --
// else a dense f32 copy with the scaling applied, kept in `storage`.
RowTable scan_rows(const EmbeddingTable& table, std::vector<float>& storage);

// Rows a search may answer with: not special tokens, and not flagged untrained unless
// include_untrained. `left_out` counts the others.
std::vector<uint8_t> searchable_rows(const Model& model, bool include_untrained, size_t& left_out);

}  // namespace embscope
