// See layout.h.
#include "layout.h"

#include <cstring>

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

}  // namespace nas
