/**
 * One data-parallel replica (src/training/replicas/group.ts): builds the replay's network on its
 * own engine, then per step reads the weights if they changed, computes the mean
 * gradient of its shard and writes it to its slot of shared memory.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '#tfjs';
import { selectBackend } from '../../engine/backend.js';
import { loadSpace } from '../../space/load.js';
import { buildReplayNetwork } from '../../replay/network.js';
import { setDropPathRate } from '../../model/drop-path.js';
import { restartStreams } from '../../model/regularisers/stream.js';
import { endsInSoftmax } from '../loss.js';
import { batchGradients, gradientTensors } from '../step.js';
import { flatOffsets } from './shards.js';
import type { FromReplica, ReplicaInit, ToReplica } from './group.js';

const init = workerData as ReplicaInit;
const port = parentPort!;
const send = (m: FromReplica) => port.postMessage(m);
const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

try {
  await selectBackend(init.backend, { threads: init.engineThreads });
  const net = buildReplayNetwork(loadSpace(init.spaceFile), init.genotype, init.macro, init.settings, init.inputShape, init.numClasses, init.replica);
  const vars = net.trainModel.trainableWeights.map((w) => w.read() as tf.Variable);
  if (vars.length !== init.sizes.length || vars.some((v, i) => v.size !== init.sizes[i])) {
    throw new Error(`the replica's network has other weights (${vars.length} variables) than the replay's (${init.sizes.length})`);
  }
  const offsets = flatOffsets(init.sizes);
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads);
  const x = new Float32Array(init.x);
  const y = new Int32Array(init.y);
  const [h, w, c] = init.inputShape;
  const probabilities = endsInSoftmax(net.built.model);
  let version = -1;
  let epoch = -1;
  port.on('message', (m: ToReplica) => {
    try {
      if (m.weightsVersion !== version) {
        // Copies (slice): a tensor must not hold shared memory the next step overwrites.
        tf.tidy(() => vars.forEach((v, i) => v.assign(tf.tensor(weights.slice(offsets[i], offsets[i + 1]), v.shape))));
        version = m.weightsVersion;
      }
      if (m.epoch !== epoch) {
        restartStreams(net.trainModel, m.epoch);
        epoch = m.epoch;
      }
      setDropPathRate(net.trainModel, m.dropRate);
      const xs = tf.tensor4d(x.slice(0, m.n * h * w * c), [m.n, h, w, c]);
      const ys = tf.tensor1d(y.slice(0, m.n), 'int32');
      const g = batchGradients(net.trainModel, vars, xs, ys, init.numClasses, init.settings, probabilities);
      vars.forEach((v, i) => grads.set(g.grads[v.name].dataSync() as Float32Array, offsets[i]));
      const loss = g.value.dataSync()[0];
      const correct = g.correct.dataSync()[0];
      tf.dispose([xs, ys, ...gradientTensors(g)]);
      send({ type: 'done', loss, correct });
    } catch (e) {
      send({ type: 'error', message: messageOf(e) });
    }
  });
  send({ type: 'ready' });
} catch (e) {
  send({ type: 'error', message: messageOf(e) });
}
