/**
 * Registers the custom layers a child model may hold, so tf.loadLayersModel can rebuild it.
 * Import this module (src/model/load.ts does) before loading a saved model.
 */
export { AtrousConv2D } from './atrous-conv.js';
export { GroupConv2D } from './group-conv.js';
// The block regularisers' layers (nas train --regulariser): their inference forms are deterministic.
export { ShakeDrop } from '../regularisers/shakedrop.js';
export { ShakeShake } from '../regularisers/shake-shake.js';
export { Swapout } from '../regularisers/swapout.js';
