/**
 * The macro families and stems (src/model/widths.ts, macro-options.ts, stem.ts, ror.ts,
 * fractal.ts, nasnet-body.ts): widths against hand-computed schedules, parameter counts against
 * hand counts, the fractal's columns and mean join on built models, the stem's output, and the
 * refusals (one UserError line, nothing built).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '#tfjs';
import { loadSpace } from '../../src/space/load.js';
import { buildModel, type BuildOptions } from '../../src/model/build.js';
import { cellWidths, pyramidWidth } from '../../src/model/widths.js';
import { macroOptionsProblem, readMacroOptions } from '../../src/model/macro-options.js';
import { checkSpaceJson, opWidthProblem } from '../../src/space/file.js';
import { UserError } from '../../src/core/errors.js';
import { SpaceError } from '../../src/space/errors.js';
import type { MacroSettings, NasnetBlock, NasnetGenotype } from '../../src/space/types.js';
import { loadDataset } from '../../src/data/datasets.js';
import { macroOf } from '../../src/training/train-cell.js';
import { lastReductionCell } from '../../src/model/aux-head.js';
import type { Fidelity } from '../../src/training/fidelity.js';
import { modelToOnnx } from '../../src/export/onnx.js';
import { compareWithOnnx } from '../../src/export/onnx-check.js';
import { loadOnnxRuntime, onnxRuntimeError } from '../../src/export/onnx-runtime.js';

const nasnet = loadSpace('nasnet');
const nb201 = loadSpace('nas-bench-201');

/** Every block two 3x3 convs of the previous block: a plain conv cell (VGG's), reads h[i-1] only. */
const chain = (ops: [string, string]): NasnetBlock[] => Array.from({ length: 5 }, (_, j) => ({ inputs: [j + 1, j + 1] as [number, number], ops }));
const VGG: NasnetGenotype = { space: 'nasnet', normal: chain(['conv_3x3', 'conv_3x3']), reduce: chain(['conv_3x3', 'conv_3x3']) };
/** resnet.json's cell: its output is block 4 alone, so a cell of width w outputs w channels. */
const RESNET_CELL: NasnetBlock[] = [
  { inputs: [1, 1], ops: ['conv_3x3', 'conv_3x3'] },
  { inputs: [2, 1], ops: ['conv_3x3', 'identity'] },
  { inputs: [3, 3], ops: ['conv_3x3', 'conv_3x3'] },
  { inputs: [4, 3], ops: ['conv_3x3', 'identity'] },
  { inputs: [5, 5], ops: ['conv_3x3', 'identity'] },
];
const RESNET: NasnetGenotype = { space: 'nasnet', normal: RESNET_CELL, reduce: RESNET_CELL };

const base: MacroSettings = { stemChannels: 4, filters: 4, cellsPerStage: 1, reductions: 2, filterMultiplier: 2 };
const opts = (side = 16, channels = 1): BuildOptions => ({ inputShape: [side, side, channels], numClasses: 10, seed: 5 });
const widths = (m: Partial<MacroSettings>, layout?: 'nasnet' | 'pnas') => cellWidths({ ...base, ...m }, layout).map((c) => c.width);

test('widthMultiplier (WRN\'s k): every cell k times wider, plan N R N R N', () => {
  assert.deepEqual(widths({}), [4, 8, 8, 16, 16]);
  assert.deepEqual(widths({ widthMultiplier: 3 }), [12, 24, 24, 48, 48]);
  assert.deepEqual(widths({ widthMultiplier: 1.5 }), [6, 12, 12, 24, 24]);
  // WRN-28-10's groups: 16k, 32k, 64k = 160, 320, 640.
  assert.deepEqual([...new Set(widths({ filters: 16, widthMultiplier: 10, cellsPerStage: 4 }))], [160, 320, 640]);
});

