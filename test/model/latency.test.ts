/**
 * Measured inference latency (src/model/latency.ts): sane statistics on every backend, a bigger
 * network measured slower, the child built as the trainer builds it, the interleaved pass, bad
 * settings refused, and no tensor left behind nor the caller's backend changed. Few, short runs:
 * the figures only have to be ordered right, not precise.
 */
import { needs } from '../helpers/system.js';
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { selectBackend } from '../../src/engine/backend.js';
import { loadOnnxRuntime, onnxRuntimeError } from '../../src/export/onnx-runtime.js';
import { loadSpace } from '../../src/space/load.js';
import { buildModel } from '../../src/model/build.js';
import { createRng } from '../../src/core/rng.js';
import { UserError } from '../../src/core/errors.js';
import { SEARCH_DEFAULT_PROXY } from '../../src/fidelity/presets.js';
import { macroOf } from '../../src/training/train-cell.js';
import type { MacroSettings } from '../../src/space/types.js';
import {
  DEFAULT_LATENCY, LATENCY_BACKENDS, latencyBackendError, measureGenotypeLatency, measureInterleaved, measureLatency,
  type Latency, type LatencyBackend, type LatencySettings,
} from '../../src/model/latency.js';

const space = loadSpace('nasnet');
const genotype = space.sample(createRng('latency-test'));
const SMALL: MacroSettings = { stemChannels: 4, filters: 2, cellsPerStage: 0, reductions: 1, filterMultiplier: 2 };
const LARGE: MacroSettings = { stemChannels: 16, filters: 16, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 };
const quick = (backend: LatencyBackend, o: Partial<LatencySettings> = {}): LatencySettings => ({ backend, batch: 1, threads: 1, runs: 5, warmup: 1, ...o });
const small = () => buildModel(space, genotype, SMALL, { inputShape: [8, 8, 1], numClasses: 10, seed: 1 }).model;

/** The tfjs backend holding a tensor's data (the engine's registry; tfjs moves data when another backend reads it). */
function holder(t: tf.Tensor): string | undefined {
  const e = tf.engine() as unknown as { registry: Record<string, unknown>; state: { tensorInfo: WeakMap<object, { backend: unknown }> } };
  const b = e.state.tensorInfo.get(t.dataId)?.backend;
  return Object.entries(e.registry).find(([, v]) => v === b)?.[0];
}

before(async () => {
  await selectBackend('cpu', { threads: 1 });
});

function assertSane(l: Latency, s: LatencySettings): void {
  assert.equal(l.backend, s.backend);
  assert.equal(l.batch, s.batch);
  assert.equal(l.runs, s.runs);
  for (const v of [l.ms, l.q1Ms, l.q3Ms, l.minMs]) assert.ok(Number.isFinite(v) && v > 0, `positive finite: ${JSON.stringify(l)}`);
  assert.ok(l.minMs <= l.q1Ms && l.q1Ms <= l.ms && l.ms <= l.q3Ms, `min <= q1 <= median <= q3: ${JSON.stringify(l)}`);
}

/** Runs `fn` with `backend` as the caller's, and checks it is still the active one after, with no tensor left behind. */
async function asCaller<T>(backend: string, fn: () => Promise<T>): Promise<T> {
  await selectBackend(backend, { threads: 1 });
  const before = tf.memory().numTensors;
  const out = await fn();
  assert.equal(tf.getBackend(), backend, 'the caller keeps its backend');
  assert.equal(tf.memory().numTensors, before, 'no tensor leaks');
  return out;
}

describe('latencyBackendError', () => {
  it('names the known backends for an unknown one', () => {
    const why = latencyBackendError('nope');
    assert.match(why, /nope/);
    for (const b of LATENCY_BACKENDS) assert.ok(why.includes(b), why);
    assert.ok(!why.includes('\n'));
  });
  it('accepts cpu here, and onnx when onnxruntime-node loads', () => {
    assert.equal(latencyBackendError('cpu'), '');
    assert.equal(latencyBackendError('onnx') === '', loadOnnxRuntime() !== null);
  });
  it('measureLatency refuses bad settings with a UserError', async () => {
    const m = small();
    try {
      await assert.rejects(measureLatency(m, quick('nope' as LatencyBackend)), (e: Error) => e instanceof UserError && /onednn, cpu, onnx/.test(e.message));
      await assert.rejects(measureLatency(m, quick('cpu', { runs: 0 })), (e: Error) => e instanceof UserError && /runs/.test(e.message));
      await assert.rejects(measureLatency(m, quick('cpu', { batch: 1.5 })), (e: Error) => e instanceof UserError && /batch/.test(e.message));
    } finally {
      m.dispose();
    }
  });
});

it('DEFAULT_LATENCY is batch 1 at one thread, with some warm-up', () => {
  assert.equal(DEFAULT_LATENCY.batch, 1);
  assert.equal(DEFAULT_LATENCY.threads, 1);
  assert.ok(DEFAULT_LATENCY.warmup >= 1 && DEFAULT_LATENCY.runs >= 5);
});

