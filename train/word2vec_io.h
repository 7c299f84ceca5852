// Files of a word2vec run directory (Hugging Face layout, every file written atomically):
//   model.safetensors   "embed_tokens.weight" [V, D] (F32 or F16), "embscope.trained" U8 [V]
//                       (1 = trained), "embscope.counts" I64 [V] (corpus frequency)
//   config.json         model_type "embscope_word2vec", V, D, hyper-parameters, corpus
//   vocab.txt           word mode: one word a line, row order (most frequent first)
//   checkpoint.safetensors  syn0 / syn1neg / syn1 and the Word2VecState (resume)
//   snapshots/NNNN.safetensors  the table at moments of training (evolve)
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/error.h"
#include "train/corpus.h"
#include "train/word2vec.h"

namespace embscope {

struct RunDescription {
  std::string corpus;     // path or "<stdin>"
  std::string tokenizer;  // "" = whitespace words; else the -m model
  uint64_t raw_words = 0;
};

Status write_word2vec_model(const std::string& out_dir, const TrainVocab& vocab, const Word2VecTables& tables,
                            const Word2VecOptions& o, const Word2VecState& state, const RunDescription& run,
                            DType dtype);

// A fingerprint of what determines the training: options (except threads), vocabulary and
// corpus ids. A checkpoint only resumes a run with the same fingerprint.
std::string run_fingerprint(const TrainVocab& vocab, const TrainCorpus& corpus, const Word2VecOptions& o);

Status write_checkpoint(const std::string& path, const Word2VecTables& tables, const Word2VecState& state,
                        const std::string& fingerprint);
// Reads a checkpoint into `tables` (already shaped by init_word2vec_tables) and `state`.
// Errors: NotFound, Format (not a checkpoint / shapes differ), InvalidArgument (fingerprint).
Status read_checkpoint(const std::string& path, Word2VecTables& tables, Word2VecState& state,
                       const std::string& fingerprint);

struct SnapshotInfo {
  std::string path;
  double epoch = 0;        // epochs done (fractional)
  uint64_t words_done = 0;
  double loss = 0;         // mean loss per positive prediction so far (0 at the start)
};

// Writes out_dir/snapshots/NNNN.safetensors: the table (F16, [V, D]) and the progress.
Status write_snapshot(const std::string& out_dir, uint32_t index, const Word2VecTables& tables,
                      const SnapshotInfo& info);
// Lists a run's snapshots in order, with their progress. Errors: NotFound when there are none.
Result<std::vector<SnapshotInfo>> list_snapshots(const std::string& run_dir);

}  // namespace embscope