test('pyramidAlpha (PyramidNet\'s additive rule): cell j of N is floor(F + j·α/N) wide, reductions included', () => {
  // F = 8, α = 12, N = 5 cells: 8 + 2.4, 8 + 4.8, 8 + 7.2, 8 + 9.6, 8 + 12.
  assert.deepEqual(widths({ filters: 8, pyramidAlpha: 12 }), [10, 12, 15, 17, 20]);
  // The doubling filterMultiplier plays no part.
  assert.deepEqual(widths({ filters: 8, pyramidAlpha: 12, filterMultiplier: 3 }), [10, 12, 15, 17, 20]);
  // 'pnas' layout, N = 2, R = 2: 6 cells; 4 + j·6/6.
  assert.deepEqual(widths({ pyramidAlpha: 6, cellsPerStage: 2 }, 'pnas'), [5, 6, 7, 8, 9, 10]);
  // With WRN's k on top: round(2 · floor(...)).
  assert.deepEqual(widths({ filters: 8, pyramidAlpha: 12, widthMultiplier: 2 }), [20, 24, 30, 34, 40]);
  // PyramidNet-110 (α = 48, N = 54 units from D_1 = 16): 16 at first, 64 at the end, +1 at most
  // per unit. Eq. 2 floored at every step would stay at 16 (48 / 54 < 1).
  const d = Array.from({ length: 54 }, (_, i) => pyramidWidth(16, 48, i + 1, 54));
  assert.equal(d[0], 16);
  assert.equal(d[53], 64);
  assert.ok(d.every((w, i) => i === 0 || w - d[i - 1] === 0 || w - d[i - 1] === 1));
  assert.equal(d.filter((w, i) => i > 0 && w > d[i - 1]).length, 48);
});

test('a WRN of a plain conv cell: params are the hand count, its 3x3 convs exactly k² times the base\'s', () => {
  // One stage of one VGG cell on an 8x8x1 image, stem S = 4, F = 2, width w = k·F:
  // stem 9·1·4 + BN 8; fit of h[i-1] 4w + 2w; ten ReLU-3x3 conv-BN 10·(9w² + 2w); dense 10w + 10.
  const hand = (w: number) => 36 + 8 + 6 * w + 10 * (9 * w * w + 2 * w) + 10 * w + 10;
  const convs3x3 = (m: tf.LayersModel) =>
    m.layers.filter((l) => l.getClassName() === 'Conv2D' && (l.getConfig().kernelSize as number[])[0] === 3 && l.name !== 'conv_0').reduce((s, l) => s + l.countParams(), 0);
  const macro = { stemChannels: 4, filters: 2, cellsPerStage: 1, reductions: 0, filterMultiplier: 2 };
  const plain = buildModel(nasnet, VGG, macro, opts(8));
  const wide = buildModel(nasnet, VGG, { ...macro, widthMultiplier: 3 }, opts(8));
  try {
    assert.equal(plain.params, hand(2));
    assert.equal(wide.params, hand(6));
    assert.equal(convs3x3(plain.model), 10 * 9 * 2 * 2);
    assert.equal(convs3x3(wide.model) / convs3x3(plain.model), 9);
  } finally {
    plain.model.dispose();
    wide.model.dispose();
  }
});

test('RoR adds exactly its projections: 1x1 conv (stride 2 per reduction crossed) + BN where the shape changes, nothing where it does not', () => {
  const proj = (cin: number, cout: number) => cin * cout + 2 * cout;
  const params = (m: MacroSettings) => {
    const b = buildModel(nasnet, RESNET, m, opts(16));
    b.model.dispose();
    return b.params;
  };
  // S = 6, F = 4: stages 4, 8, 16 wide; stage 0's input is the 6-channel stem.
  const m = { ...base, stemChannels: 6 };
  const plain = params(m);
  assert.equal(params({ ...m, rorLevels: 1 }), plain);
  assert.equal(params({ ...m, rorLevels: 2 }) - plain, proj(6, 16)); // root: stem -> last cell
  assert.equal(params({ ...m, rorLevels: 3 }) - plain, proj(6, 4) + proj(4, 8) + proj(8, 16) + proj(6, 16));
  // S = F: stage 0's shortcut is the identity (no weights).
  const same = { ...base, stemChannels: 4 };
  assert.equal(params({ ...same, rorLevels: 3 }) - params(same), proj(4, 8) + proj(8, 16) + proj(4, 16));
});

