// Types of '#tfjs-backend-cpu' (package.json "imports"): the package's own; the code is dist/src/engine/shims/tfjs-backend-cpu.js.
import cpu = require('@tensorflow/tfjs-backend-cpu');
export = cpu;
