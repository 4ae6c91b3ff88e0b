// See layout.h.
#include "layout.h"

#include <cstring>
#include <vector>

#include "eltwise.h"

#define NAS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

namespace nas {

void copy_box(const float* src, const int64_t* ss, const int64_t* sb, float* dst, const int64_t* ds, const int64_t* db,
              const int64_t* n) {
  const int64_t run = n[3];
  if (run == 0) return;
#pragma omp parallel for collapse(2) if (n[0] * n[1] * n[2] * n[3] > 65536)
  for (int64_t a = 0; a < n[0]; a++) {
    for (int64_t b = 0; b < n[1]; b++) {
      for (int64_t c = 0; c < n[2]; c++) {
        const float* s = src + (((sb[0] + a) * ss[1] + sb[1] + b) * ss[2] + sb[2] + c) * ss[3] + sb[3];
        float* d = dst + (((db[0] + a) * ds[1] + db[1] + b) * ds[2] + db[2] + c) * ds[3] + db[3];
        std::memcpy(d, s, static_cast<size_t>(run) * sizeof(float));
      }
    }
  }
}

// One thread per image (windows of neighbouring outputs overlap in dx). Branch-free over
// channels, so it vectorises: `done` marks channels whose max was already found.
NAS_CLONES void max_pool_grad_from_output(const float* dy, const float* x, const float* y, float* dx, const PoolGeom& g) {
#pragma omp parallel for
  for (int64_t b = 0; b < g.n; b++) {
    std::vector<float> done(g.c);
    for (int64_t oh = 0; oh < g.oh; oh++) {
      for (int64_t ow = 0; ow < g.ow; ow++) {
        const int64_t yo = ((b * g.oh + oh) * g.ow + ow) * g.c;
        const float* __restrict d = dy + yo;
        const float* __restrict m = y + yo;
        float* __restrict dn = done.data();
        for (int64_t c = 0; c < g.c; c++) dn[c] = 0.f;
        for (int64_t i = 0; i < g.kh; i++) {
          const int64_t ih = oh * g.sh - g.pt + i;
          if (ih < 0 || ih >= g.h) continue;
          for (int64_t j = 0; j < g.kw; j++) {
            const int64_t iw = ow * g.sw - g.pl + j;
            if (iw < 0 || iw >= g.w) continue;
            const int64_t xo = ((b * g.h + ih) * g.w + iw) * g.c;
            const float* __restrict xi = x + xo;
            float* __restrict o = dx + xo;
            for (int64_t c = 0; c < g.c; c++) {
              const float hit = xi[c] == m[c] ? 1.f - dn[c] : 0.f;
              o[c] += hit * d[c];
              dn[c] += hit;
            }
          }
        }
      }
    }
  }
}

}  // namespace nas
