// The UMAP epoch kernel with AVX2 and FMA (this file alone is built with -mavx2 -mfma; it runs
// only when the CPU has both).
#include "analysis/umap_epoch_impl.h"

namespace embscope {

void umap_epoch_avx2(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y) {
  epoch_impl(t, first, last, epoch, state, y);
}

}  // namespace embscope
