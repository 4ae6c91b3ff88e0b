// N-API entry point of the oneDNN engine. Context-aware (Napi::Addon): every worker thread
// that loads it gets its own instance, with its own oneDNN stream and primitive cache.
#include <napi.h>
#include <omp.h>

#include <string>

#include "batchnorm.h"
#include "conv.h"
#include "eltwise.h"
#include "layout.h"

namespace {

// The JS side (src/engine/onednn.ts) refuses an addon whose entry points are of another version.
constexpr int kApi = 2;

class OnednnAddon : public Napi::Addon<OnednnAddon> {
 public:
  OnednnAddon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceMethod("version", &OnednnAddon::Version),
                             InstanceMethod("setThreads", &OnednnAddon::SetThreads),
                             InstanceMethod("conv", &OnednnAddon::Conv),
                             InstanceMethod("cacheSize", &OnednnAddon::CacheSize),
                             InstanceMethod("binary", &OnednnAddon::Binary),
                             InstanceMethod("unary", &OnednnAddon::Unary),
                             InstanceMethod("reduce", &OnednnAddon::Reduce),
                             InstanceMethod("pool", &OnednnAddon::Pool),
                             InstanceMethod("batchNorm", &OnednnAddon::BatchNorm),
                             InstanceMethod("copyBox", &OnednnAddon::CopyBox),
                             InstanceMethod("maxPoolGrad", &OnednnAddon::MaxPoolGrad),
                             InstanceMethod("batchNormGrad", &OnednnAddon::BatchNormGrad),
                         });
  }

 private:
  nas::ConvRunner runner_;

  Napi::Value Version(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    const dnnl_version_t* v = dnnl_version();
    Napi::Object o = Napi::Object::New(env);
    o.Set("compiled", std::to_string(DNNL_VERSION_MAJOR) + "." + std::to_string(DNNL_VERSION_MINOR) + "." +
                          std::to_string(DNNL_VERSION_PATCH));
    o.Set("runtime", std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch));
    o.Set("api", kApi);
    return o;
  }

  // OpenMP's thread count is a per-thread setting: it applies to this JS thread's calls only.
  Napi::Value SetThreads(const Napi::CallbackInfo& info) {
    int n = info[0].As<Napi::Number>().Int32Value();
    if (n < 1) n = 1;
    omp_set_num_threads(n);
    return info.Env().Undefined();
  }

  Napi::Value CacheSize(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), static_cast<double>(runner_.cache_size()));
  }

  static int64_t I(const Napi::Value& v) { return v.As<Napi::Number>().Int64Value(); }
  static size_t Len(const Napi::Value& v) { return v.As<Napi::Float32Array>().ElementLength(); }
  static float* Ptr(const Napi::Value& v) { return v.As<Napi::Float32Array>().Data(); }

  // binary(op, big, small, out, outer, mid, inner, flip) -> boolean
  Napi::Value Binary(const Napi::CallbackInfo& info) {
    const int64_t outer = I(info[4]), mid = I(info[5]), inner = I(info[6]);
    const size_t n = static_cast<size_t>(outer * mid * inner);
    if (Len(info[1]) != n || Len(info[3]) != n || Len(info[2]) != static_cast<size_t>(outer * inner)) return Napi::Boolean::New(info.Env(), false);
    nas::binary(static_cast<int>(I(info[0])), Ptr(info[1]), Ptr(info[2]), Ptr(info[3]), outer, mid, inner, info[7].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), true);
  }

  // unary(op, x, out, alpha) -> boolean
  Napi::Value Unary(const Napi::CallbackInfo& info) {
    if (Len(info[1]) != Len(info[2])) return Napi::Boolean::New(info.Env(), false);
    nas::unary(static_cast<int>(I(info[0])), Ptr(info[1]), Ptr(info[2]), static_cast<int64_t>(Len(info[1])), info[3].As<Napi::Number>().FloatValue());
    return Napi::Boolean::New(info.Env(), true);
  }

  // reduce(x, out, outer, mid, inner, mean) -> boolean
  Napi::Value Reduce(const Napi::CallbackInfo& info) {
    const int64_t outer = I(info[2]), mid = I(info[3]), inner = I(info[4]);
    if (Len(info[0]) != static_cast<size_t>(outer * mid * inner) || Len(info[1]) != static_cast<size_t>(outer * inner)) return Napi::Boolean::New(info.Env(), false);
    nas::reduce_mid(Ptr(info[0]), Ptr(info[1]), outer, mid, inner, info[5].As<Napi::Boolean>().Value());
    return Napi::Boolean::New(info.Env(), true);
  }

  // Pool geometry from an Int32Array[12] (N H W C OH OW kH kW sH sW padTop padLeft); false if malformed.
  static bool ReadPoolGeom(const Napi::Value& v, nas::PoolGeom* g) {
    auto gv = v.As<Napi::Int32Array>();
    if (gv.ElementLength() != 12) return false;
    int64_t* out = &g->n;
    for (int i = 0; i < 12; i++) out[i] = gv[i];
    return g->kh > 0 && g->kw > 0 && g->kh * g->kw <= 64;
  }
  static size_t PoolIn(const nas::PoolGeom& g) { return static_cast<size_t>(g.n * g.h * g.w * g.c); }
  static size_t PoolOut(const nas::PoolGeom& g) { return static_cast<size_t>(g.n * g.oh * g.ow * g.c); }

  // pool(kind, a, b, geom[12]): 0 max(x, y), 2 avg(x, y), 3 avgGrad(dy, dx) -> boolean
  Napi::Value Pool(const Napi::CallbackInfo& info) {
    nas::PoolGeom g;
    const int kind = static_cast<int>(I(info[0]));
    bool ok = ReadPoolGeom(info[3], &g);
    if (kind == 0 || kind == 2) ok = ok && Len(info[1]) == PoolIn(g) && Len(info[2]) == PoolOut(g);
    else if (kind == 3) ok = ok && Len(info[1]) == PoolOut(g) && Len(info[2]) == PoolIn(g);
    else ok = false;
    if (!ok) return Napi::Boolean::New(info.Env(), false);
    if (kind == 0) nas::max_pool(Ptr(info[1]), Ptr(info[2]), g);
    else if (kind == 2) nas::avg_pool(Ptr(info[1]), Ptr(info[2]), g);
    else nas::avg_pool_grad(Ptr(info[1]), Ptr(info[2]), g);
    return Napi::Boolean::New(info.Env(), true);
  }

  // maxPoolGrad(dy, x, y, dx, geom[12]) -> boolean: the gradient from the forward output y.
  Napi::Value MaxPoolGrad(const Napi::CallbackInfo& info) {
    nas::PoolGeom g;
    if (!ReadPoolGeom(info[4], &g) || Len(info[0]) != PoolOut(g) || Len(info[1]) != PoolIn(g) || Len(info[2]) != PoolOut(g) ||
        Len(info[3]) != PoolIn(g))
      return Napi::Boolean::New(info.Env(), false);
    nas::max_pool_grad(Ptr(info[0]), Ptr(info[1]), Ptr(info[2]), Ptr(info[3]), g);
    return Napi::Boolean::New(info.Env(), true);
  }

  // copyBox(src, dst, geom: Int32Array[20] = srcShape[4] srcBegin[4] dstShape[4] dstBegin[4] size[4]) -> boolean
  Napi::Value CopyBox(const Napi::CallbackInfo& info) {
    auto gv = info[2].As<Napi::Int32Array>();
    if (gv.ElementLength() != 20) return Napi::Boolean::New(info.Env(), false);
    int64_t g[20];
    for (int i = 0; i < 20; i++) g[i] = gv[i];
    const int64_t *ss = g, *sb = g + 4, *ds = g + 8, *db = g + 12, *n = g + 16;
    for (int d = 0; d < 4; d++) {
      if (n[d] < 0 || sb[d] < 0 || db[d] < 0 || sb[d] + n[d] > ss[d] || db[d] + n[d] > ds[d]) return Napi::Boolean::New(info.Env(), false);
    }
    if (Len(info[0]) != static_cast<size_t>(ss[0] * ss[1] * ss[2] * ss[3]) || Len(info[1]) != static_cast<size_t>(ds[0] * ds[1] * ds[2] * ds[3]))
      return Napi::Boolean::New(info.Env(), false);
    nas::copy_box(Ptr(info[0]), ss, sb, Ptr(info[1]), ds, db, n);
    return Napi::Boolean::New(info.Env(), true);
  }

  // batchNorm(x, gamma, beta, y, mean, var, eps) -> boolean; channels = gamma's length.
  Napi::Value BatchNorm(const Napi::CallbackInfo& info) {
    const size_t c = Len(info[1]), n = Len(info[0]);
    if (c == 0 || n % c != 0 || Len(info[2]) != c || Len(info[3]) != n || Len(info[4]) != c || Len(info[5]) != c)
      return Napi::Boolean::New(info.Env(), false);
    nas::bn_forward(Ptr(info[0]), Ptr(info[1]), Ptr(info[2]), Ptr(info[3]), Ptr(info[4]), Ptr(info[5]),
                    static_cast<int64_t>(n / c), static_cast<int64_t>(c), info[6].As<Napi::Number>().FloatValue());
    return Napi::Boolean::New(info.Env(), true);
  }

  // batchNormGrad(dy, x, mean, var, gamma, dx, dgamma, dbeta, eps) -> boolean
  Napi::Value BatchNormGrad(const Napi::CallbackInfo& info) {
    const size_t c = Len(info[4]), n = Len(info[1]);
    if (c == 0 || n % c != 0 || Len(info[0]) != n || Len(info[2]) != c || Len(info[3]) != c || Len(info[5]) != n ||
        Len(info[6]) != c || Len(info[7]) != c)
      return Napi::Boolean::New(info.Env(), false);
    nas::bn_backward(Ptr(info[0]), Ptr(info[1]), Ptr(info[2]), Ptr(info[3]), Ptr(info[4]), Ptr(info[5]), Ptr(info[6]),
                     Ptr(info[7]), static_cast<int64_t>(n / c), static_cast<int64_t>(c), info[8].As<Napi::Number>().FloatValue());
    return Napi::Boolean::New(info.Env(), true);
  }

  // conv(direction, src, weights, dst, geom: Int32Array[16]) -> boolean (false: oneDNN declined).
  Napi::Value Conv(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    int dir = info[0].As<Napi::Number>().Int32Value();
    auto src = info[1].As<Napi::Float32Array>();
    auto w = info[2].As<Napi::Float32Array>();
    auto dst = info[3].As<Napi::Float32Array>();
    auto gv = info[4].As<Napi::Int32Array>();
    if (gv.ElementLength() != 16 || dir < 0 || dir > 2) {
      Napi::TypeError::New(env, "conv: bad arguments").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    nas::ConvGeom g;
    int64_t* out = &g.n;
    for (int i = 0; i < 16; i++) out[i] = gv[i];
    // Sizes must match the geometry exactly: a mismatch would read or write out of bounds.
    const int64_t src_n = g.n * g.h * g.w * g.c, dst_n = g.n * g.oh * g.ow * g.o;
    const int64_t w_n = g.kh * g.kw * (g.c / g.g) * g.o;
    if (g.g < 1 || g.c % g.g != 0 || g.o % g.g != 0 || static_cast<int64_t>(src.ElementLength()) != src_n ||
        static_cast<int64_t>(dst.ElementLength()) != dst_n || static_cast<int64_t>(w.ElementLength()) != w_n) {
      return Napi::Boolean::New(env, false);
    }
    try {
      runner_.run(static_cast<nas::Direction>(dir), g, src.Data(), w.Data(), dst.Data());
    } catch (const dnnl::error&) {
      return Napi::Boolean::New(env, false);
    }
    return Napi::Boolean::New(env, true);
  }
};

}  // namespace

NODE_API_ADDON(OnednnAddon)
