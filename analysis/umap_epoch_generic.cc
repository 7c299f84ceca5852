// The UMAP epoch kernel for baseline x86-64 (or any target), and the run-time choice.
#include "analysis/scan_kernel.h"
#include "analysis/umap_epoch_impl.h"

namespace embscope {

void umap_epoch_generic(const UmapEpoch& t, size_t first, size_t last, size_t epoch, uint64_t& state, float* y) {
  epoch_impl(t, first, last, epoch, state, y);
}

UmapEpochFn best_umap_epoch() {
  switch (scan::best_isa()) {
    case scan::Isa::Avx512: return umap_epoch_avx512;
    case scan::Isa::Avx2: return umap_epoch_avx2;
    case scan::Isa::Generic: break;
  }
  return umap_epoch_generic;
}

}  // namespace embscope
