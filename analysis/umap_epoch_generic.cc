// The UMAP epoch kernel for baseline x86-64 (or any target), and the run-time choice.
#include <cstdlib>
#include <cstring>

#include "analysis/umap_epoch_impl.h"

namespace embscope {

void umap_epoch_generic(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y) {
  epoch_impl(t, first, last, epoch, state, y);
}

UmapEpochFn best_umap_epoch() {
#if defined(__x86_64__)
  const char* force = std::getenv("EMBSCOPE_SCAN_KERNEL");
  if (!(force && std::strcmp(force, "generic") == 0) && __builtin_cpu_supports("avx2") &&
      __builtin_cpu_supports("fma"))
    return umap_epoch_avx2;
#endif
  return umap_epoch_generic;
}

}  // namespace embscope
