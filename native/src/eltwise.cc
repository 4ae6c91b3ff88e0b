// See eltwise.h. Built for several ISAs at once (GCC target_clones), chosen at load time,
// so the addon stays portable while using AVX-512 where the CPU has it.
#include "eltwise.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#define NAS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

namespace nas {

NAS_CLONES void binary(int op, const float* big, const float* small, float* out, int64_t outer, int64_t mid, int64_t inner,
                       bool flip) {
#pragma omp parallel for collapse(2) if (outer * mid * inner > 65536)
  for (int64_t o = 0; o < outer; o++) {
    for (int64_t m = 0; m < mid; m++) {
      const float* __restrict a = big + (o * mid + m) * inner;
      const float* __restrict b = small + o * inner;
      float* __restrict y = out + (o * mid + m) * inner;
      switch (op) {
        case kAdd: for (int64_t i = 0; i < inner; i++) y[i] = a[i] + b[i]; break;
        case kMul: for (int64_t i = 0; i < inner; i++) y[i] = a[i] * b[i]; break;
        case kSub:
          if (flip) for (int64_t i = 0; i < inner; i++) y[i] = b[i] - a[i];
          else for (int64_t i = 0; i < inner; i++) y[i] = a[i] - b[i];
          break;
        case kDiv:
          if (flip) for (int64_t i = 0; i < inner; i++) y[i] = b[i] / a[i];
          else for (int64_t i = 0; i < inner; i++) y[i] = a[i] / b[i];
          break;
        default: for (int64_t i = 0; i < inner; i++) { float d = a[i] - b[i]; y[i] = d * d; }
      }
    }
  }
}

NAS_CLONES void unary(int op, const float* __restrict x, float* __restrict y, int64_t n, float alpha) {
  switch (op) {
    case kRelu:
#pragma omp parallel for if (n > 65536)
      for (int64_t i = 0; i < n; i++) y[i] = x[i] < 0.f ? 0.f : x[i];
      break;
    case kStep:
#pragma omp parallel for if (n > 65536)
      for (int64_t i = 0; i < n; i++) y[i] = x[i] > 0.f ? 1.f : (x[i] != x[i] ? x[i] : alpha);
      break;
    default:
#pragma omp parallel for if (n > 65536)
      for (int64_t i = 0; i < n; i++) y[i] = x[i] * x[i];
  }
}

NAS_CLONES void reduce_mid(const float* x, float* out, int64_t outer, int64_t mid, int64_t inner, bool mean) {
  // Accumulate in double like tfjs's stock kernel, so results agree to float rounding.
  std::vector<double> acc(inner);
  for (int64_t o = 0; o < outer; o++) {
    std::fill(acc.begin(), acc.end(), 0.0);
    for (int64_t m = 0; m < mid; m++) {
      const float* __restrict a = x + (o * mid + m) * inner;
      double* __restrict s = acc.data();
      for (int64_t i = 0; i < inner; i++) s[i] += a[i];
    }
    const double scale = mean ? 1.0 / static_cast<double>(mid) : 1.0;
    for (int64_t i = 0; i < inner; i++) out[o * inner + i] = static_cast<float>(acc[i] * scale);
  }
}

// Visits each output pixel's valid window rows: f(y offset, x offsets, count).
template <typename F>
static void windows(const PoolGeom& g, F f) {
#pragma omp parallel for collapse(2)
  for (int64_t b = 0; b < g.n; b++) {
    for (int64_t oh = 0; oh < g.oh; oh++) {
      int64_t xs[64];
      for (int64_t ow = 0; ow < g.ow; ow++) {
        int64_t n = 0;
        for (int64_t i = 0; i < g.kh; i++) {
          const int64_t ih = oh * g.sh - g.pt + i;
          if (ih < 0 || ih >= g.h) continue;
          for (int64_t j = 0; j < g.kw; j++) {
            const int64_t iw = ow * g.sw - g.pl + j;
            if (iw < 0 || iw >= g.w) continue;
            xs[n++] = ((b * g.h + ih) * g.w + iw) * g.c;
          }
        }
        f(((b * g.oh + oh) * g.ow + ow) * g.c, xs, n);
      }
    }
  }
}

void max_pool(const float* x, float* y, const PoolGeom& g) {
  windows(g, [&](int64_t yo, const int64_t* xs, int64_t n) {
    float* out = y + yo;
    for (int64_t c = 0; c < g.c; c++) out[c] = n ? -std::numeric_limits<float>::infinity() : 0.f;
    for (int64_t k = 0; k < n; k++) {
      const float* in = x + xs[k];
      for (int64_t c = 0; c < g.c; c++) out[c] = in[c] > out[c] ? in[c] : out[c];
    }
  });
}

// One thread per image (windows of neighbouring outputs overlap in dx). Branch-free over
// channels, so it vectorises: `done` marks channels whose max was already found.
NAS_CLONES void max_pool_grad(const float* dy, const float* x, const float* y, float* dx, const PoolGeom& g) {
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

void avg_pool(const float* x, float* y, const PoolGeom& g) {
  windows(g, [&](int64_t yo, const int64_t* xs, int64_t n) {
    float* out = y + yo;
    for (int64_t c = 0; c < g.c; c++) out[c] = 0.f;
    for (int64_t k = 0; k < n; k++) {
      const float* in = x + xs[k];
      for (int64_t c = 0; c < g.c; c++) out[c] += in[c];
    }
    const float s = 1.f / static_cast<float>(n > 0 ? n : 1);
    for (int64_t c = 0; c < g.c; c++) out[c] *= s;
  });
}

void avg_pool_grad(const float* dy, float* dx, const PoolGeom& g) {
#pragma omp parallel for
  for (int64_t b = 0; b < g.n; b++) {
    for (int64_t oh = 0; oh < g.oh; oh++) {
      for (int64_t ow = 0; ow < g.ow; ow++) {
        int64_t n = 0;
        const int64_t h0 = std::max<int64_t>(0, oh * g.sh - g.pt), h1 = std::min<int64_t>(g.h, oh * g.sh - g.pt + g.kh);
        const int64_t w0 = std::max<int64_t>(0, ow * g.sw - g.pl), w1 = std::min<int64_t>(g.w, ow * g.sw - g.pl + g.kw);
        n = (h1 > h0 && w1 > w0) ? (h1 - h0) * (w1 - w0) : 0;
        if (n == 0) continue;
        const float s = 1.f / static_cast<float>(n);
        const float* d = dy + ((b * g.oh + oh) * g.ow + ow) * g.c;
        for (int64_t ih = h0; ih < h1; ih++) {
          for (int64_t iw = w0; iw < w1; iw++) {
            float* o = dx + ((b * g.h + ih) * g.w + iw) * g.c;
            for (int64_t c = 0; c < g.c; c++) o[c] += d[c] * s;
          }
        }
      }
    }
  }
}

}  // namespace nas
