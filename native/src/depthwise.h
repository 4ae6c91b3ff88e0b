// Depthwise (channel multiplier 1) backward-weights on NHWC data. oneDNN's grouped primitive
// for this ran at ~4 GFLOP/s on NASNet's 5x5/7x7 separable convs and was the largest single
// kernel of a training step; this one keeps the kh·kw·C accumulator in L1 and runs each output
// pixel as kh·kw vector multiply-adds over channels.
#pragma once
#include "conv.h"

namespace nas {

/** dw[kh][kw][c] = Σ x[n, oh·sh + i·dh − pt, ow·sw + j·dw − pl, c] · dy[n, oh, ow, c]; false if not depthwise ×1. */
bool depthwise_backward_weights(const ConvGeom& g, const float* x, const float* dy, float* dw);

}  // namespace nas