test('RoR\'s shortcuts are added: the root one reads the stem at stride 2^R, in one add with the last stage\'s', () => {
  const fromStem = (m: tf.LayersModel) => m.layers.filter((l) => l.getClassName() === 'Conv2D' && (l.input as tf.SymbolicTensor).sourceLayer.name === 'bn_0');
  const strides = (m: tf.LayersModel) => fromStem(m).map((l) => (l.getConfig().strides as number[])[0]).sort();
  /** The add that the root projection's BN feeds: its number of terms. */
  const rootAdd = (m: tf.LayersModel) => {
    const root = fromStem(m).find((l) => (l.getConfig().strides as number[])[0] === 4)!;
    const bn = m.layers.find((l) => l.getClassName() === 'BatchNormalization' && (l.input as tf.SymbolicTensor).sourceLayer === root)!;
    const add = m.layers.find((l) => l.getClassName() === 'Add' && (l.input as tf.SymbolicTensor[]).some((t) => t.sourceLayer === bn))!;
    return (add.input as tf.SymbolicTensor[]).length;
  };
  const m = { ...base, stemChannels: 6 };
  const [plain, ror2, ror3] = [1, 2, 3].map((rorLevels) => buildModel(nasnet, RESNET, { ...m, rorLevels }, opts(16)));
  try {
    // Convs reading the stem itself (the first cell fits it through a ReLU: relu_0).
    assert.deepEqual(strides(plain.model), []);
    assert.deepEqual(strides(ror2.model), [4]); // the root projection
    assert.deepEqual(strides(ror3.model), [1, 4]); // + stage 0's projection (6 -> 4 channels)
    assert.equal(rootAdd(ror2.model), 2); // last cell + root
    assert.equal(rootAdd(ror3.model), 3); // last cell + stage shortcut + root
  } finally {
    for (const b of [plain, ror2, ror3]) b.model.dispose();
  }
});

/** Builds with fractalColumns; records every cell the hooks see. */
function fractal(columns: number, m: Partial<MacroSettings> = {}) {
  const seen: Array<{ index: number; cells: number; reduction: boolean }> = [];
  const b = buildModel(nasnet, VGG, { ...base, ...m, fractalColumns: columns }, { ...opts(8), onCell: (_, info) => seen.push(info) });
  return { ...b, seen };
}
const joins = (m: tf.LayersModel) => m.layers.filter((l) => l.name.startsWith('join_') && l.getClassName() === 'Rescaling');
const arity = (join: tf.layers.Layer) => ((join.input as tf.SymbolicTensor).sourceLayer.input as tf.SymbolicTensor[]).length;

test('FractalNet: each normal cell becomes 2^C - 1 cells; the reduction cells stay single', () => {
  const b = fractal(3);
  try {
    // N = 1, R = 2: three fractal blocks of 7 cells, two reduction cells.
    assert.equal(b.seen.length, 3 * 7 + 2);
    assert.ok(b.seen.every((s) => s.cells === 23));
    assert.deepEqual(b.seen.map((s) => s.index), Array.from({ length: 23 }, (_, i) => i));
    assert.deepEqual(b.seen.map((s, i) => [i, s.reduction]).filter(([, r]) => r).map(([i]) => i), [7, 15]);
    assert.equal(lastReductionCell(1, 2, 3), 15); // where an auxiliary head goes
    assert.equal(lastReductionCell(1, 2), 3);
    // Merged joins (Fig. 1): f_3 joins at depth 2 (2 columns) and 4 (all 3).
    assert.deepEqual(joins(b.model).map(arity), [2, 3, 2, 3, 2, 3]);
  } finally {
    b.model.dispose();
  }
  const c4 = fractal(4, { reductions: 0 });
  try {
    assert.equal(c4.seen.length, 15);
    // Column 4 is 8 deep: joins at depths 2, 4, 6, 8 of 2, 3, 2 and 4 columns.
    assert.deepEqual(joins(c4.model).map(arity), [2, 3, 2, 4]);
  } finally {
    c4.model.dispose();
  }
});

