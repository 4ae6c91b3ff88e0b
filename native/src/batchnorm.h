// Training-mode batch normalisation over the channel (last) axis of NHWC data, forward and
// backward in a few passes each, instead of the dozen broadcast/reduce kernels tfjs composes.
#pragma once
#include <cstdint>

namespace nas {

/** y = (x - mean) / sqrt(var + eps) * gamma + beta over rows × c; writes the batch mean and the biased variance. */
void bn_forward(const float* x, const float* gamma, const float* beta, float* y, float* mean, float* var, int64_t rows,
                int64_t c, float eps);
/** Gradients of bn_forward's y (the batch statistics are functions of x, as in training). */
void bn_backward(const float* dy, const float* x, const float* mean, const float* var, const float* gamma, float* dx,
                 float* dgamma, float* dbeta, int64_t rows, int64_t c, float eps);

}  // namespace nas
