// N-API entry point of the oneDNN engine. Context-aware (Napi::Addon): every worker thread
// that loads it gets its own instance, with its own oneDNN stream and primitive cache.
#include <napi.h>
#include <omp.h>

#include <string>

#include "conv.h"

namespace {

class OnednnAddon : public Napi::Addon<OnednnAddon> {
 public:
  OnednnAddon(Napi::Env env, Napi::Object exports) {
    DefineAddon(exports, {
                             InstanceMethod("version", &OnednnAddon::Version),
                             InstanceMethod("setThreads", &OnednnAddon::SetThreads),
                             InstanceMethod("conv", &OnednnAddon::Conv),
                             InstanceMethod("cacheSize", &OnednnAddon::CacheSize),
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