test('FractalNet\'s join is the elementwise mean of its columns, in inference', () => {
  const b = fractal(3, { reductions: 0 });
  try {
    const last = joins(b.model).at(-1)!;
    const ins = (last.input as tf.SymbolicTensor).sourceLayer.input as tf.SymbolicTensor[];
    const probe = tf.model({ inputs: b.model.inputs, outputs: [...ins, last.output as tf.SymbolicTensor] });
    tf.tidy(() => {
      const outs = probe.predict(tf.randomNormal([2, 8, 8, 1], 0, 1, 'float32', 7)) as tf.Tensor[];
      const cols = outs.slice(0, -1);
      assert.equal(cols.length, 3);
      const mean = tf.div(tf.addN(cols), cols.length);
      const err = tf.max(tf.abs(tf.sub(outs.at(-1)!, mean))).dataSync()[0];
      assert.ok(err < 1e-5, `join differs from the mean by ${err}`);
      // The columns differ (else a mean would be any of them).
      assert.ok(tf.max(tf.abs(tf.sub(cols[0], cols[2]))).dataSync()[0] > 1e-3);
    });
  } finally {
    b.model.dispose();
  }
});

test('the stem: kernel and stride as given, output side ceil(side / stride)', () => {
  const cases: Array<[number, number, number, number, number]> = [
    // side, channels, kernel, stride, expected side
    [28, 1, 3, 1, 28],
    [28, 1, 5, 2, 14],
    [32, 3, 5, 2, 16],
    [32, 3, 11, 4, 8],
    [28, 1, 7, 2, 14],
  ];
  for (const [side, ch, k, s, out] of cases) {
    const b = buildModel(nasnet, RESNET, { ...base, stemChannels: 6, stemKernel: k, stemStride: s }, opts(side, ch));
    try {
      const stem = b.model.getLayer('conv_0');
      assert.deepEqual(stem.outputShape, [null, out, out, 6], `${k}x${k}/${s} on ${side}`);
      assert.equal(stem.countParams(), k * k * ch * 6);
      // The reductions halve it from there: the last stage is ceil(ceil(out / 2) / 2).
      assert.equal((b.model.getLayer('gap').input as tf.SymbolicTensor).shape[1], Math.ceil(Math.ceil(out / 2) / 2));
    } finally {
      b.model.dispose();
    }
  }
});

