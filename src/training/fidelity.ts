/**
 * A fidelity: how much training a reward costs, as plain data — EcoNAS's four reduction factors
 * (training images, epochs, image resolution, network width/depth; Zhou et al., "EcoNAS: Finding
 * Proxies for Economical Neural Architecture Search", CVPR 2020) plus the protocol that trains it.
 *
 *  - protocol 'proxy': how a search child trains (src/training/protocol.ts): Nesterov momentum 0.9
 *    with a cosine decay, no weight decay or augmentation, scored on `valImages` validation images
 *    drawn from the dataset's training split (never the test split).
 *  - protocol 'replay': the full-training protocol of `nas train`: Nesterov momentum 0.9, weight
 *    decay 5e-4, random crop + flip, cosine from `learningRate`, scored once on the dataset's
 *    held-out test split.
 * One training loop (src/training/loop.ts) runs both.
 */
import { UserError } from '../core/errors.js';

export type Protocol = 'proxy' | 'replay';

export interface Fidelity {
  protocol: Protocol;
  /** Training images from the training split; 0 = all of it (less the validation images of a proxy). */
  trainImages: number;
  /** Validation images from the training split (protocol 'proxy'); 0 for 'replay' (scored on the test split). */
  valImages: number;
  /** Side of the square input; 0 = the dataset's own. */
  imageSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  stemChannels: number;
  filters: number;
  cellsPerStage: number;
  reductions: number;
}

/** The fields a spec may set, with their bounds: `train=6000,val=2000,size=28,epochs=3,filters=8,stem=16,cells=1,reductions=2,batch=32,lr=0.05`. */
const FIELDS: Record<string, { key: keyof Fidelity; min: number; max: number; integer: boolean }> = {
  train: { key: 'trainImages', min: 0, max: 10_000_000, integer: true },
  val: { key: 'valImages', min: 0, max: 1_000_000, integer: true },
  size: { key: 'imageSize', min: 0, max: 512, integer: true },
  epochs: { key: 'epochs', min: 1, max: 1000, integer: true },
  batch: { key: 'batchSize', min: 1, max: 4096, integer: true },
  lr: { key: 'learningRate', min: 1e-6, max: 10, integer: false },
  stem: { key: 'stemChannels', min: 1, max: 1024, integer: true },
  filters: { key: 'filters', min: 1, max: 1024, integer: true },
  cells: { key: 'cellsPerStage', min: 0, max: 32, integer: true },
  reductions: { key: 'reductions', min: 0, max: 5, integer: true },
};

/** Parses `key=value,...` over `base`; UserError naming the option and the field. */
export function parseFidelity(spec: string, base: Fidelity, option: string): Fidelity {
  const out: Fidelity = { ...base };
  if (spec.trim() === '') throw new UserError(`${option}: empty; expected key=value,... with keys ${Object.keys(FIELDS).join(', ')}`);
  for (const part of spec.split(',')) {
    const at = part.indexOf('=');
    const name = (at < 0 ? part : part.slice(0, at)).trim();
    const field = FIELDS[name];
    if (!field) throw new UserError(`${option}: unknown key "${name}" in "${spec}" (known: ${Object.keys(FIELDS).join(', ')})`);
    const raw = at < 0 ? '' : part.slice(at + 1).trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v) || (field.integer && !Number.isInteger(v)) || v < field.min || v > field.max) {
      throw new UserError(`${option}: ${name} must be ${field.integer ? 'an integer' : 'a number'} in [${field.min}, ${field.max}], got "${raw}"`);
    }
    (out as unknown as Record<string, number>)[field.key] = v;
  }
  checkFidelity(out, option);
  return out;
}

/** Consistency a spec cannot show field by field. */
export function checkFidelity(f: Fidelity, what: string): void {
  if (f.cellsPerStage === 0 && f.reductions === 0) throw new UserError(`${what}: cells 0 and reductions 0 leave no cells`);
  if (f.protocol === 'proxy' && f.valImages < 1) throw new UserError(`${what}: a proxy needs val ≥ 1 validation images`);
}

/** A short spec of a fidelity, for tables: `1.2k img 14px 1 ep F4 N1`. */
export function describeFidelity(f: Fidelity): string {
  const images = f.trainImages === 0 ? 'all img' : `${f.trainImages >= 1000 ? `${+(f.trainImages / 1000).toFixed(1)}k` : f.trainImages} img`;
  const side = f.imageSize === 0 ? 'full res' : `${f.imageSize}px`;
  const val = f.protocol === 'proxy' ? ` val ${f.valImages >= 1000 ? `${+(f.valImages / 1000).toFixed(1)}k` : f.valImages}` : ' test split';
  return `${images} ${side} ${f.epochs} ep F${f.filters} N${f.cellsPerStage}${val}`;
}

/**
 * Relative training cost, images × epochs × pixels × width² (a cell's convolutions scale with the
 * square of its channels): enough to say that a reference is dearer than every proxy, not to predict seconds.
 */
export function relativeCost(f: Fidelity, datasetImages: number, datasetSide: number): number {
  const images = f.trainImages === 0 ? datasetImages - f.valImages : f.trainImages;
  const side = f.imageSize === 0 ? datasetSide : f.imageSize;
  return images * f.epochs * side * side * f.filters * f.filters * Math.max(1, f.cellsPerStage);
}

/** The fidelity a search task trains at: its rung's, else its run's proxy settings and child network (rung 0 of a ladder). */
export function taskFidelity(task: { fidelity?: Fidelity; macro: { stemChannels: number; filters: number; cellsPerStage: number; reductions: number }; proxy: { trainSize: number; valSize: number; imageSize: number; epochs: number; batchSize: number; learningRate: number } }): Fidelity {
  if (task.fidelity) return task.fidelity;
  const { macro, proxy } = task;
  return {
    protocol: 'proxy', trainImages: proxy.trainSize, valImages: proxy.valSize, imageSize: proxy.imageSize, epochs: proxy.epochs,
    batchSize: proxy.batchSize, learningRate: proxy.learningRate,
    stemChannels: macro.stemChannels, filters: macro.filters, cellsPerStage: macro.cellsPerStage, reductions: macro.reductions,
  };
}
