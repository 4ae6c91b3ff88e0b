/**
 * ONNX export checked by a real runtime: every op of the NASNet, NASNet-plus and NAS-Bench-201 spaces at stride
 * 1 and 2, every baseline and NAS-Bench-201 cells, exported and run by onnxruntime-node on real test
 * images of the default dataset; the outputs must match tfjs' to 1e-4 and give the same accuracy.
 * Batch norms get statistics of real images and random affine weights first, so an inference-form
 * mistake cannot hide behind the initial mean 0 / variance 1.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import seedrandom from 'seedrandom';
import onnxProto from '#onnx-proto';
import { availableBackends, selectBackend } from '../../src/engine/backend.js';
import { loadDataset } from '../../src/data/datasets.js';
import type { Split } from '../../src/data/types.js';
import { loadSpace } from '../../src/space/load.js';
import { buildModel } from '../../src/model/build.js';
import { BuildContext, batchNorm, conv, relu, type Sym } from '../../src/model/context.js';
import { getOp } from '../../src/model/ops/registry.js';
import { NASNET_OPS, NB201_OPS } from '../../src/model/ops/names.js';
import { DropPath } from '../../src/model/drop-path.js';
import { buildRegularised, type RegulariserSettings } from '../../src/model/regularisers/index.js';
import { cellBaselines, loadBaseline } from '../../src/baselines/index.js';
import { modelToOnnx } from '../../src/export/onnx.js';
import { compareWithOnnx } from '../../src/export/onnx-check.js';
import { loadOnnxRuntime, onnxRuntimeError } from '../../src/export/onnx-runtime.js';
import { gatherBatch } from '../../src/training/batches.js';
import { createRng } from '../../src/core/rng.js';
import { UserError } from '../../src/core/errors.js';

const IMAGES = 300;
const TOLERANCE = 1e-4;
let split: Split;
let trainImages: Split;

before(async () => {
  assert.ok(loadOnnxRuntime(), onnxRuntimeError());
  // The engine's fastest backend here: what is checked is the exported graph against tfjs' outputs.
  await selectBackend(availableBackends().includes('onednn') ? 'onednn' : 'cpu');
  const ds = loadDataset('default');
  split = { ...ds.test, count: IMAGES };
  trainImages = ds.train;
});

/**
 * Batch norms as a trained network has them: gamma and beta drawn at random (seeded), then the moving
 * mean and variance moved to the statistics of 64 real images as 25 training-mode passes at momentum
 * 0.9 would (within 7 %), in one pass at momentum 0.9^25 (each pass sees the same batch statistics,
 * so the 25 updates compose into one), so every BN input of the inference form is a non-trivial value
 * and the activations keep the scale of a trained network.
 */
function calibrateBatchNorms(model: tf.LayersModel, seed: string): void {
  const rng = seedrandom(seed);
  const u = (lo: number, hi: number, n: number) => Float32Array.from({ length: n }, () => lo + (hi - lo) * rng());
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const values = layer.weights.map((w) => {
      const key = w.originalName.split('/').pop();
      const n = w.shape[0] as number;
      return key === 'gamma' ? tf.tensor1d(u(0.5, 1.5, n)) : key === 'beta' ? tf.tensor1d(u(-0.5, 0.5, n)) : w.read().clone();
    });
    layer.setWeights(values);
    tf.dispose(values);
  }
  const n = 64;
  const { x } = gatherBatch(trainImages, Int32Array.from({ length: n }, (_, i) => i), trainImages.norm!);
  const batch = tf.tensor4d(x, [n, 28, 28, 1]);
  const norms = model.layers.filter((l) => l.getClassName() === 'BatchNormalization') as unknown as { momentum: number }[];
  const momenta = norms.map((l) => l.momentum);
  for (const l of norms) l.momentum = 0.9 ** 25;
  tf.tidy(() => void model.apply(batch, { training: true }));
  norms.forEach((l, i) => (l.momentum = momenta[i]));
  batch.dispose();
}

/** The figures of every case, printed once at the end (the report quotes them). */
const figures: string[] = [];
after(() => console.log(['# onnxruntime vs tfjs', ...figures].join('\n# ')));

async function agree(model: tf.LayersModel, what: string): Promise<void> {
  calibrateBatchNorms(model, what);
  const { bytes } = modelToOnnx(model);
  const r = await compareWithOnnx(model, bytes, split);
  assert.equal(r.images, IMAGES);
  figures.push(`${what}: max abs diff ${r.maxAbsDiff.toExponential(2)} (|output| ≤ ${r.maxAbsOutput.toFixed(2)}), accuracy tfjs ${r.tfjsAccuracy.toFixed(4)} onnxruntime ${r.onnxAccuracy.toFixed(4)}, ${r.disagreements} disagreements`);
  assert.ok(r.maxAbsDiff <= TOLERANCE, `${what}: max |tfjs - onnxruntime| = ${r.maxAbsDiff} (largest |output| ${r.maxAbsOutput})`);
  assert.equal(r.onnxAccuracy, r.tfjsAccuracy, `${what}: accuracy tfjs ${r.tfjsAccuracy}, onnxruntime ${r.onnxAccuracy}`);
}

/**
 * The op on its own between a stem and a classifier: once at 28x28 (8 -> 8 channels) and once, after
 * two stride-2 pools, at 7x7 (8 -> 12 channels: the width-changing paths; at stride 2 an odd side,
 * so 'same' pads are asymmetric). Optionally wrapped in DropPath, as the replay trainer does.
 */
