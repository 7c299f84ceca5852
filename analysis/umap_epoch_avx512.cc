// The UMAP epoch kernel with AVX-512 (this file alone is built with -mavx512f -mavx512dq
// -mfma; it runs only when the CPU has them): sixteen-float vectors, so two edges' repulsive
// samples share one register.
#define EMBSCOPE_UMAP_LANES 16
#include "analysis/umap_epoch_impl.h"

namespace embscope {

void umap_epoch_avx512(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y) {
  epoch_impl(t, first, last, epoch, state, y);
}

}  // namespace embscope
