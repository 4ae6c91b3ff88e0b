// See depthwise.h.
#include "depthwise.h"

#include <omp.h>

#include <vector>

#define NAS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

namespace nas {

NAS_CLONES bool depthwise_backward_weights(const ConvGeom& g, const float* x, const float* dy, float* dw) {
  if (g.g != g.c || g.o != g.c) return false;
  const int64_t C = g.c, K = g.kh * g.kw * C;
  const int threads = g.n > 1 ? omp_get_max_threads() : 1;
  // One accumulator per thread; images are summed into it one at a time through a per-image
  // partial, which keeps float rounding at the level of the stock kernel's.
  std::vector<float> acc(static_cast<size_t>(threads) * K, 0.f);
#pragma omp parallel num_threads(threads)
  {
    float* __restrict mine = acc.data() + static_cast<size_t>(omp_get_thread_num()) * K;
    std::vector<float> part_buf(K);
    float* __restrict part = part_buf.data();
#pragma omp for schedule(static)
    for (int64_t n = 0; n < g.n; n++) {
      for (int64_t k = 0; k < K; k++) part[k] = 0.f;
      for (int64_t oh = 0; oh < g.oh; oh++) {
        for (int64_t ow = 0; ow < g.ow; ow++) {
          const float* __restrict d = dy + ((n * g.oh + oh) * g.ow + ow) * C;
          for (int64_t i = 0; i < g.kh; i++) {
            const int64_t ih = oh * g.sh + i * g.dh - g.pt;
            if (ih < 0 || ih >= g.h) continue;
            for (int64_t j = 0; j < g.kw; j++) {
              const int64_t iw = ow * g.sw + j * g.dw - g.pl;
              if (iw < 0 || iw >= g.w) continue;
              const float* __restrict xi = x + ((n * g.h + ih) * g.w + iw) * C;
              float* __restrict p = part + (i * g.kw + j) * C;
              for (int64_t c = 0; c < C; c++) p[c] += xi[c] * d[c];
            }
          }
        }
      }
      for (int64_t k = 0; k < K; k++) mine[k] += part[k];
    }
  }
  for (int64_t k = 0; k < K; k++) {
    float s = 0.f;
    for (int t = 0; t < threads; t++) s += acc[static_cast<size_t>(t) * K + k];
    dw[k] = s;
  }
  return true;
}

}  // namespace nas
