// See batchnorm.h. Per-channel sums accumulate in double, per thread, then combine: the result
// does not depend on the thread count beyond float rounding.
#include "batchnorm.h"

#include <omp.h>

#include <algorithm>
#include <cmath>
#include <vector>

#define NAS_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))

namespace nas {

namespace {

// Row blocks handed to threads; sums inside a block run over float lanes, then go to double.
constexpr int64_t kBlock = 64;

// acc[t][ch] += f(row, ch) summed over rows, one accumulator per thread, then reduced into out.
template <typename F>
void channel_sums(int64_t rows, int64_t c, int n_out, double* out, F f) {
  const int threads = (rows * c > 65536) ? omp_get_max_threads() : 1;
  std::vector<double> acc(static_cast<size_t>(threads) * n_out * c, 0.0);
#pragma omp parallel num_threads(threads)
  {
    double* mine = acc.data() + static_cast<size_t>(omp_get_thread_num()) * n_out * c;
    std::vector<float> part(static_cast<size_t>(n_out) * c);
#pragma omp for schedule(static)
    for (int64_t r0 = 0; r0 < rows; r0 += kBlock) {
      std::fill(part.begin(), part.end(), 0.f);
      const int64_t r1 = r0 + kBlock < rows ? r0 + kBlock : rows;
      for (int64_t r = r0; r < r1; r++) f(r, part.data());
      for (size_t i = 0; i < part.size(); i++) mine[i] += part[i];
    }
  }
  for (int64_t i = 0; i < n_out * c; i++) {
    double s = 0;
    for (int t = 0; t < threads; t++) s += acc[static_cast<size_t>(t) * n_out * c + i];
    out[i] = s;
  }
}

}  // namespace

NAS_CLONES void bn_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* var,
                           int64_t rows, int64_t c, float eps) {
  std::vector<double> s(c), ss(c);
  channel_sums(rows, c, 1, s.data(), [&](int64_t r, float* p) {
    const float* __restrict xr = x + r * c;
    for (int64_t k = 0; k < c; k++) p[k] += xr[k];
  });
  std::vector<float> m(c);
  for (int64_t k = 0; k < c; k++) m[k] = static_cast<float>(s[k] / static_cast<double>(rows));
  // Two passes (mean, then squared deviations), as tf.moments: no cancellation for large means.
  channel_sums(rows, c, 1, ss.data(), [&](int64_t r, float* p) {
    const float* __restrict xr = x + r * c;
    const float* __restrict mk = m.data();
    for (int64_t k = 0; k < c; k++) { const float d = xr[k] - mk[k]; p[k] += d * d; }
  });
  std::vector<float> scale(c), shift(c);
  for (int64_t k = 0; k < c; k++) {
    mean[k] = m[k];
    var[k] = static_cast<float>(ss[k] / static_cast<double>(rows));
    scale[k] = gamma[k] / std::sqrt(var[k] + eps);
    shift[k] = beta[k] - m[k] * scale[k];
  }
#pragma omp parallel for if (rows * c > 65536)
  for (int64_t r = 0; r < rows; r++) {
    const float* __restrict xr = x + r * c;
    float* __restrict yr = y + r * c;
    const float* __restrict a = scale.data();
    const float* __restrict b = shift.data();
    for (int64_t k = 0; k < c; k++) yr[k] = xr[k] * a[k] + b[k];
  }
}

NAS_CLONES void bn_backward(const float* dy, const float* x, const float* mean, const float* var, const float* gamma,
                            float* dx, float* dgamma, float* dbeta, int64_t rows, int64_t c, float eps) {
  // sums[0:c] = Σ dy, sums[c:2c] = Σ dy (x - mean)
  std::vector<double> sums(2 * c);
  channel_sums(rows, c, 2, sums.data(), [&](int64_t r, float* p) {
    const float* __restrict d = dy + r * c;
    const float* __restrict xr = x + r * c;
    float* __restrict p0 = p;
    float* __restrict p1 = p + c;
    for (int64_t k = 0; k < c; k++) { p0[k] += d[k]; p1[k] += d[k] * (xr[k] - mean[k]); }
  });
  // dx = gamma·invstd · (dy − mean(dy) − (x − mean)·invstd² · mean(dy (x − mean)))
  std::vector<float> a(c), b(c), sh(c);
  const double inv_rows = 1.0 / static_cast<double>(rows);
  for (int64_t k = 0; k < c; k++) {
    const double invstd = 1.0 / std::sqrt(static_cast<double>(var[k]) + eps);
    dbeta[k] = static_cast<float>(sums[k]);
    dgamma[k] = static_cast<float>(sums[c + k] * invstd);
    const double g = gamma[k] * invstd;
    a[k] = static_cast<float>(g);                                            // × dy
    b[k] = static_cast<float>(-g * invstd * invstd * sums[c + k] * inv_rows);  // × (x − mean)
    sh[k] = static_cast<float>(-g * sums[k] * inv_rows);
  }
#pragma omp parallel for if (rows * c > 65536)
  for (int64_t r = 0; r < rows; r++) {
    const float* __restrict d = dy + r * c;
    const float* __restrict xr = x + r * c;
    float* __restrict o = dx + r * c;
    for (int64_t k = 0; k < c; k++) o[k] = a[k] * d[k] + b[k] * (xr[k] - mean[k]) + sh[k];
  }
}

}  // namespace nas
