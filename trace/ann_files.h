// An approximate neighbour index on disk: hnswlib's file (analysis/ann_index.h) plus a JSON
// sidecar `<index>.json` recording what it was built from (metric, table shape, M,
// ef_construction), the recall measured at build time, and the index file's size and CRC-32.
// Loading checks all of it before hnswlib reads a byte, so a truncated, corrupted or foreign
// index is a clear error, never a crash inside the library.
// Default place: `<model dir>/embscope.hnsw`, or `<model file>.hnsw` for a one-file model.
#pragma once

#include <cstdint>
#include <string>
#include <utility>

#include "analysis/ann_index.h"
#include "core/error.h"

namespace embscope {

struct AnnInfo {
  std::string metric;  // cosine | dot | euclidean
  uint64_t n_rows = 0, n_dims = 0, m = 0, ef_construction = 0;
  double recall = 0;  // measured at build time
  uint64_t recall_k = 0, recall_queries = 0, ef_search = 0;
  double build_seconds = 0;
  uint64_t bytes = 0;  // of the index file
  uint32_t crc32 = 0;  // of the index file
};

std::string default_ann_path(const std::string& model_path);

// Writes the index (temporary file, then renamed) and its sidecar; fills bytes and crc32.
Result<AnnInfo> save_ann(const AnnIndex& index, const std::string& path, AnnInfo info);

// Errors: NotFound (no index or sidecar), Format (sidecar fields, size or CRC mismatch, a
// different metric or table shape than asked, hnswlib's own check).
Result<std::pair<AnnIndex, AnnInfo>> load_ann(const std::string& path, RowTable table, Metric metric);

const char* metric_name(Metric m);

}  // namespace embscope
