// The baseline x86-64 (or any CPU) form of the screening kernel, and the run-time choice.
#include <cstring>

#include "analysis/scan_kernel.h"
#include "analysis/screen_kernel.h"

namespace embscope::screen {

size_t screen_generic(const ScreenTile& t, Hit* hits) {
  size_t n_hits = 0;
  for (uint32_t q = 0; q < t.nq; ++q) {
    const int8_t* qv = t.queries + static_cast<size_t>(q) * t.dp;
    for (uint32_t r = 0; r < t.n_rows; ++r) {
      const uint8_t* blk = t.blocks + static_cast<size_t>(r / kBlockRows) * t.dp * kBlockRows;
      const uint32_t lane = r % kBlockRows;
      int32_t dot = 0;
      for (uint32_t g = 0; g < t.dp / 4; ++g)
        for (uint32_t u = 0; u < 4; ++u) dot += int32_t{blk[(g * kBlockRows + lane) * 4 + u]} * qv[4 * g + u];
      const float p = static_cast<float>(dot - t.corr[q]) * t.sq[q] * t.sr[r];  // the order the VNNI kernel rounds in
      if (p - t.hr[r] > t.tq[q]) hits[n_hits++] = {q, r, p - t.hr[r], 0};
      if (t.both && p - t.hq[q] > t.tr[r]) hits[n_hits++] = {q, r, p - t.hq[q], 1};
    }
  }
  return n_hits;
}

void store_row(const int8_t* v, size_t d, size_t dp, size_t r, uint8_t* blocks) {
  uint8_t* blk = blocks + (r / kBlockRows) * dp * kBlockRows;
  const size_t lane = r % kBlockRows;
  for (size_t j = 0; j < d; ++j) blk[((j / 4) * kBlockRows + lane) * 4 + j % 4] = static_cast<uint8_t>(v[j] + 128);
}

Kernel generic_kernel() { return {screen_generic, 12, "int8 generic"}; }

Kernel best_kernel() {
#if defined(__x86_64__)
  if (fast()) return {screen_vnni, 12, "int8 avx512-vnni"};
#endif
  return generic_kernel();
}

bool fast() {
#if defined(__x86_64__)
  return scan::best_isa() == scan::Isa::Avx512 && __builtin_cpu_supports("avx512vnni") &&
         __builtin_cpu_supports("avx512bw");
#else
  return false;
#endif
}

}  // namespace embscope::screen
