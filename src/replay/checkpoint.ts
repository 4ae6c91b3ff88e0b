/**
 * Replay checkpoints: one folder (runs/train-<id>/) holding checkpoint.json (epoch, genotype,
 * shape, config, rng state, curve) and checkpoint.bin (model weights then optimizer velocities,
 * float32). Written to temporary names and renamed, so a kill mid-write leaves the previous
 * checkpoint intact: a resumed training loses at most the epoch in progress.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError, type Genotype } from '../core/types.js';
import type { CurvePoint } from '../store/types.js';

/** What fixes the shapes of the weights: a checkpoint only fits a model with the same. */
export interface ModelShape {
  inputShape: number[];
  numClasses: number;
  cellsPerStage: number;
  filters: number;
  stemChannels: number;
  reductions: number;
  auxHead: boolean;
}

export interface CheckpointMeta {
  version: 1;
  replayId: number | null;
  /** Epochs completed. */
  epoch: number;
  epochs: number;
  genotypeKey: string;
  genotype: Genotype;
  shape: ModelShape;
  config: unknown;
  rng: object;
  curve: CurvePoint[];
  seconds: number;
  /** Names and shapes of the model's weights, then of the optimizer slots, in file order. */
  weights: Array<{ name: string; shape: number[] }>;
  slots: Array<{ shape: number[] }>;
}

export const checkpointJson = (dir: string) => join(dir, 'checkpoint.json');
const checkpointBin = (dir: string) => join(dir, 'checkpoint.bin');

/** Saves model weights (trainable and BN statistics) and optimizer velocities. */
export async function saveCheckpoint(
  dir: string,
  meta: Omit<CheckpointMeta, 'weights' | 'slots' | 'version'>,
  model: tf.LayersModel,
  slots: Float32Array[],
): Promise<void> {
  const weights = model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[] }));
  const values = await Promise.all(model.weights.map(async (w) => (await w.read().data()) as Float32Array));
  const parts = [...values, ...slots];
  const total = parts.reduce((s, p) => s + p.length, 0);
  const buf = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    buf.set(p, at);
    at += p.length;
  }
  const full: CheckpointMeta = { version: 1, ...meta, weights, slots: slots.map((s) => ({ shape: [s.length] })) };
  writeFileSync(checkpointBin(dir) + '.tmp', Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength));
  writeFileSync(checkpointJson(dir) + '.tmp', JSON.stringify(full, null, 1) + '\n');
  // The .bin goes first: a json pointing at a half-written bin must never exist.
  renameSync(checkpointBin(dir) + '.tmp', checkpointBin(dir));
  renameSync(checkpointJson(dir) + '.tmp', checkpointJson(dir));
}

/** Reads checkpoint.json of `dir`, or undefined when there is none. Throws UserError when unreadable. */
export function readCheckpointMeta(dir: string): CheckpointMeta | undefined {
  const file = checkpointJson(dir);
  if (!existsSync(file)) return undefined;
  try {
    const meta = JSON.parse(readFileSync(file, 'utf8')) as CheckpointMeta;
    if (meta.version !== 1) throw new Error(`unknown checkpoint version ${meta.version}`);
    return meta;
  } catch (e) {
    throw new UserError(`${file}: not a readable nas checkpoint (${(e as Error).message})`);
  }
}

/**
 * Refuses a checkpoint written for another genotype or another model shape (UserError naming
 * the difference). Called before anything is written, so the checkpoint survives the refusal.
 */
export function checkCompatible(meta: CheckpointMeta, genotypeKey: string, shape: ModelShape, dir: string): void {
  if (meta.genotypeKey !== genotypeKey) {
    throw new UserError(`checkpoint in ${dir} was written for another genotype (${meta.genotypeKey}); use another --out or drop --resume`);
  }
  for (const k of Object.keys(shape) as Array<keyof ModelShape>) {
    if (JSON.stringify(meta.shape[k]) !== JSON.stringify(shape[k])) {
      throw new UserError(`checkpoint in ${dir} has ${k} ${JSON.stringify(meta.shape[k])}, this model ${JSON.stringify(shape[k])}; use the same settings or another --out`);
    }
  }
}

/** Loads weights into `model` and returns the optimizer slots. Shapes must match the model's. */
export function loadCheckpointWeights(dir: string, meta: CheckpointMeta, model: tf.LayersModel): Float32Array[] {
  const bin = readFileSync(checkpointBin(dir));
  const all = new Float32Array(bin.buffer, bin.byteOffset, bin.byteLength / 4);
  if (meta.weights.length !== model.weights.length) {
    throw new UserError(`checkpoint in ${dir} holds ${meta.weights.length} weights, the model ${model.weights.length}`);
  }
  let at = 0;
  const tensors: tf.Tensor[] = [];
  meta.weights.forEach((w, i) => {
    const mine = model.weights[i].shape as number[];
    if (JSON.stringify(mine) !== JSON.stringify(w.shape)) {
      tf.dispose(tensors);
      throw new UserError(`checkpoint in ${dir}: weight ${i} (${w.name}) has shape [${w.shape}], the model [${mine}]`);
    }
    const n = w.shape.reduce((a, b) => a * b, 1);
    tensors.push(tf.tensor(all.slice(at, at + n), w.shape));
    at += n;
  });
  model.setWeights(tensors);
  tf.dispose(tensors);
  const slots = meta.slots.map((s) => {
    const n = s.shape[0];
    const v = all.slice(at, at + n);
    at += n;
    return v;
  });
  if (at !== all.length) throw new UserError(`checkpoint in ${dir}: checkpoint.bin has ${all.length} values, the metadata ${at}`);
  return slots;
}
