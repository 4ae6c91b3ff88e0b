// Types of '#tfjs' (package.json "imports"): the package's own; the code is dist/src/engine/shims/tfjs.js.
import tf = require('@tensorflow/tfjs');
export = tf;
