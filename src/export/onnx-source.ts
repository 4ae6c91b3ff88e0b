/**
 * The network `nas export --format onnx` exports: a searched child (--trial: the run's macro, input
 * and seed, so the weights are those it started training from), a replay's trained model (--replay:
 * model/model.json of its checkpoint folder, written by `nas train`), or such a model folder (--model).
 * Each comes with the dataset it belongs to, for `--check`.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import { loadSpace } from '../space/load.js';
import { loadDataset } from '../data/datasets.js';
import { buildModel } from '../model/build.js';
import { loadModel } from '../model/load.js';
// NOTE: a replay trained with --drop-path saves its DropPath layers; registering the class here lets
// tf.loadLayersModel rebuild them (src/model/load.ts registers only the layers of src/model/layers/).
import '../model/drop-path.js';
import type { Store } from '../store/store.js';
import { modelFiles } from './tfjs-files.js';

export interface OnnxSource {
  model: tf.LayersModel;
  title: string;
  /** Dataset name the network was trained (or is to be trained) on. */
  dataset: string;
}

const firstLine = (s: string) => s.split('\n')[0].slice(0, 200);

/** A searched child at its initial weights, exactly as the search built it (seed = run seed + trial number). */
export function trialNetwork(store: Store, trialId: number, db: string): OnnxSource {
  const t = store.requireTrial(trialId);
  if (t.status === 'failed') throw new UserError(`trial ${t.id} failed${t.error ? ` (${firstLine(t.error)})` : ''}: there is no network to export`);
  const run = store.getRun(t.runId);
  if (!run) throw new UserError(`trial ${t.id} belongs to run ${t.runId}, which is not in ${db}: its macro and input size are unknown`);
  const c = run.config;
  if (c.evaluator?.kind === 'table') {
    throw new UserError(`trial ${t.id} of run ${t.runId} was looked up in a table, no network of it was built: export its genotype (--format json), or train it (nas train --trial ${t.id}) and export the replay`);
  }
  const space = loadSpace(existsSync(c.spaceFile ?? '') ? c.spaceFile : c.space);
  const ds = loadDataset(c.dataset);
  const side = c.proxy?.imageSize ? c.proxy.imageSize : ds.height;
  const built = buildModel(space, t.genotype, c.macro, { inputShape: [side, c.proxy?.imageSize ? side : ds.width, ds.channels], numClasses: ds.numClasses, seed: c.seed + t.number });
  const title = t.baseline ? `baseline ${t.baseline} (trial ${t.id} of run ${t.runId})` : `trial ${t.id} of run ${t.runId}`;
  return { model: built.model, title: `${title}, initial weights`, dataset: c.dataset };
}

/** The model folder holding model.json: DIR itself or DIR/model (a replay's checkpoint folder). */
function modelFolder(dir: string, what: string): string {
  if (!existsSync(dir)) throw new UserError(`${what} ${dir}: no such folder`);
  if (!statSync(dir).isDirectory()) throw new UserError(`${what} ${dir}: not a folder (give the folder holding model.json)`);
  for (const d of [dir, join(dir, 'model')]) if (existsSync(join(d, 'model.json'))) return d;
  throw new UserError(`${what} ${dir}: no model.json in it or in ${join(dir, 'model')} (nas train writes it when a replay completes)`);
}

/** The dataset a model folder was trained on, from the replay checkpoint beside it; else `fallback`. */
function folderDataset(folder: string, fallback: string): string {
  for (const f of [join(folder, 'checkpoint.json'), join(dirname(folder), 'checkpoint.json')]) {
    if (!existsSync(f)) continue;
    try {
      const d = (JSON.parse(readFileSync(f, 'utf8')) as { config?: { dataset?: unknown } }).config?.dataset;
      if (typeof d === 'string') return d;
    } catch {
      // A damaged checkpoint.json does not stop an export of the model beside it.
    }
  }
  return fallback;
}

/** Loads a saved tfjs model; a damaged or foreign model.json is one line. */
export async function folderNetwork(dir: string, title?: string, what = '--model'): Promise<OnnxSource> {
  const folder = modelFolder(dir, what);
  let model: tf.LayersModel;
  try {
    model = await loadModel(modelFiles(folder));
  } catch (e) {
    throw new UserError(`${join(folder, 'model.json')}: not a model nas can load (${firstLine((e as Error).message)})`);
  }
  return { model, title: title ?? folder, dataset: folderDataset(folder, 'default') };
}

/** A finished replay's trained model. */
export async function replayNetwork(store: Store, replayId: number): Promise<OnnxSource> {
  const r = store.requireReplay(replayId);
  if (r.status !== 'complete') throw new UserError(`replay ${r.id} is ${r.status}: only a completed replay has a trained model (model/model.json)`);
  if (!r.checkpointDir) throw new UserError(`replay ${r.id} kept no checkpoint folder, so it has no saved model`);
  const src = await folderNetwork(r.checkpointDir, `replay ${r.id} (${r.label}), trained`, `replay ${r.id}: checkpoint folder`);
  const dataset = (r.config as { dataset?: unknown } | null)?.dataset;
  return { ...src, dataset: typeof dataset === 'string' ? dataset : src.dataset };
}
