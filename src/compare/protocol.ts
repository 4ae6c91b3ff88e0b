/**
 * The one training protocol of a comparison: by default the CNN survey's (ResNet/DenseNet-style
 * CIFAR training): momentum SGD 0.9 (not Nesterov), lr 0.1 divided by 10 at 50 % and 75 % of the
 * epochs (the `step` schedule), batch 128, L2 weight decay 5e-4 (the `small` replay preset's),
 * random crop with 4-pixel zero padding + horizontal flip (no flip for digits), no other
 * regulariser. Every model of a comparison gets exactly these settings; a regulariser table changes
 * only what its regulariser sets (regularisers.ts).
 */
import type { MacroSettings } from '../space/types.js';
import type { ReplaySettings } from '../training/loop.js';
import { defaultAugment } from '../training/augment.js';
import { preset } from '../replay/presets.js';

/** What the command line may change about the protocol; the rest is fixed. */
export interface ProtocolOptions {
  epochs: number;
  batchSize: number;
  learningRate: number;
  weightDecay: number;
  seed: number;
  /** Network size: cells per stage and filters (stem and reductions come from the model's space or run). */
  cellsPerStage: number;
  filters: number;
}

export const SURVEY = { batchSize: 128, learningRate: 0.1, momentum: 0.9, nesterov: false, weightDecay: 5e-4, schedule: 'step' } as const;

/** The default network size: the `small` replay preset's (N = 2, F = 16, stem 32). */
export const DEFAULT_SIZE = (() => {
  const m = preset('small').macro;
  return { cellsPerStage: m.cellsPerStage, filters: m.filters, stemChannels: m.stemChannels };
})();

/** The replay settings of the protocol on `dataset`. */
export function protocolSettings(o: ProtocolOptions, dataset: string): ReplaySettings {
  const aug = defaultAugment(dataset);
  return {
    epochs: o.epochs, batchSize: o.batchSize, learningRate: o.learningRate, schedule: SURVEY.schedule, momentum: SURVEY.momentum, nesterov: SURVEY.nesterov,
    weightDecay: o.weightDecay, augment: { pad: aug.pad, flip: aug.flip, cutout: 0, randomErasing: 0 },
    dropPath: 0, auxWeight: 0, labelSmoothing: 0, seed: o.seed,
  };
}

/** A model's macro settings at the comparison's size: its own (space or run) with N, F and the stem of the protocol. */
export function protocolMacro(base: MacroSettings, o: ProtocolOptions): MacroSettings {
  return { ...base, stemChannels: DEFAULT_SIZE.stemChannels, cellsPerStage: o.cellsPerStage, filters: o.filters };
}

/** "momentum SGD 0.9, lr 0.1 step (x0.1 at 50 %, 75 %), batch 128, wd 5e-4, crop 4 px + flip" */
export function describeProtocol(s: ReplaySettings): string {
  const aug = s.augment.pad > 0 ? `crop ${s.augment.pad} px${s.augment.flip ? ' + flip' : ''}` : s.augment.flip ? 'flip' : 'no augmentation';
  return `momentum SGD ${s.momentum}${s.nesterov ? ' (Nesterov)' : ''}, lr ${s.learningRate} ${s.schedule}${s.schedule === 'step' ? ' (x0.1 at 50 %, 75 %)' : ''}, ` +
    `batch ${s.batchSize}, wd ${s.weightDecay}, ${aug}, seed ${s.seed}`;
}
