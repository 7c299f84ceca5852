// Times embscope's exact neighbour search (analysis/neighbor_index.h) on one table, single
// thread: single queries (median) and one batch, beside the table's memory-read bound
// measured in the same process. Driven by bench/neighbors_bench.py, which runs the peers
// (PyTorch, numpy, FAISS) on the same file and prints the side-by-side table.
//
// Usage: neighbors_bench TABLE.safetensors TENSOR [--single N] [--batch B] [--k K] [--in-memory]
// Output (stdout): one JSON object; queries are rows (i * 7919) % V, each excluding itself.
#include <fmt/format.h>

#include <sys/mman.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <vector>

#include "analysis/neighbor_index.h"
#include "analysis/screen_kernel.h"
#include "core/dtype.h"
#include "formats/safetensors.h"

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// Single-thread read bandwidth over `bytes` (best of 3 passes), bytes / second.
double read_bandwidth(const std::byte* data, size_t bytes) {
  double best = 1e30;
  uint64_t sink = 0;
  for (int rep = 0; rep < 3; ++rep) {
    const auto t = Clock::now();
    uint64_t acc[8] = {};
    const size_t n = bytes / 64;
    for (size_t i = 0; i < n; ++i) {
      uint64_t v[8];
      std::memcpy(v, data + i * 64, 64);
      for (int j = 0; j < 8; ++j) acc[j] ^= v[j];
    }
    for (uint64_t a : acc) sink ^= a;
    best = std::min(best, seconds_since(t));
  }
  if (sink == 42) std::fprintf(stderr, " ");  // keeps the loop
  return static_cast<double>(bytes) / best;
}

std::vector<float> query_rows(const embscope::RowTable& t, const std::vector<uint32_t>& ids) {
  std::vector<float> q(ids.size() * t.n_cols);
  for (size_t i = 0; i < ids.size(); ++i)
    for (size_t j = 0; j < t.n_cols; ++j) q[i * t.n_cols + j] = static_cast<float>(t.at(ids[i], j));
  return q;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace embscope;
  if (argc < 3) {
    std::fprintf(stderr, "usage: neighbors_bench TABLE.safetensors TENSOR [--single N] [--batch B] [--k K]\n");
    return 2;
  }
  size_t n_single = 20, n_batch = 1000, k = 10;
  bool in_memory = false;
  for (int i = 3; i < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--in-memory") {
      in_memory = true;
      --i;
      continue;
    }
    if (i + 1 >= argc) break;
    const size_t v = std::stoul(argv[i + 1]);
    if (flag == "--single") n_single = v;
    else if (flag == "--batch") n_batch = v;
    else if (flag == "--k") k = v;
  }
  TensorMap tensors;
  if (auto st = read_safetensors(argv[1], tensors); !st) {
    std::fprintf(stderr, "error: %s\n", st.error().to_string().c_str());
    return 3;
  }
  const TensorRef* t = tensors.find(argv[2]);
  if (!t || t->shape.size() != 2 || (t->dtype != DType::F32 && t->dtype != DType::F16 && t->dtype != DType::BF16)) {
    std::fprintf(stderr, "error: no 2-D F32/F16/BF16 tensor '%s'\n", argv[2]);
    return 3;
  }
  // --in-memory: scan a copy in anonymous memory (huge pages where the kernel gives them), as
  // the peers' tables are, instead of the file's page-cache mapping.
  std::span<const std::byte> bytes = t->bytes;
  std::byte* copy = nullptr;
  if (in_memory) {
    const size_t huge = size_t{2} << 20;
    const size_t size = (bytes.size() + huge - 1) / huge * huge;
    copy = static_cast<std::byte*>(std::aligned_alloc(huge, size));
    madvise(copy, size, MADV_HUGEPAGE);
    std::memcpy(copy, bytes.data(), bytes.size());
    bytes = {copy, bytes.size()};
  }
  const scan::Elem elem = t->dtype == DType::F32 ? scan::Elem::F32 : t->dtype == DType::F16 ? scan::Elem::F16 : scan::Elem::BF16;
  const size_t n = t->shape[0], d = t->shape[1];
  const RowTable table{bytes.data(), elem, n, d, d};

  const double bandwidth = read_bandwidth(bytes.data(), bytes.size());
  auto ids_for = [&](size_t count, size_t offset) {
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < count; ++i) ids.push_back(static_cast<uint32_t>(((i + offset) * 7919) % n));
    return ids;
  };
  const auto single_ids = ids_for(n_single, 0);
  const auto batch_ids = ids_for(n_batch, 1000003);
  const auto qb = query_rows(table, batch_ids);
  std::vector<std::vector<uint32_t>> exb;
  for (uint32_t id : batch_ids) exb.push_back({id});

  // The stored rows in place, then each unit copy this CPU runs fast (int8 needs VNNI; its
  // baseline kernel would only show how slow it is).
  std::vector<UnitCopy> copies = {UnitCopy::None, UnitCopy::Bf16};
  if (screen::fast()) copies.push_back(UnitCopy::Int8);
  nlohmann::json variants = nlohmann::json::array(), single_answers = nlohmann::json::array(),
                 batch_answers = nlohmann::json::array();
  for (const UnitCopy copy : copies) {
    auto t0 = Clock::now();
    const NeighborIndex index(table, Metric::Cosine, copy);
    const double build_s = seconds_since(t0);
    // Single queries: the median of n_single, each its own search.
    std::vector<double> times;
    for (uint32_t id : single_ids) {
      const auto q = query_rows(table, {id});
      const std::vector<std::vector<uint32_t>> ex = {{id}};
      t0 = Clock::now();
      const auto res = index.search(MatrixView{q.data(), 1, d}, k, SearchFilter{nullptr, ex});
      times.push_back(seconds_since(t0));
      nlohmann::json ids = nlohmann::json::array();
      for (const auto& nb : res[0]) ids.push_back(nb.row);
      single_answers.push_back({{"query", id}, {"ids", ids}});
    }
    std::sort(times.begin(), times.end());
    // One batch.
    t0 = Clock::now();
    const auto resb = index.search(MatrixView{qb.data(), n_batch, d}, k, SearchFilter{nullptr, exb});
    const double batch_s = seconds_since(t0);
    for (size_t i = 0; i < std::min<size_t>(20, resb.size()); ++i) {
      nlohmann::json ids = nlohmann::json::array();
      for (const auto& nb : resb[i]) ids.push_back(nb.row);
      batch_answers.push_back({{"query", batch_ids[i]}, {"ids", ids}});
    }
    variants.push_back({{"copy", NeighborIndex::copy_name(copy)},
                        {"build_s", build_s},
                        {"single_median_ms", 1e3 * times[times.size() / 2]},
                        {"single_min_ms", 1e3 * times.front()},
                        {"batch_s", batch_s}});
  }
  const nlohmann::json out = {{"kernel", NeighborIndex::kernel_name()},
                              {"screen_kernel", screen::best_kernel().name},
                              {"rows", n},
                              {"dims", d},
                              {"dtype", std::string(dtype_name(t->dtype))},
                              {"table_bytes", t->bytes.size()},
                              {"read_bandwidth_gbs", bandwidth / 1e9},
                              {"bound_single_ms", 1e3 * static_cast<double>(t->bytes.size()) / bandwidth},
                              {"batch", n_batch},
                              {"variants", variants},
                              {"single_answers", single_answers},
                              {"batch_answers", batch_answers}};
  std::printf("%s\n", out.dump().c_str());
  return 0;
}
