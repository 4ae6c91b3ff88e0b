/**
 * A fidelity's protocol as the settings of the one training loop (src/training/loop.ts). The proxy
 * and the replay are two presets of the same loop, not two trainers.
 *  - proxy: Nesterov momentum 0.9 and a cosine decay to 0 over all steps (SGDR without restarts,
 *    Loshchilov & Hutter 2017), as NASNet trains its cells (Zoph et al. 2018, appendix A), so a proxy
 *    score and a replay see the same optimizer; the peak 0.05 sits on the flat top of a measured sweep
 *    (docs/data.md). NOTE: no weight decay, augmentation, drop-path or auxiliary head: a 1–9 epoch
 *    proxy does not overfit. Every child gets the same schedule and is scored at lr 0.
 *  - replay: the same optimizer with weight decay 5e-4 and random crop + flip (the protocol of the
 *    full Fashion-MNIST replays, docs/replay.md); `nas train` adds its own options on top.
 */
import { defaultAugment, type AugmentOptions } from './augment.js';
import type { Fidelity } from './fidelity.js';
import type { TrainingSettings } from './loop.js';

const NO_AUGMENT: AugmentOptions = { pad: 0, flip: false, cutout: 0, randomErasing: 0 };

/** The loop settings that train `f` on `dataset` with `seed`. */
export function settingsFor(f: Fidelity, seed: number, dataset: string): TrainingSettings {
  const common = {
    epochs: f.epochs, batchSize: f.batchSize, learningRate: f.learningRate, schedule: 'cosine' as const, momentum: 0.9, nesterov: true,
    dropPath: 0, auxWeight: 0, labelSmoothing: 0, seed,
  };
  return f.protocol === 'proxy'
    ? { ...common, weightDecay: 0, augment: NO_AUGMENT }
    : { ...common, weightDecay: 5e-4, augment: defaultAugment(dataset) };
}

/** The label of the loop's random stream (batch order, augmentation): a replay's and a proxy's differ. */
export function rngLabel(f: Fidelity, seed: number): string {
  return `${f.protocol === 'proxy' ? 'train' : 'replay'}:${seed}`;
}
