// Memory-bound kernels of a training step (broadcast binary ops, relu/step/square, contiguous
// reductions, NHWC pooling) as vectorisable C++ loops over caller-owned buffers.
#pragma once
#include <cstdint>

namespace nas {

enum BinaryOp { kAdd = 0, kSub = 1, kMul = 2, kDiv = 3, kSqDiff = 4 };
enum UnaryOp { kRelu = 0, kStep = 1, kSquare = 2 };

/** out[o, m, i] = big[o, m, i] op small[o, i] (op(small, big) when flip). */
void binary(int op, const float* big, const float* small, float* out, int64_t outer, int64_t mid, int64_t inner, bool flip);
void unary(int op, const float* x, float* out, int64_t n, float alpha);
/** out[o, i] = sum_m x[o, m, i] (divided by mid when mean). */
void reduce_mid(const float* x, float* out, int64_t outer, int64_t mid, int64_t inner, bool mean);

/** N H W C OH OW kH kW sH sW padTop padLeft */
struct PoolGeom { int64_t n, h, w, c, oh, ow, kh, kw, sh, sw, pt, pl; };
void max_pool(const float* x, float* y, const PoolGeom& g);
/** From the forward output y: dy goes to the first window position equal to the max (as tfjs's stock kernel). */
void max_pool_grad(const float* dy, const float* x, const float* y, float* dx, const PoolGeom& g);
void avg_pool(const float* x, float* y, const PoolGeom& g);
void avg_pool_grad(const float* dy, float* dx, const PoolGeom& g);

}  // namespace nas
