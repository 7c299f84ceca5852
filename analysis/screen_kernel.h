// Inner loop of the approximate k-NN graph (analysis/knn_screen.cc drives it): an int8
// screening product that picks each point's candidates (re-scored afterwards by the exact
// neighbour index). Compiled once for baseline x86-64 (screen_kernel_generic.cc) and once with
// AVX-512 VNNI (screen_kernel_vnni.cc, VPDPBUSD: 64 int8 products a register), chosen at run
// time. Plain pointers only, as scan_kernel.h.
//
// The quantised rows: each point centred on the column means and scaled by its own
// s = max |x - mean| / 127 into int8 in [-127, 127], dimensions padded with zeros to dp, a
// multiple of 4.
// - the row side packed 16 rows to a block, block b = (dp / 4, 16, 4) bytes, biased to uint8
//   (v + 128) as VPDPBUSD wants its first operand unsigned;
// - the query side row-major int8 (n, dp), with corr = 128 * sum of the row's int8 values,
//   which the bias adds to every product and which is taken off again.
// The screening score of the pair (q, r) as seen from q is s_q s_r (q8 . r8) - |r - mean|^2 / 2
// (larger is nearer: |q - r|^2 = |q|^2 + |r|^2 - 2 q.r), and from r the same product less
// |q - mean|^2 / 2.
#pragma once

#include <cstddef>
#include <cstdint>

namespace embscope::screen {

constexpr uint32_t kBlockRows = 16;

// A pair that beat a threshold: query q and row r (positions within the tile's queries and
// rows), the screening score; to_row says the score is for row r's list (the column side).
struct Hit {
  uint32_t q, r;
  float score;
  uint32_t to_row;
};

// The product of nq queries (int8 rows of `queries`, dp apart) against n_blocks row blocks,
// and the selection: for each (q, r), r < n_rows (the rows of the blocks, in order),
//   p = sq[q] * sr[r] * (dot(q, r) - corr[q]);
//   p - hr[r] > tq[q]  -> a hit for q's list;
//   both and p - hq[q] > tr[r] -> a hit for r's list.
// Hits are written to `hits` (room for 2 * nq * n_rows), their count returned. nq <= 12.
struct ScreenTile {
  const uint8_t* blocks;
  uint32_t n_blocks, n_rows;
  const int8_t* queries;
  uint32_t nq, dp;
  const int32_t* corr;
  const float *sq, *hq, *tq;  // (nq)
  const float *sr, *hr, *tr;  // (n_rows)
  bool both;
};
using ScreenFn = size_t (*)(const ScreenTile& t, Hit* hits);

struct Kernel {
  ScreenFn screen = nullptr;
  uint32_t max_queries = 0;
  const char* name = "";
};

size_t screen_generic(const ScreenTile& t, Hit* hits);

// Row r's int8 values v (d of them) into the block layout above, biased to uint8: block r / 16,
// lane r % 16, groups of four dimensions; `blocks` holds dp bytes a row (dimensions from d on
// keep their padding, 128).
void store_row(const int8_t* v, size_t d, size_t dp, size_t r, uint8_t* blocks);
size_t screen_vnni(const ScreenTile& t, Hit* hits);

// The VNNI kernels where the CPU has AVX-512 VNNI + BW and scan::best_isa() is Avx512
// (EMBSCOPE_SCAN_KERNEL=generic forces the baseline ones); `fast` says whether they were
// chosen (the screen only pays off over the exact f32 product with them).
Kernel best_kernel();
bool fast();
Kernel generic_kernel();

}  // namespace embscope::screen
