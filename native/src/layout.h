// Moving boxes of NHWC data between tensors: the work of slice, split, concat and pad
// (the gradients of channel concatenation and of factorised reductions touch every activation).
#pragma once
#include <cstdint>

namespace nas {

/** dst[dst_begin + i] = src[src_begin + i] for i in the 4-d box `size` (shapes row-major). */
void copy_box(const float* src, const int64_t* src_shape, const int64_t* src_begin, float* dst, const int64_t* dst_shape,
              const int64_t* dst_begin, const int64_t* size);

}  // namespace nas