test('bad macro options are one UserError line, before anything is built', () => {
  const before = tf.memory().numTensors;
  const refuse = (m: Partial<MacroSettings>, pattern: RegExp, o: BuildOptions = opts(16), space = nasnet, g: NasnetGenotype | { space: 'nas-bench-201'; arch: string } = RESNET) =>
    assert.throws(() => buildModel(space, g, { ...base, ...m }, o), (e: unknown) => e instanceof UserError && pattern.test((e as Error).message) && !(e as Error).message.includes('\n'), JSON.stringify(m));
  refuse({ widthMultiplier: 0 }, /^macro\.widthMultiplier: expected a number > 0 and <= 64 \(it multiplies every cell's channels; 0 or less leaves none\), got 0$/);
  refuse({ widthMultiplier: 0.1 }, /^macro\.widthMultiplier: the width schedule gives stage 0 0 channels \(round\(macro\.filters 4 x widthMultiplier 0\.1\)\); every cell needs at least 1$/);
  refuse({ pyramidAlpha: -4 }, /^macro\.pyramidAlpha: expected a number >= 0 .*a negative α narrows the network towards 0 channels\), got -4$/);
  refuse({ rorLevels: 4 }, /^macro\.rorLevels: expected an integer >= 1 and <= 3/);
  refuse({ rorLevels: 2.5 }, /^macro\.rorLevels: expected an integer/);
  refuse({ fractalColumns: 5 }, /^macro\.fractalColumns: expected an integer >= 1 and <= 4/);
  refuse({ stemKernel: 0 }, /^macro\.stemKernel: expected an integer >= 1/);
  refuse({ stemStride: 8 }, /^macro\.stemStride: stem stride 8 and 2 reductions shrink the 16x16 input below 1 pixel \(16 \/ 8 \/ 2\^2 = 0\.5\)$/);
  refuse({ stemStride: 4, reductions: 0 }, /^macro\.stemStride: stem stride 4 shrinks the 2x2 input below 1 pixel \(2 \/ 4 = 0\.5\)$/, opts(2));
  const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|skip_connect~2|';
  for (const k of ['pyramidAlpha', 'rorLevels', 'fractalColumns'] as const) refuse({ [k]: 2 }, new RegExp(`^macro\\.${k}: an option of the NASNet body .*nas-bench-201 networks do not have it$`), opts(16), nb201, { space: 'nas-bench-201', arch });
  // The limits themselves build: stride 4 leaves 16 / 4 / 2^2 = 1 pixel.
  const ok = buildModel(nasnet, RESNET, { ...base, stemStride: 4 }, opts(16));
  ok.model.dispose();
  assert.equal(tf.memory().numTensors, before);
});

test('widthMultiplier in an NB201 network: every stage k times wider', () => {
  const arch = '|nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|skip_connect~1|skip_connect~2|';
  const b = buildModel(nb201, { space: 'nas-bench-201', arch }, { ...base, widthMultiplier: 2 }, opts(8));
  try {
    // The classifier reads the last stage: 2 · 4 · 2^2 = 32 channels.
    assert.deepEqual(b.model.getLayer('classifier').getWeights()[0].shape, [32, 10]);
  } finally {
    b.model.dispose();
  }
});

test('a cardinality is checked against the new schedules (opWidthProblem), in code and in space files', () => {
  const ops = ['identity', 'group_conv_3x3_c4'];
  assert.equal(opWidthProblem(ops, base), undefined);
  assert.deepEqual(opWidthProblem(ops, { ...base, widthMultiplier: 1.5 }), { index: 1, reason: 'group_conv_3x3_c4: cardinality 4 does not divide 6 channels of stage 0 (macro.filters 4 x widthMultiplier 1.5)' });
  assert.equal(opWidthProblem(ops, { ...base, widthMultiplier: 2 }), undefined);
  // PyramidNet's widths differ within a stage: checked per cell. F = 8, α = 12: 10, 12, 15, 17, 20.
  assert.deepEqual(opWidthProblem(['group_conv_3x3_c2'], { ...base, filters: 8, pyramidAlpha: 12 }), {
    index: 0, reason: 'group_conv_3x3_c2: cardinality 2 does not divide 15 channels of cell 2 (stage 1) (floor(macro.filters 8 + 3 x pyramidAlpha 12 / 5 cells))',
  });
  assert.equal(opWidthProblem(['group_conv_3x3_c2'], { ...base, filters: 8, pyramidAlpha: 10 }), undefined); // 10, 12, 14, 16, 18
  // The old messages are unchanged.
  assert.equal(opWidthProblem(['group_conv_3x3_c3'], base)!.reason, 'group_conv_3x3_c3: cardinality 3 does not divide 4 channels of stage 0 (macro.filters 4)');
  // A space file with the options: refused with the JSON path.
  const file = (macro: Record<string, unknown>, fileOps = ['identity', 'conv_3x3', 'group_conv_3x3_c4']) => () =>
    checkSpaceJson({ name: 'x', family: 'nasnet', ops: fileOps, blocks: 5, macro: { stemChannels: 8, filters: 8, cellsPerStage: 1, reductions: 2, filterMultiplier: 2, ...macro } }, 'x.json');
  const refused = (f: () => unknown, path: string, pattern: RegExp) =>
    assert.throws(f, (e: unknown) => e instanceof SpaceError && e.path === path && pattern.test(e.reason), path);
  refused(file({ pyramidAlpha: 12 }), '$.ops[2]', /cardinality 4 does not divide 10 channels of cell 0/);
  refused(file({ widthMultiplier: 0 }), '$.macro.widthMultiplier', /expected a number > 0/);
  refused(file({ widthMultiplier: 0.05 }), '$.macro.widthMultiplier', /gives stage 0 0 channels/);
  refused(file({ pyramidAlpha: -1 }), '$.macro.pyramidAlpha', /negative α/);
  refused(file({ fractalColumns: 'three' }), '$.macro.fractalColumns', /got "three"/);
  const ok = file({ widthMultiplier: 2, rorLevels: 3, fractalColumns: 2, stemKernel: 5, stemStride: 2 })();
  assert.deepEqual(
    { k: ok.macro.widthMultiplier, r: ok.macro.rorLevels, c: ok.macro.fractalColumns, sk: ok.macro.stemKernel, ss: ok.macro.stemStride },
    { k: 2, r: 3, c: 2, sk: 5, ss: 2 },
  );
});

test('readMacroOptions and macroOptionsProblem: only the set options, each checked', () => {
  const fail = (k: string, reason: string): never => {
    throw new Error(`${k}: ${reason}`);
  };
  assert.deepEqual(readMacroOptions({ filters: 3, stemStride: 2 }, fail), { stemStride: 2 });
  assert.throws(() => readMacroOptions({ stemStride: 1.5 }, fail), /^Error: stemStride: expected an integer/);
  assert.equal(macroOptionsProblem(base, { family: 'nasnet', inputShape: [1, 1, 1] }), undefined, 'the default stem never shrinks');
});

test('the family networks build, predict and free every tensor', () => {
  const before = tf.memory().numTensors;
  for (const m of [{ widthMultiplier: 2 }, { pyramidAlpha: 8 }, { rorLevels: 3 }, { fractalColumns: 2 }, { stemKernel: 5, stemStride: 2 }, { widthMultiplier: 1.5, rorLevels: 2, fractalColumns: 2, pyramidAlpha: 4 }]) {
    const b = buildModel(nasnet, RESNET, { ...base, ...m }, opts(16));
    try {
      assert.ok(Number.isFinite(b.params) && b.params > 0 && Number.isFinite(b.multAdds) && b.multAdds > 0);
      const y = tf.tidy(() => (b.model.predict(tf.randomNormal([2, 16, 16, 1], 0, 1, 'float32', 3)) as tf.Tensor).dataSync());
      assert.ok(y.every(Number.isFinite), JSON.stringify(m));
    } finally {
      b.model.dispose();
    }
  }
  assert.equal(tf.memory().numTensors, before);
});

test('a network of every family exports to ONNX and onnxruntime agrees (the join is an add and a rescaling)', async () => {
  assert.ok(loadOnnxRuntime(), onnxRuntimeError());
  const ds = loadDataset('default');
  const b = buildModel(nasnet, RESNET, { ...base, fractalColumns: 2, rorLevels: 3, stemKernel: 5, stemStride: 2, widthMultiplier: 1.5, pyramidAlpha: 4 }, { inputShape: [ds.height, ds.width, ds.channels], numClasses: ds.numClasses, seed: 9 });
  try {
    const r = await compareWithOnnx(b.model, modelToOnnx(b.model).bytes, { ...ds.test, count: 40 });
    assert.equal(r.images, 40);
    assert.ok(r.maxAbsDiff <= 1e-4, `max |tfjs - onnxruntime| = ${r.maxAbsDiff}`);
    assert.equal(r.onnxAccuracy, r.tfjsAccuracy);
  } finally {
    b.model.dispose();
  }
});

test('a space file\'s macro options reach every child a search builds (macroOf)', () => {
  const f: Fidelity = { protocol: 'proxy', trainImages: 100, valImages: 50, imageSize: 0, epochs: 1, batchSize: 16, learningRate: 0.05, stemChannels: 6, filters: 2, cellsPerStage: 1, reductions: 1 };
  const spaceMacro = { ...base, widthMultiplier: 2, rorLevels: 3, stemStride: 2, dropPath: 0.1 };
  assert.deepEqual(macroOf(f, { macro: spaceMacro }), { widthMultiplier: 2, rorLevels: 3, stemStride: 2, stemChannels: 6, filters: 2, cellsPerStage: 1, reductions: 1, filterMultiplier: 2 });
  assert.deepEqual(macroOf(f, { macro: base }), { stemChannels: 6, filters: 2, cellsPerStage: 1, reductions: 1, filterMultiplier: 2 });
});
