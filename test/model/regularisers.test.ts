/**
 * Block regularisers (src/model/regularisers/): each layer's forward and backward against a hand
 * computation from the draws it made (recomputed from the seed of its last draw), per-image and
 * per-unit independence, rates over many draws, inference as the expected value, reproducibility,
 * where the registry puts them in a NASNet network and what it refuses, and no tensor leaks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { loadSpace } from '../../src/space/load.js';
import { loadBaseline } from '../../src/baselines/index.js';
import { buildModel } from '../../src/model/build.js';
import { loadModel } from '../../src/model/load.js';
import { UserError } from '../../src/core/errors.js';
import type { Genotype, MacroSettings } from '../../src/space/types.js';
import { ShakeShake, shakeShakeDraw } from '../../src/model/regularisers/shake-shake.js';
import { ShakeDrop, shakeDropDraw } from '../../src/model/regularisers/shakedrop.js';
import { Swapout, predictAveraged, swapoutMask } from '../../src/model/regularisers/swapout.js';
import { restartStreams } from '../../src/model/regularisers/stream.js';
import { buildRegularised, checkRegulariser, RegulariserDoesNotApply, type RegulariserSettings } from '../../src/model/regularisers/index.js';
import { trainCell } from '../../src/training/train-cell.js';

const nasnet = loadSpace('nasnet');
const tiny: MacroSettings = { stemChannels: 4, filters: 4, cellsPerStage: 1, reductions: 1, filterMultiplier: 2 };
const input = { inputShape: [8, 8, 1] as [number, number, number], numClasses: 3, seed: 2 };
const SETTINGS: Record<string, RegulariserSettings> = {
  'shake-shake': { name: 'shake-shake' },
  shakedrop: { name: 'shakedrop', pL: 0.5 },
  swapout: { name: 'swapout', keepIdentity: 0.8, keepOp: 0.6 },
};

/** Values of a tensor as a flat array, then disposes it. */
const flat = (t: tf.Tensor): number[] => {
  const v = Array.from(t.dataSync());
  t.dispose();
  return v;
};
const near = (got: number[], want: number[], what: string, tol = 1e-5) => {
  assert.equal(got.length, want.length, what);
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) <= tol, `${what}[${i}]: ${g}, expected ${want[i]}`));
};
/** Element i of an [n, ...] tensor's flat values belongs to image floor(i / perImage). */
const imageOf = (i: number, perImage: number) => Math.floor(i / perImage);

const a = () => tf.randomNormal([3, 2, 2, 4], 0, 1, 'float32', 11);
const b = () => tf.randomNormal([3, 2, 2, 4], 0, 1, 'float32', 12);
const g = () => tf.randomNormal([3, 2, 2, 4], 0, 1, 'float32', 13);
const PER_IMAGE = 2 * 2 * 4;

