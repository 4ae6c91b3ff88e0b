// oneDNN convolution primitives (oneDNN developer guide, "Convolution"; depthwise as a grouped
// convolution with groups = channels, Howard et al. 2017 "MobileNets").
// Activations stay in tfjs's NHWC layout (no copies); weights are described with explicit
// strides over tfjs's [kH, kW, C, O] / [kH, kW, C, M] layouts and reordered to whatever
// blocked layout the primitive prefers.
#include "conv.h"

#include <cstdlib>

#include "depthwise.h"

#include <string>

namespace nas {
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;
using dims = dnnl::memory::dims;

ConvRunner::ConvRunner() : eng_(dnnl::engine::kind::cpu, 0), stream_(eng_) {}

static std::string key(Direction dir, const ConvGeom& g) {
  const int64_t* v = &g.n;
  std::string k = std::to_string(static_cast<int>(dir));
  for (int i = 0; i < 16; i++) k += "," + std::to_string(v[i]);
  return k;
}

// tfjs weights: [kH, kW, C, O] (plain) or [kH, kW, C, M] with O = C * M (depthwise).
static dnnl::memory::desc user_weights(const ConvGeom& g) {
  if (g.g == 1) {
    // dims (O, I, kH, kW)
    return dnnl::memory::desc({g.o, g.c, g.kh, g.kw}, dt::f32, dims{1, g.o, g.kw * g.c * g.o, g.c * g.o});
  }
  const int64_t m = g.o / g.g, i = g.c / g.g;
  // dims (G, O/G, I/G, kH, kW); channel c * M + m of tfjs's [kH, kW, C, M] is group c, output m.
  return dnnl::memory::desc({g.g, m, i, g.kh, g.kw}, dt::f32, dims{m * i, 1, m, g.kw * g.g * m * i, g.g * m * i});
}

static dnnl::memory::desc any_weights(const ConvGeom& g) {
  if (g.g == 1) return dnnl::memory::desc({g.o, g.c, g.kh, g.kw}, dt::f32, tag::any);
  return dnnl::memory::desc({g.g, g.o / g.g, g.c / g.g, g.kh, g.kw}, dt::f32, tag::any);
}

ConvEntry& ConvRunner::entry(Direction dir, const ConvGeom& g) {
  const std::string k = key(dir, g);
  auto it = cache_.find(k);
  if (it != cache_.end()) return *it->second;

  dnnl::memory::desc src({g.n, g.c, g.h, g.w}, dt::f32, tag::nhwc);
  dnnl::memory::desc dst({g.n, g.o, g.oh, g.ow}, dt::f32, tag::nhwc);
  dnnl::memory::desc w_any = any_weights(g);
  dims strides{g.sh, g.sw}, dil{g.dh - 1, g.dw - 1}, pad_l{g.pt, g.pl};
  // Right padding that reproduces tfjs's output size; never negative (oneDNN floors the division).
  auto pad_r_of = [](int64_t in, int64_t out, int64_t k, int64_t s, int64_t d, int64_t pl) {
    int64_t r = (out - 1) * s + (k - 1) * d + 1 - in - pl;
    return r < 0 ? int64_t(0) : r;
  };
  dims pad_r{pad_r_of(g.h, g.oh, g.kh, g.sh, g.dh, g.pt), pad_r_of(g.w, g.ow, g.kw, g.sw, g.dw, g.pl)};

  auto e = std::make_unique<ConvEntry>();
  e->user_w = user_weights(g);
  dnnl::convolution_forward::desc fd(dnnl::prop_kind::forward_training, dnnl::algorithm::convolution_direct, src, w_any, dst,
                                     strides, dil, pad_l, pad_r);
  dnnl::convolution_forward::primitive_desc fpd(fd, eng_);
  if (dir == kForward) {
    e->prim = dnnl::convolution_forward(fpd);
    e->prim_w = fpd.weights_desc();
  } else if (dir == kBackwardData) {
    dnnl::convolution_backward_data::desc bd(dnnl::algorithm::convolution_direct, src, w_any, dst, strides, dil, pad_l, pad_r);
    dnnl::convolution_backward_data::primitive_desc bpd(bd, eng_, fpd);
    e->prim = dnnl::convolution_backward_data(bpd);
    e->prim_w = bpd.weights_desc();
  } else {
    dnnl::convolution_backward_weights::desc wd(dnnl::algorithm::convolution_direct, src, w_any, dst, strides, dil, pad_l, pad_r);
    dnnl::convolution_backward_weights::primitive_desc wpd(wd, eng_, fpd);
    // oneDNN 2.6's jit_1x1 backward-weights kernels write past a buffer on strided 1x1 convolutions:
    // jit_1x1:avx512_core on a single image (ic 8, 14x14 -> 7x7: a factorized reduction at batch 1),
    // jit_1x1:avx2 on few output channels (ic 4 -> oc 2, 28x28 -> 14x14, batch 32). Take the next
    // implementation, whatever the ISA, for every strided 1x1 (test/engine/onednn-strided-1x1.test.ts).
    if (g.kh == 1 && g.kw == 1 && (g.sh > 1 || g.sw > 1)) {
      while (std::string(wpd.impl_info_str()).rfind("jit_1x1:", 0) == 0 && wpd.next_impl()) {
      }
    }
    e->prim = dnnl::convolution_backward_weights(wpd);
    e->prim_w = wpd.diff_weights_desc();
  }
  e->reorder_w = e->prim_w != e->user_w;
  if (e->reorder_w) {
    e->w_buf = dnnl::memory(e->prim_w, eng_);
    if (dir == kBackwardWeights) {
      e->reorder = dnnl::reorder(dnnl::reorder::primitive_desc(eng_, e->prim_w, eng_, e->user_w));
    } else {
      e->reorder = dnnl::reorder(dnnl::reorder::primitive_desc(eng_, e->user_w, eng_, e->prim_w));
    }
  }
  ConvEntry& ref = *e;
  cache_.emplace(k, std::move(e));
  return ref;
}

void ConvRunner::run(Direction dir, const ConvGeom& g, float* src_p, float* w_p, float* dst_p) {
  // NAS_DEPTHWISE_ONEDNN=1 keeps oneDNN's primitive (to measure the two side by side).
  static const bool own_depthwise = std::getenv("NAS_DEPTHWISE_ONEDNN") == nullptr;
  if (dir == kBackwardWeights && own_depthwise && depthwise_backward_weights(g, src_p, dst_p, w_p)) return;
  ConvEntry& e = entry(dir, g);
  dnnl::memory src(dnnl::memory::desc({g.n, g.c, g.h, g.w}, dt::f32, tag::nhwc), eng_, src_p);
  dnnl::memory dst(dnnl::memory::desc({g.n, g.o, g.oh, g.ow}, dt::f32, tag::nhwc), eng_, dst_p);
  dnnl::memory user_w(e.user_w, eng_, w_p);
  dnnl::memory w = e.reorder_w ? e.w_buf : user_w;

  if (dir == kForward) {
    if (e.reorder_w) e.reorder.execute(stream_, {{DNNL_ARG_FROM, user_w}, {DNNL_ARG_TO, w}});
    e.prim.execute(stream_, {{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DST, dst}});
  } else if (dir == kBackwardData) {
    if (e.reorder_w) e.reorder.execute(stream_, {{DNNL_ARG_FROM, user_w}, {DNNL_ARG_TO, w}});
    e.prim.execute(stream_, {{DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_WEIGHTS, w}, {DNNL_ARG_DIFF_SRC, src}});
  } else {
    e.prim.execute(stream_, {{DNNL_ARG_SRC, src}, {DNNL_ARG_DIFF_DST, dst}, {DNNL_ARG_DIFF_WEIGHTS, w}});
    if (e.reorder_w) e.reorder.execute(stream_, {{DNNL_ARG_FROM, w}, {DNNL_ARG_TO, user_w}});
  }
  stream_.wait();
}

}  // namespace nas
