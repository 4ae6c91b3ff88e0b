/**
 * Replay checkpoints: one folder (runs/train-<id>/) holding checkpoint.json (epoch, genotype,
 * shape, config, rng state, curve) and checkpoint.bin (model weights then optimizer velocities,
 * float32). Written to temporary names and renamed, so a kill mid-write leaves the previous
 * checkpoint intact: a resumed training loses at most the epoch in progress. checkpoint.json
 * records the sha256 of checkpoint.bin, so weights damaged on disk are refused rather than
 * trained on (a checkpoint written before the checksum existed is still read).
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import type { Genotype } from '../space/types.js';
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
  /** sha256 (hex) of checkpoint.bin; absent in checkpoints of older nas versions. */
  sha256?: string;
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
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const full: CheckpointMeta = { version: 1, ...meta, weights, slots: slots.map((s) => ({ shape: [s.length] })), sha256: sha256(bytes) };
  writeFileSync(checkpointBin(dir) + '.tmp', bytes);
  writeFileSync(checkpointJson(dir) + '.tmp', JSON.stringify(full, null, 1) + '\n');
  // The .bin goes first: a json pointing at a half-written bin must never exist.
  renameSync(checkpointBin(dir) + '.tmp', checkpointBin(dir));
  renameSync(checkpointJson(dir) + '.tmp', checkpointJson(dir));
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads checkpoint.json of `dir`, or undefined when there is none. Throws UserError when it is
 * unreadable or not the shape this nas writes (a hand edit, a damaged file).
 */
export function readCheckpointMeta(dir: string): CheckpointMeta | undefined {
  const file = checkpointJson(dir);
  if (!existsSync(file)) return undefined;
  let meta: CheckpointMeta;
  try {
    meta = JSON.parse(readFileSync(file, 'utf8')) as CheckpointMeta;
    if (typeof meta !== 'object' || meta === null) throw new Error('not an object');
    if (meta.version !== 1) throw new Error(`unknown checkpoint version ${JSON.stringify(meta.version)}`);
  } catch (e) {
    throw new UserError(`${file}: not a readable nas checkpoint (${(e as Error).message})`);
  }
  const problem = metaProblem(meta);
  if (problem) throw new UserError(`${file}: damaged checkpoint: ${problem}`);
  return interruptedSave(dir, meta) ?? meta;
}

/**
 * A save killed between its two renames leaves the new checkpoint.bin beside the old
 * checkpoint.json, and the new one, complete, as checkpoint.json.tmp (it is written before either
 * rename). When the .tmp is whole and its checksum is that of the .bin, it is the checkpoint: it is
 * read from there (nothing is renamed on a read; the next save replaces both).
 */
function interruptedSave(dir: string, current: CheckpointMeta): CheckpointMeta | undefined {
  const tmp = checkpointJson(dir) + '.tmp';
  const bin = checkpointBin(dir);
  if (!existsSync(tmp) || !existsSync(bin) || current.sha256 === undefined) return undefined;
  let next: CheckpointMeta;
  try {
    next = JSON.parse(readFileSync(tmp, 'utf8')) as CheckpointMeta;
  } catch {
    return undefined; // cut short: the save died before its renames, and the old pair is intact
  }
  if (next?.version !== 1 || metaProblem(next) || next.sha256 === undefined || next.sha256 === current.sha256) return undefined;
  return sha256(readFileSync(bin)) === next.sha256 ? next : undefined;
}

const isCount = (v: unknown, min = 0) => typeof v === 'number' && Number.isSafeInteger(v) && v >= min;
const isShape = (v: unknown) => Array.isArray(v) && v.every((d) => isCount(d, 1));

/** What is wrong with a parsed checkpoint.json, or undefined. */
function metaProblem(m: CheckpointMeta): string | undefined {
  if (!isCount(m.epochs, 1)) return `epochs ${JSON.stringify(m.epochs)} is not a positive integer`;
  if (!isCount(m.epoch) || m.epoch > m.epochs) return `epoch ${JSON.stringify(m.epoch)} is not in 0..${m.epochs}`;
  if (!Array.isArray(m.curve) || m.curve.length !== m.epoch) return `its learning curve has ${Array.isArray(m.curve) ? m.curve.length : 'no'} points for ${m.epoch} epochs`;
  if (typeof m.genotypeKey !== 'string' || typeof m.shape !== 'object' || m.shape === null) return 'genotype key or model shape missing';
  if (typeof m.rng !== 'object' || m.rng === null) return 'random-generator state missing';
  if (typeof m.seconds !== 'number' || !Number.isFinite(m.seconds) || m.seconds < 0) return `seconds ${JSON.stringify(m.seconds)} is not a duration`;
  if (!Array.isArray(m.weights) || !m.weights.every((w) => typeof w?.name === 'string' && isShape(w.shape))) return 'the list of weights is malformed';
  if (!Array.isArray(m.slots) || !m.slots.every((sl) => isShape(sl?.shape) && sl.shape.length === 1)) return 'the list of optimizer slots is malformed';
  if (m.sha256 !== undefined && !/^[0-9a-f]{64}$/.test(String(m.sha256))) return 'its checksum is malformed';
  return undefined;
}

/** The float32 values checkpoint.json says checkpoint.bin holds. */
const valueCount = (m: CheckpointMeta) =>
  [...m.weights, ...m.slots].reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1), 0);

/**
 * Refuses a checkpoint.bin that is missing, of the wrong size, or whose bytes do not match the
 * checksum in checkpoint.json. Returns its bytes.
 */
export function readCheckpointData(dir: string, meta: CheckpointMeta): Buffer {
  const bin = checkpointBin(dir);
  if (!existsSync(bin) || !statSync(bin).isFile()) throw new UserError(`checkpoint in ${dir} is damaged: ${bin} is missing`);
  const bytes = readFileSync(bin);
  const expected = 4 * valueCount(meta);
  if (bytes.length !== expected) {
    throw new UserError(`checkpoint in ${dir} is damaged: checkpoint.bin has ${bytes.length.toLocaleString('en')} bytes, checkpoint.json describes ${expected.toLocaleString('en')}${bytes.length < expected ? ' (cut short)' : ''}`);
  }
  if (meta.sha256 !== undefined && sha256(bytes) !== meta.sha256) {
    throw new UserError(`checkpoint in ${dir} is damaged: checkpoint.bin does not match the checksum in checkpoint.json`);
  }
  return bytes;
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

/** Loads weights into `model` and returns the optimizer slots. Shapes must match the model's; the file is checked first (readCheckpointData). */
export function loadCheckpointWeights(dir: string, meta: CheckpointMeta, model: tf.LayersModel): Float32Array[] {
  const bin = readCheckpointData(dir, meta);
  // A copy: the Buffer's offset in its pool need not be a multiple of 4.
  const all = new Float32Array(new Uint8Array(bin).buffer);
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
  const trainable = model.trainableWeights;
  const slotsFit = meta.slots.length === trainable.length && meta.slots.every((sl, i) => sl.shape[0] === (trainable[i].shape as number[]).reduce((a, b) => a * b, 1));
  if (!slotsFit) {
    tf.dispose(tensors);
    throw new UserError(`checkpoint in ${dir}: its ${meta.slots.length} optimizer slots do not fit the model's ${trainable.length} trainable weights`);
  }
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