test('shake-shake: training mixes each image with its own α, the backward pass splits the gradient with an independent β', () => {
  const before = tf.memory().numTensors;
  const layer = new ShakeShake({ seed: 7 });
  const [A, B, G] = [a(), b(), g()];
  const [av, bv, gv] = [A, B, G].map((t) => Array.from(t.dataSync()));
  // loss = Σ out ⊙ G, so the gradient reaching the layer's output is G.
  const outs: tf.Tensor[] = [];
  const [ga, gb] = tf.grads((x: tf.Tensor, y: tf.Tensor) => {
    const out = layer.apply([x, y], { training: true }) as tf.Tensor;
    outs.push(tf.keep(out.clone()));
    return tf.sum(tf.mul(out, G));
  })([A, B]);
  const { alpha, beta } = shakeShakeDraw(3, layer.stream.last!);
  const [al, be] = [flat(alpha), flat(beta)];
  assert.ok(al.every((v) => v >= 0 && v < 1) && be.every((v) => v >= 0 && v < 1));
  assert.equal(new Set(al).size, 3, 'every image has its own α');
  assert.ok(al.every((v, i) => v !== be[i]), 'β is not α');
  near(flat(outs[0]), av.map((v, i) => al[imageOf(i, PER_IMAGE)] * v + (1 - al[imageOf(i, PER_IMAGE)]) * bv[i]), 'α·a + (1 − α)·b');
  near(flat(ga), gv.map((v, i) => be[imageOf(i, PER_IMAGE)] * v), 'grad_a = β·g');
  near(flat(gb), gv.map((v, i) => (1 - be[imageOf(i, PER_IMAGE)]) * v), 'grad_b = (1 − β)·g');
  // Inference: the mean, the same every time.
  const inf1 = flat(layer.apply([A, B]) as tf.Tensor);
  near(inf1, av.map((v, i) => 0.5 * v + 0.5 * bv[i]), '0.5·a + 0.5·b');
  assert.deepEqual(flat(layer.apply([A, B]) as tf.Tensor), inf1);
  tf.dispose([A, B, G]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('shakedrop: forward (b + α − bα)·F, backward (b + β − bβ)·g, p·F at inference', () => {
  const before = tf.memory().numTensors;
  const layer = new ShakeDrop({ p: 0.4, seed: 5 });
  const [F, G] = [a(), g()];
  const [fv, gv] = [F, G].map((t) => Array.from(t.dataSync()));
  // Draw until the batch holds both a b = 0 and a b = 1 image (each is 1 − 0.4³ or 1 − 0.6³ likely per draw).
  for (let tries = 0; ; tries++) {
    const outs: tf.Tensor[] = [];
    const [gf] = tf.grads((x: tf.Tensor) => {
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      outs.push(tf.keep(out.clone()));
      return tf.sum(tf.mul(out, G));
    })([F]);
    const d = shakeDropDraw(3, 0.4, layer.stream.last!);
    const [bs, al, be] = [flat(d.b), flat(d.alpha), flat(d.beta)];
    tf.dispose([d.forward, d.backward]);
    assert.ok(bs.every((v) => v === 0 || v === 1) && al.every((v) => v >= -1 && v < 1) && be.every((v) => v >= 0 && v < 1));
    const fwd = bs.map((bl, i) => bl + al[i] - bl * al[i]);
    const bwd = bs.map((bl, i) => bl + be[i] - bl * be[i]);
    near(flat(outs[0]), fv.map((v, i) => fwd[imageOf(i, PER_IMAGE)] * v), '(b + α − bα)·F');
    near(flat(gf), gv.map((v, i) => bwd[imageOf(i, PER_IMAGE)] * v), '(b + β − bβ)·g');
    if (bs.includes(0) && bs.includes(1)) break;
    assert.ok(tries < 20, 'no batch with both b = 0 and b = 1 in 20 draws');
  }
  const inf = flat(layer.apply(F) as tf.Tensor);
  near(inf, fv.map((v) => 0.4 * v), 'p·F');
  assert.deepEqual(flat(layer.apply(F) as tf.Tensor), inf);
  tf.dispose([F, G]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('draw rates: ShakeDrop b ~ Bernoulli(p) per image, swapout θ ~ Bernoulli(keep) per unit, two branches independent', () => {
  const before = tf.memory().numTensors;
  // ShakeDrop over 20,000 images: 4 standard deviations of the rate are 0.014.
  const d = shakeDropDraw(20_000, 0.7, 'rate-test');
  const bs = flat(d.b);
  tf.dispose([d.alpha, d.beta, d.forward, d.backward]);
  const rate = bs.reduce((s, v) => s + v, 0) / bs.length;
  assert.ok(Math.abs(rate - 0.7) < 0.014, `b rate ${rate}`);
  // Swapout through the layer, on ones (out = θ): 100,000 units per branch.
  const ones = tf.ones([10, 10, 10, 100]);
  const t1 = flat(new Swapout({ keep: 0.3, seed: 1 }).apply(ones, { training: true }) as tf.Tensor);
  const t2 = flat(new Swapout({ keep: 0.6, seed: 2 }).apply(ones, { training: true }) as tf.Tensor);
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  assert.ok(t1.every((v) => v === 0 || v === 1));
  assert.ok(Math.abs(mean(t1) - 0.3) < 0.006, `θ1 rate ${mean(t1)}`);
  assert.ok(Math.abs(mean(t2) - 0.6) < 0.006, `θ2 rate ${mean(t2)}`);
  const both = mean(t1.map((v, i) => v * t2[i]));
  assert.ok(Math.abs(both - 0.18) < 0.006, `P(θ1 = θ2 = 1) ${both}, independent masks give 0.18`);
  // Within one mask, units of the same image differ (per unit, not per image).
  assert.ok(new Set(t1.slice(0, 10_000)).size === 2);
  ones.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('inference is the expected value of training: the mean over 20,000 draws of each layer', () => {
  const before = tf.memory().numTensors;
  const n = 20_000;
  // Image i is (x, y) = (1, −2) for every i: the batch mean of the training outputs estimates E[out].
  const x = tf.ones([n, 1, 1, 1]);
  const y = tf.fill([n, 1, 1, 1], -2);
  const cases: Array<[string, () => tf.Tensor, () => tf.Tensor, number]> = [
    ['shake-shake', () => new ShakeShake({ seed: 3 }).apply([x, y], { training: true }) as tf.Tensor, () => new ShakeShake().apply([x, y]) as tf.Tensor, 0.02],
    ['shakedrop', () => new ShakeDrop({ p: 0.6, seed: 3 }).apply(y, { training: true }) as tf.Tensor, () => new ShakeDrop({ p: 0.6 }).apply(y) as tf.Tensor, 0.03],
    ['swapout', () => new Swapout({ keep: 0.3, seed: 3 }).apply(y, { training: true }) as tf.Tensor, () => new Swapout({ keep: 0.3 }).apply(y) as tf.Tensor, 0.03],
  ];
  for (const [name, train, infer, tol] of cases) {
    const mean = flat(tf.tidy(() => tf.mean(train())))[0];
    const det = flat(infer());
    assert.ok(det.every((v) => v === det[0]), `${name}: inference is the same for every image`);
    assert.ok(Math.abs(mean - det[0]) < tol, `${name}: training mean ${mean}, inference ${det[0]}`);
  }
  // By hand: 0.5·1 + 0.5·(−2), 0.6·(−2), 0.3·(−2).
  near([flat(new ShakeShake().apply([x, y]) as tf.Tensor)[0], flat(new ShakeDrop({ p: 0.6 }).apply(y) as tf.Tensor)[0], flat(new Swapout({ keep: 0.3 }).apply(y) as tf.Tensor)[0]], [-0.5, -1.2, -0.6], 'expected values');
  tf.dispose([x, y]);
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('reproducible: the same seed draws the same, another seed otherwise; restartStreams(epoch) replays an epoch', () => {
  const before = tf.memory().numTensors;
  const [A, B] = [a(), b()];
  const model = (seed: number) => {
    const ia = tf.input({ shape: [2, 2, 4] });
    const ib = tf.input({ shape: [2, 2, 4] });
    const mixed = new ShakeShake({ seed }).apply([ia, ib]) as tf.SymbolicTensor;
    const dropped = new ShakeDrop({ p: 0.5, seed }).apply(mixed) as tf.SymbolicTensor;
    return tf.model({ inputs: [ia, ib], outputs: new Swapout({ keep: 0.5, seed }).apply(dropped) as tf.SymbolicTensor });
  };
  const steps = (m: tf.LayersModel, k: number) => Array.from({ length: k }, () => flat(m.apply([A, B], { training: true }) as tf.Tensor));
  const [m1, m2, m3] = [model(4), model(4), model(5)];
  assert.equal(restartStreams(m1, 0), 3, 'the three layers have streams');
  const first = steps(m1, 3);
  assert.deepEqual(steps(m2, 3), first, 'same seed, same draws');
  assert.notDeepEqual(steps(m3, 1)[0], first[0], 'another seed, other draws');
  assert.notDeepEqual(first[1], first[0], 'each step draws anew');
  // Epoch 1 from a fresh model (a resume) draws what the model that went through epoch 0 draws.
  restartStreams(m1, 1);
  restartStreams(m2, 1);
  const resumed = model(4);
  restartStreams(resumed, 1);
  assert.deepEqual(steps(resumed, 2), steps(m1, 2));
  assert.notDeepEqual(steps(m2, 1)[0], first[0], 'epoch 1 draws differ from epoch 0');
  tf.dispose([A, B]);
  for (const m of [m1, m2, m3, resumed]) m.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

const resnet = loadBaseline('resnet', nasnet).genotype;
const build = (s: RegulariserSettings | undefined, genotype: Genotype = resnet, macro: MacroSettings = tiny) =>
  buildRegularised(s, 9, genotype, (combine) => buildModel(nasnet, genotype, macro, { ...input, combine }));
const ofClass = (m: tf.LayersModel, name: string) => m.layers.filter((l) => l.getClassName() === name);

test('in a network: which blocks each regulariser takes, ShakeDrop\'s linear decay of p_l, and what is refused', () => {
  const before = tf.memory().numTensors;
  // resnet, normal-reduction-normal: 15 blocks; residual ones (an identity at stride 1): blocks 1, 3, 4 of
  // a normal cell, 3 and 4 of the reduction cell (its block 1's identity reads h[i-1] at stride 2).
  const ss = build(SETTINGS['shake-shake']);
  assert.equal(ss.regularised, 15);
  assert.equal(ofClass(ss.model, 'ShakeShake').length, 15);
  const sd = build(SETTINGS.shakedrop);
  assert.equal(sd.regularised, 8);
  const ps = ofClass(sd.model, 'ShakeDrop').map((l) => (l as ShakeDrop).p);
  near(ps, Array.from({ length: 8 }, (_, i) => 1 - ((i + 1) / 8) * 0.5), 'p_l = 1 − l/L·(1 − p_L)');
  const sw = build(SETTINGS.swapout);
  assert.equal(sw.regularised, 15);
  const keeps = ofClass(sw.model, 'Swapout').map((l) => (l as Swapout).keep);
  assert.equal(keeps.length, 30, 'one mask per branch');
  assert.equal(keeps.filter((k) => k === 0.8).length, 8, 'identity branches keep with keepIdentity');
  assert.equal(keeps.filter((k) => k === 0.6).length, 22);
  for (const m of [ss, sd, sw]) m.model.dispose();

  const refused = (f: () => unknown, pattern: RegExp) => assert.throws(f, (e: unknown) => e instanceof UserError && pattern.test((e as Error).message));
  const vgg = loadBaseline('vgg', nasnet).genotype;
  refused(() => build(SETTINGS.shakedrop, vgg), /shakedrop needs a residual block .* no block of this network has one/);
  // mobilenet: chains of separable convs, no identity anywhere.
  refused(() => build(SETTINGS.shakedrop, loadBaseline('mobilenet', nasnet).genotype), /needs a residual block/);
  const cell = loadSpace('nas-bench-201').validate({ space: 'nas-bench-201', arch: '|skip_connect~0|+|nor_conv_3x3~0|skip_connect~1|+|skip_connect~0|nor_conv_1x1~1|avg_pool_3x3~2|' });
  for (const s of Object.values(SETTINGS)) refused(() => buildRegularised(s, 1, cell, () => { throw new Error('built'); }), /nas-bench-201 cell is a graph of single edges/);
  refused(() => checkRegulariser({ name: 'shakedrop', pL: 1.5 }), /pL must be a probability in \[0, 1\], got 1\.5/);
  refused(() => checkRegulariser({ name: 'swapout', keepIdentity: 0.5, keepOp: -0.1 }), /keepOp must be a probability/);
  refused(() => checkRegulariser({ name: 'dropblock' } as unknown as RegulariserSettings), /expected one of shake-shake, shakedrop, swapout/);
  assert.equal(tf.memory().numTensors, before, 'a refused build leaves no tensor');
});

test('in a network: training steps are random and leak nothing, inference is deterministic and survives save and load', async () => {
  const x = tf.randomNormal([4, 8, 8, 1], 0, 1, 'float32', 3);
  for (const [name, s] of Object.entries(SETTINGS)) {
    const { model } = build(s);
    const plain = build(undefined).model;
    const before = tf.memory().numTensors;
    const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
    const step = () => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(model.apply(x, { training: true }) as tf.Tensor)) as tf.Scalar, vars);
      const v = flat(value);
      tf.dispose(Object.values(grads));
      return v[0];
    };
    const [l1, l2] = [step(), step()];
    assert.ok(Number.isFinite(l1) && l1 !== l2, `${name}: two training steps draw differently (${l1}, ${l2})`);
    const p1 = flat(model.predict(x) as tf.Tensor);
    assert.deepEqual(flat(model.predict(x) as tf.Tensor), p1, `${name}: inference is deterministic`);
    assert.notDeepEqual(p1, flat(plain.predict(x) as tf.Tensor), `${name}: the regulariser changes the network`);
    assert.equal(tf.memory().numTensors, before, `${name}: no tensor leaked`);
    // Saved and loaded (the classes registered by src/model/load.ts): same predictions, same p_l and keeps.
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const loaded = await loadModel(tf.io.fromMemory(saved!));
    near(flat(loaded.predict(x) as tf.Tensor), p1, `${name}: loaded model`, 1e-6);
    const params = (m: tf.LayersModel) => m.layers.map((l) => (l instanceof ShakeDrop ? l.p : l instanceof Swapout ? l.keep : null)).filter((v) => v !== null);
    assert.deepEqual(params(loaded), params(model));
    for (const m of [model, plain, loaded]) m.dispose();
  }
  x.dispose();
});

test('swapout\'s stochastic inference: averaged sampled passes approach the deterministic one, and repeat exactly', () => {
  const before = tf.memory().numTensors;
  const inp = tf.input({ shape: [1, 1, 400] });
  const model = tf.model({ inputs: inp, outputs: new Swapout({ keep: 0.5, seed: 2 }).apply(inp) as tf.SymbolicTensor });
  const x = tf.ones([1, 1, 1, 400]);
  const det = flat(model.predict(x) as tf.Tensor);
  const one = flat(predictAveraged(model, x, 1));
  assert.ok(one.every((v) => v === 0 || v === 1) && one.includes(0) && one.includes(1), 'one pass samples masks');
  const avg = flat(predictAveraged(model, x, 64));
  const err = avg.reduce((s, v, i) => s + Math.abs(v - det[i]), 0) / avg.length;
  // The mean of 64 Bernoulli(0.5) draws is off by ~0.05 on average.
  assert.ok(err < 0.08, `mean |averaged − deterministic| ${err}`);
  assert.deepEqual(flat(predictAveraged(model, x, 64)), avg, 'the same seed averages the same passes');
  assert.deepEqual(flat(model.predict(x) as tf.Tensor), det, 'plain inference is deterministic again afterwards');
  const plain = build(undefined).model;
  assert.throws(() => predictAveraged(plain, x, 4), /no Swapout layer/);
  plain.dispose();
  x.dispose();
  model.dispose();
  assert.equal(tf.memory().numTensors, before, 'no tensor leaked');
});

test('the search\'s trainer: trainCell trains a regularised child and refuses, like a constraint, one the regulariser cannot apply to', async () => {
  const fidelity = {
    protocol: 'proxy' as const, trainImages: 64, valImages: 32, imageSize: 8, epochs: 1, batchSize: 32, learningRate: 0.05,
    stemChannels: 4, filters: 4, cellsPerStage: 0, reductions: 1,
  };
  const r = await trainCell({ space: nasnet, genotype: resnet, fidelity, dataset: 'default', seed: 1, regulariser: SETTINGS.shakedrop });
  assert.ok(Number.isFinite(r.trainLoss) && r.accuracy >= 0 && r.accuracy <= 1);
  // Not the cell's fault, so not a failed child: a refusal the search does not count against --budget.
  const before = tf.memory().numTensors;
  const vgg = await trainCell({ space: nasnet, genotype: loadBaseline('vgg', nasnet).genotype, fidelity, dataset: 'default', seed: 1, regulariser: SETTINGS.shakedrop });
  assert.match(vgg.rejected ?? '', /--regulariser shakedrop needs a residual block/);
  assert.equal(vgg.epochsTrained, 0);
  assert.ok(vgg.params > 0 && vgg.multAdds > 0, 'the plain network\'s size is reported');
  assert.equal(tf.memory().numTensors, before, 'the refused network is disposed');
  // Any other error of the build still throws.
  await assert.rejects(
    trainCell({ space: nasnet, genotype: loadBaseline('vgg', nasnet).genotype, fidelity, dataset: 'default', seed: 1, regulariser: { name: 'shakedrop', pL: 2 } }),
    (e: unknown) => e instanceof UserError && !(e instanceof RegulariserDoesNotApply) && /pL must be a probability/.test((e as Error).message),
  );
});
