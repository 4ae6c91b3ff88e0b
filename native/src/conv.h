// Convolutions (plain and grouped/depthwise) run by oneDNN on caller-owned NHWC buffers.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include "dnnl.hpp"

namespace nas {

/** N H W C OH OW O kH kW sH sW dH dW padTop padLeft groups, as src/engine/onednn.ts sends it. */
struct ConvGeom {
  int64_t n, h, w, c, oh, ow, o, kh, kw, sh, sw, dh, dw, pt, pl, g;
};

enum Direction { kForward = 0, kBackwardData = 1, kBackwardWeights = 2 };

/** One cached primitive and the weight reorder it may need. */
struct ConvEntry {
  dnnl::primitive prim;
  dnnl::memory::desc user_w, prim_w;
  bool reorder_w = false;
  dnnl::primitive reorder;  // user -> prim weights (forward, backward data) or back (backward weights)
  dnnl::memory w_buf;       // weights in the primitive's layout
};

/** Per-thread state: engine, stream and primitives cached by shape (one per worker thread). */
class ConvRunner {
 public:
  ConvRunner();
  /** Runs one convolution; throws dnnl::error when oneDNN cannot take it. */
  void run(Direction dir, const ConvGeom& g, float* src, float* weights, float* dst);
  size_t cache_size() const { return cache_.size(); }

 private:
  ConvEntry& entry(Direction dir, const ConvGeom& g);
  dnnl::engine eng_;
  dnnl::stream stream_;
  std::unordered_map<std::string, std::unique_ptr<ConvEntry>> cache_;
};

}  // namespace nas
