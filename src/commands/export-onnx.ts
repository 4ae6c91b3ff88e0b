/**
 * `nas export --format onnx`: the network of a trial, a replay or a model folder as an ONNX file
 * (src/export/onnx.ts), optionally checked in onnxruntime against tfjs on the test split. Every
 * refusal (a source that cannot be exported, a layer with no ONNX mapping, an --out that cannot be
 * written) comes before the file is written, so bad input leaves nothing behind.
 */
import { writeFileSync } from 'node:fs';
import { UserError } from '../core/errors.js';
import { selectBackend } from '../engine/backend.js';
import { loadDataset } from '../data/datasets.js';
import { resizeSplit } from '../data/resize.js';
import { modelToOnnx } from '../export/onnx.js';
import { folderNetwork, replayNetwork, trialNetwork, type OnnxSource } from '../export/onnx-source.js';
import { compareWithOnnx } from '../export/onnx-check.js';
import { loadOnnxRuntime, onnxRuntimeError } from '../export/onnx-runtime.js';
import { defaultDb, intOption } from './options.js';
import { openReadOnly } from './runs.js';
import { checkOutputFile } from './output-file.js';

/** The agreement --check demands: the test of test/export/onnx.test.ts. */
const TOLERANCE = 1e-4;

interface OnnxArgs {
  trial?: string;
  replay?: string;
  model?: string;
  genotype?: string;
  baseline?: string;
  space?: string;
  db?: string;
  out?: string;
  check?: boolean;
}

async function source(v: OnnxArgs): Promise<OnnxSource> {
  if (v.genotype !== undefined || v.baseline !== undefined) {
    throw new UserError(`--format onnx exports a network with weights: give --trial ID, --replay ID or --model DIR, not --${v.genotype !== undefined ? 'genotype' : 'baseline'}`);
  }
  const given = [v.trial, v.replay, v.model].filter((x) => x !== undefined).length;
  if (given !== 1) throw new UserError('--format onnx: give exactly one of --trial ID, --replay ID, --model DIR');
  if (v.space !== undefined) throw new UserError('--space goes with --genotype or --baseline; the network has its own space');
  if (v.model !== undefined) {
    if (v.db !== undefined) throw new UserError('--db goes with --trial or --replay; --model reads a folder');
    return folderNetwork(v.model);
  }
  const db = v.db ?? defaultDb();
  const id = v.trial !== undefined ? intOption(v.trial, 'trial', 0, 1) : intOption(v.replay, 'replay', 0, 1);
  const store = openReadOnly(db);
  try {
    return v.trial !== undefined ? trialNetwork(store, id, db) : await replayNetwork(store, id);
  } finally {
    store.close();
  }
}

export async function exportOnnx(v: OnnxArgs): Promise<void> {
  if (v.out === undefined) throw new UserError('--format onnx writes a binary file: give --out FILE.onnx');
  checkOutputFile(v.out);
  if (v.check && !loadOnnxRuntime()) throw new UserError(`--check runs the model in onnxruntime: ${onnxRuntimeError()}`);
  // The model is built (or loaded) with tfjs' plain cpu backend: exporting reads weights, it trains nothing.
  await selectBackend('cpu');
  const src = await source(v);
  try {
    const { bytes, ops } = modelToOnnx(src.model, { doc: `nas: ${src.title}` });
    try {
      writeFileSync(v.out, bytes);
    } catch (e) {
      throw new UserError(`--out ${v.out} cannot be written (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
    const nodes = Object.values(ops).reduce((a, b) => a + b, 0);
    console.log(`wrote ${v.out}: ${src.title}, ${nodes} ONNX nodes (${Object.entries(ops).map(([k, n]) => `${k} ${n}`).join(', ')}), ${(bytes.length / 1024).toFixed(0)} KiB`);
    if (v.check) await check(src, bytes);
  } finally {
    src.model.dispose();
  }
}

/** Runs the whole test split through tfjs and onnxruntime and prints how far they agree. */
async function check(src: OnnxSource, bytes: Uint8Array): Promise<void> {
  const ds = loadDataset(src.dataset);
  const [, h, w] = src.model.inputs[0].shape as number[];
  const test = h === ds.height && w === ds.width ? ds.test : { ...resizeSplit(ds.test, h, w), norm: ds.test.norm };
  const r = await compareWithOnnx(src.model, bytes, test);
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  console.log(
    `check on ${r.images} test images of ${ds.name}: max |tfjs - onnxruntime| ${r.maxAbsDiff.toExponential(2)} (outputs up to ${r.maxAbsOutput.toFixed(2)}); ` +
      `accuracy tfjs ${pct(r.tfjsAccuracy)}, onnxruntime ${pct(r.onnxAccuracy)}; ${r.disagreements} images classified differently`,
  );
  if (!(r.maxAbsDiff <= TOLERANCE) || r.onnxAccuracy !== r.tfjsAccuracy) {
    console.error(`nas: onnxruntime does not agree with tfjs (tolerance ${TOLERANCE}, same accuracy)`);
    process.exitCode = 1;
  }
}