for (const backend of ['cpu', 'onednn'] as const) {
  describe(`measureLatency on ${backend}`, backend === 'onednn' ? needs('oneDNN engine') : {}, () => {
    it('gives sane statistics for a model built on the same backend', async () => {
      const s = quick(backend);
      const l = await asCaller(backend, async () => {
        const m = small();
        try {
          return await measureLatency(m, s);
        } finally {
          m.dispose();
        }
      });
      assertSane(l, s);
      assert.equal(l.threads, 1);
    });
    it('times a model whose weights live on another backend, leaving the caller on its own', async () => {
      const other = backend === 'cpu' ? 'cpu-stock' : 'cpu';
      const s = quick(backend, { batch: 3 });
      const l = await asCaller(other, async () => {
        const m = small();
        const weightsBefore = m.getWeights().map((w) => w.dataSync().slice());
        try {
          assert.equal(holder(m.weights[0].read()), other);
          const got = await measureLatency(m, s);
          // A copy was timed: the caller's weights did not move to the timed backend, nor change, and the model still runs.
          assert.ok(m.weights.every((w) => holder(w.read()) === other), 'the weights stay on the caller\'s backend');
          m.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), weightsBefore[i]));
          tf.tidy(() => assert.equal((m.predict(tf.zeros([2, 8, 8, 1])) as tf.Tensor).shape[0], 2));
          return got;
        } finally {
          m.dispose();
        }
      });
      assertSane(l, s);
    });
  });
}

it('a much larger network is measured slower than a small one', async () => {
  const s = quick('cpu', { runs: 5 });
  const [lo, hi] = await asCaller('cpu', async () => {
    const out: Latency[] = [];
    for (const [macro, side] of [[SMALL, 8], [LARGE, 20]] as const) {
      const built = buildModel(space, genotype, macro, { inputShape: [side, side, 1], numClasses: 10, seed: 1 });
      try {
        out.push(await measureLatency(built.model, s));
      } finally {
        built.model.dispose();
      }
    }
    return out;
  });
  assert.ok(hi.minMs > 3 * lo.minMs && hi.ms > lo.ms, `large ${hi.ms.toFixed(2)} ms (min ${hi.minMs.toFixed(2)}) vs small ${lo.ms.toFixed(2)} ms (min ${lo.minMs.toFixed(2)})`);
});

describe('onnx', { skip: loadOnnxRuntime() ? false : `onnxruntime-node does not load: ${onnxRuntimeError()}` }, () => {
  it('exports the model and times it in onnxruntime, at the threads asked', async () => {
    const s = quick('onnx', { threads: 2, batch: 2 });
    const l = await asCaller('cpu', async () => {
      const m = small();
      try {
        return await measureLatency(m, s);
      } finally {
        m.dispose();
      }
    });
    assertSane(l, s);
    assert.equal(l.threads, 2);
  });
});

describe('measureGenotypeLatency', () => {
  it('builds the child as the trainer does: a fidelity over a dataset', async () => {
    const f = SEARCH_DEFAULT_PROXY;
    const s = quick('cpu');
    const l = await asCaller('cpu-stock', () => measureGenotypeLatency(space, genotype, { fidelity: f, dataset: 'default' }, s));
    assertSane(l, s);
    // The default dataset is 28x28x1 with 10 classes; the fidelity resizes it to 14x14.
    const ref = buildModel(space, genotype, macroOf(f, space), { inputShape: [f.imageSize, f.imageSize, 1], numClasses: 10 });
    ref.model.dispose();
    assert.equal(l.params, ref.params);
    assert.equal(l.multAdds, ref.multAdds);
  });
  it('takes explicit macro settings and input', async () => {
    const s = quick('cpu');
    const l = await asCaller('cpu', () => measureGenotypeLatency(space, genotype, { macro: SMALL, inputShape: [8, 8, 1], numClasses: 10 }, s));
    assertSane(l, s);
    const ref = buildModel(space, genotype, SMALL, { inputShape: [8, 8, 1], numClasses: 10 });
    ref.model.dispose();
    assert.equal(l.params, ref.params);
  });
});

describe('measureInterleaved', () => {
  it('returns every id with one median per round and the runs pooled over the rounds', async () => {
    const s = quick('cpu', { runs: 3, warmup: 1 });
    const rounds = 3;
    const builds = new Map<number, number>();
    const macros = [SMALL, { ...SMALL, filters: 4 }, { ...SMALL, cellsPerStage: 1 }];
    const items = macros.map((macro, id) => ({
      id: id + 10,
      build: () => {
        builds.set(id + 10, (builds.get(id + 10) ?? 0) + 1);
        return buildModel(space, genotype, macro, { inputShape: [8, 8, 1], numClasses: 10, seed: 1 }).model;
      },
    }));
    const out = await asCaller('cpu-stock', () => measureInterleaved(items, s, rounds));
    assert.deepEqual([...out.keys()].sort(), [10, 11, 12]);
    for (const [id, l] of out) {
      assertSane(l, { ...s, runs: rounds * s.runs });
      assert.equal(l.roundMs.length, rounds);
      assert.ok(l.roundMs.every((v) => Number.isFinite(v) && v > 0));
      assert.equal(builds.get(id), rounds);
    }
  });
  it('refuses duplicate ids and a bad round count', async () => {
    const items = [{ id: 1, build: small }, { id: 1, build: small }];
    await assert.rejects(measureInterleaved(items, quick('cpu'), 1), UserError);
    await assert.rejects(measureInterleaved([{ id: 1, build: small }], quick('cpu'), 0), UserError);
  });
});
