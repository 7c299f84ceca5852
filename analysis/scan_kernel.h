// Inner loops of the exact neighbour scan (analysis/neighbor_index.cc drives them), compiled
// once per instruction set -- scan_kernel_generic.cc, scan_kernel_avx2.cc (-mavx2 -mfma -mf16c)
// scan_kernel_avx512.cc (-mavx512f) and scan_kernel_avx512bf16.cc (-mavx512bf16) -- and chosen
// at run time. Plain pointers only: the
// translation units are built with different -m flags, so they share no inline code.
//
// Two shapes of the same product (query . row):
// - dot_rows: one query against rows in place, row-major, f32 / f16 / bf16 converted on the fly
//   (a single query reads the table once, at memory speed, and needs no copy);
// - score_blocks: up to max_queries queries against f32 rows packed 16 to a block, (D, 16)
//   (a batch packs a cache-sized chunk of rows once and reuses it for every query).
#pragma once

#include <cstddef>
#include <cstdint>

namespace embscope::scan {

constexpr uint32_t kBlockRows = 16;

enum class Elem : uint32_t { F32 = 0, F16 = 1, BF16 = 2 };

// out[i] = sum_{j < d} query[j] * row_i[j] for i < n; row_i starts at element i * stride of
// `rows` (elements of `elem`); query (d) f32.
using DotRowsFn = void (*)(const void* rows, Elem elem, size_t n, size_t stride, const float* query, uint32_t d,
                           float* out);

// out[q * n_blocks * 16 + b * 16 + i] = sum_j queries[q * d + j] * blocks[(b * d + j) * 16 + i]
// for q < nq (<= max_queries), b < n_blocks, i < 16. queries (nq, D); out (nq, n_blocks * 16).
using ScoreBlocksFn = void (*)(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq,
                               uint32_t d, float* out);

// The bf16 form of score_blocks, for unit-row copies: rows packed 16 to a block with dimension
// pairs interleaved, block b = (Dp / 2, 16, 2): element ((b * Dp/2 + p) * 16 + i) * 2 + t is
// row 16b + i, dimension 2p + t; queries (nq, Dp) bf16; Dp even (zero padded).
// out as score_blocks. With AVX512-BF16 one instruction multiplies 32 pairs and accumulates
// in f32 (VDPBF16PS), twice the f32 rate at half the bytes.
using ScoreBlocksBf16Fn = void (*)(const uint16_t* blocks, uint32_t n_blocks, const uint16_t* queries, uint32_t nq,
                                   uint32_t dp, float* out);

// dot_rows for bf16 rows and a bf16 query (d elements each, row-major), multiplied pairwise
// with VDPBF16PS and accumulated in f32: no conversion work, so a bf16 table streams at memory
// speed. Only where the CPU has AVX512-BF16 (Kernel::dot_rows_bf16 is null elsewhere).
using DotRowsBf16Fn = void (*)(const uint16_t* rows, size_t n, size_t stride, const uint16_t* query, uint32_t d,
                               float* out);

struct Kernel {
  DotRowsFn dot_rows = nullptr;
  DotRowsBf16Fn dot_rows_bf16 = nullptr;
  ScoreBlocksFn score_blocks = nullptr;
  ScoreBlocksBf16Fn score_blocks_bf16 = nullptr;
  uint32_t max_queries = 0;
  const char* name = "";
};

void dot_rows_generic(const void* rows, Elem elem, size_t n, size_t stride, const float* query, uint32_t d, float* out);
void dot_rows_avx2(const void* rows, Elem elem, size_t n, size_t stride, const float* query, uint32_t d, float* out);
void dot_rows_avx512(const void* rows, Elem elem, size_t n, size_t stride, const float* query, uint32_t d, float* out);
void score_blocks_generic(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                          float* out);
void score_blocks_avx2(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                       float* out);
void score_blocks_avx512(const float* blocks, uint32_t n_blocks, const float* queries, uint32_t nq, uint32_t d,
                         float* out);

void score_blocks_bf16_generic(const uint16_t* blocks, uint32_t n_blocks, const uint16_t* queries, uint32_t nq,
                               uint32_t dp, float* out);
void score_blocks_bf16_avx512(const uint16_t* blocks, uint32_t n_blocks, const uint16_t* queries, uint32_t nq,
                              uint32_t dp, float* out);

void dot_rows_bf16_avx512(const uint16_t* rows, size_t n, size_t stride, const uint16_t* query, uint32_t d, float* out);

// One element as f32 (tails and the generic kernel).
float element_to_f32(const void* rows, Elem elem, size_t index);

// The widest instruction set this CPU has (AVX2 counts with FMA and F16C), or the one
// EMBSCOPE_SCAN_KERNEL=generic|avx2|avx512 asks for when the CPU has it (tests): the one
// choice every dispatched kernel of analysis/ follows (the scan here, the UMAP epoch).
enum class Isa { Generic, Avx2, Avx512 };
Isa best_isa();

// The kernels of best_isa().
Kernel best_kernel();

}  // namespace embscope::scan
