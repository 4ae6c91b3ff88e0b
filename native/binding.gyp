{
  "targets": [
    {
      "target_name": "nas_onednn",
      "sources": ["src/addon.cc", "src/conv.cc", "src/eltwise.cc", "src/batchnorm.cc", "src/layout.cc", "src/depthwise.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags_cc!": ["-fno-exceptions", "-fno-rtti"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions", "-fopenmp"],
      "libraries": ["-ldnnl", "-fopenmp"],
      # Node unloads an addon when the last worker thread that loaded it ends, but libgomp's
      # pool threads of that worker may still be spinning in libgomp's code: unloading it under
      # them was a SIGSEGV at exit, one run in three or six on a loaded machine. Never unload.
      "ldflags": ["-Wl,-z,nodelete"]
    }
  ]
}
