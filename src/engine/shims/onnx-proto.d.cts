// Types of '#onnx-proto' (package.json "imports"): the package's own; the code is dist/src/engine/shims/onnx-proto.js.
import onnx = require('onnx-proto');
export = onnx;