function opModel(op: string, stride: 1 | 2, dropPath = false): tf.LayersModel {
  const ctx = new BuildContext(17);
  const input = tf.input({ shape: [28, 28, 1] });
  let x = batchNorm(ctx, conv(ctx, input, 8, 3));
  const apply = (y: Sym, channels: number) => {
    const out = getOp(op)(ctx, y, channels, stride);
    return dropPath ? (new DropPath({ name: ctx.name('drop') }).apply(out) as Sym) : out;
  };
  x = apply(x, 8);
  for (let i = 0; i < (stride === 1 ? 2 : 1); i++) x = tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }).apply(x) as Sym;
  x = apply(x, 12);
  x = tf.layers.globalAveragePooling2d({}).apply(relu(ctx, x)) as Sym;
  return tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(x) as Sym });
}

for (const op of [...new Set<string>([...NASNET_OPS, ...NB201_OPS, ...loadSpace('nasnet-plus').ops])]) {
  for (const stride of [1, 2] as const) {
    test(`onnxruntime agrees with tfjs: ${op} at stride ${stride}`, async () => {
      const model = opModel(op, stride);
      try {
        await agree(model, `${op}/s${stride}`);
      } finally {
        model.dispose();
      }
    });
  }
}

const MACRO = { stemChannels: 8, filters: 4, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 };

test('onnxruntime agrees with tfjs: every baseline (normal and reduction cells, 28 -> 14 -> 7)', async () => {
  const space = loadSpace('nasnet');
  // The cell baselines (what a run trains and exports); a network baseline's cell alone is not its network.
  const names = cellBaselines(space);
  assert.ok(names.length >= 11);
  for (const name of names) {
    const built = buildModel(space, loadBaseline(name, space).genotype, MACRO, { inputShape: [28, 28, 1], numClasses: 10, seed: 2 });
    try {
      await agree(built.model, `baseline ${name}`);
    } finally {
      built.model.dispose();
    }
  }
});

test('onnxruntime agrees with tfjs: NAS-Bench-201 cells with their residual reductions', async () => {
  const space = loadSpace('nas-bench-201');
  const rng = createRng('onnx-nb201');
  const archs = ['|nor_conv_3x3~0|+|nor_conv_1x1~0|avg_pool_3x3~1|+|skip_connect~0|none~1|nor_conv_3x3~2|'];
  const genotypes = [...archs.map((arch) => space.validate({ space: 'nas-bench-201', arch })), ...Array.from({ length: 3 }, () => space.sample(rng))];
  for (const g of genotypes) {
    const built = buildModel(space, g, MACRO, { inputShape: [28, 28, 1], numClasses: 10, seed: 4 });
    try {
      await agree(built.model, space.describe(g));
    } finally {
      built.model.dispose();
    }
  }
});

test('DropPath exports as the identity', async () => {
  const model = opModel('sep_conv_3x3', 2, true);
  try {
    assert.ok(model.layers.some((l) => l instanceof DropPath));
    await agree(model, 'drop-path');
  } finally {
    model.dispose();
  }
});

test('the block regularisers export in their inference forms (mean, ×p_l, ×keep)', async () => {
  const space = loadSpace('nasnet');
  const genotype = loadBaseline('resnet', space).genotype;
  const settings: RegulariserSettings[] = [{ name: 'shake-shake' }, { name: 'shakedrop', pL: 0.5 }, { name: 'swapout', keepIdentity: 0.9, keepOp: 0.6 }];
  for (const s of settings) {
    const built = buildRegularised(s, 3, genotype, (combine) => buildModel(space, genotype, MACRO, { inputShape: [28, 28, 1], numClasses: 10, seed: 2, combine }));
    try {
      assert.ok(built.regularised > 0);
      await agree(built.model, `resnet with ${s.name}`);
    } finally {
      built.model.dispose();
    }
  }
});

test('the file is an ONNX model at opset 13: NHWC input, one Transpose, BN in inference form, no training ops', () => {
  const model = opModel('sep_conv_5x5', 2);
  try {
    const { bytes, ops } = modelToOnnx(model);
    const m = onnxProto.onnx.ModelProto.decode(bytes);
    assert.equal(Number(m.irVersion), 7);
    assert.deepEqual(m.opsetImport.map((o) => [o.domain, Number(o.version)]), [['', 13]]);
    const dims = m.graph!.input![0].type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
    assert.deepEqual(dims, ['batch', 28, 28, 1]);
    assert.equal(ops.Transpose, 1);
    // sep_conv twice per op, each a depthwise and a pointwise Conv with group = channels on the first.
    const groups = m.graph!.node!.filter((n) => n.opType === 'Conv').map((n) => Number(n.attribute!.find((a) => a.name === 'group')!.i));
    assert.equal(groups.filter((gr) => gr > 1).length, 4);
    assert.ok(!m.graph!.node!.some((n) => n.opType === 'Dropout'));
    // Inference-form BN: one output, no training_mode.
    for (const n of m.graph!.node!.filter((n) => n.opType === 'BatchNormalization')) {
      assert.equal(n.output!.length, 1);
      assert.ok(!n.attribute!.some((a) => a.name === 'training_mode'));
    }
  } finally {
    model.dispose();
  }
});

test('a layer with no ONNX mapping is refused, naming it', () => {
  const input = tf.input({ shape: [8, 8, 1] });
  const up = tf.layers.upSampling2d({ size: [2, 2], name: 'upsample' }).apply(input) as Sym;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 2 }).apply(tf.layers.globalAveragePooling2d({}).apply(up)) as Sym });
  try {
    assert.throws(() => modelToOnnx(model), (e: Error) => e instanceof UserError && /layer upsample \(UpSampling2D\) has no ONNX mapping/.test(e.message));
  } finally {
    model.dispose();
  }
});
