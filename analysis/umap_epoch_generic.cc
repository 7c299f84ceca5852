// The UMAP epoch kernel for baseline x86-64 (or any target), and the run-time choice.
#include "analysis/scan_kernel.h"
#include "analysis/umap_epoch_impl.h"

namespace embscope {

void umap_epoch_generic(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y) {
  epoch_impl(t, first, last, epoch, state, y);
}

UmapEpochFn best_umap_epoch() {
  return scan::best_isa() == scan::Isa::Generic ? umap_epoch_generic : umap_epoch_avx2;
}

}  // namespace embscope
