/**
 * Replay presets: the network size and training protocol of a full-size replay.
 *  - nasnet-cifar: the network of NASNet-A 6@768 on CIFAR-10 (Zoph et al. 2018, §4.1: N = 6
 *    cells per stage, F = 32 filters, 768 = 24F channels before the classifier) trained with
 *    the protocol DARTS uses to replay such cells (Liu et al. 2019, §5.2 / A.2): 600 epochs,
 *    batch 96, momentum SGD 0.9, lr 0.025 cosine, weight decay 3e-4, drop-path 0.2, auxiliary
 *    head weight 0.4, cutout 16.
 *    NOTE: NASNet itself trains with ScheduledDropPath 0.6 (N = 6) and a 0.5 auxiliary weight
 *    on 20 GPUs; we follow the DARTS protocol, the one later NAS papers compare under.
 *  - small: something a 2-core machine finishes in minutes to an hour (N = 2, F = 16, 20 epochs,
 *    step schedule at lr 0.1 as in the protocol).
 */
import { UserError } from '../core/errors.js';
import type { MacroSettings } from '../space/types.js';
import type { ReplaySettings } from '../training/loop.js';

export type PresetName = 'nasnet-cifar' | 'small';
export const PRESETS: readonly PresetName[] = ['nasnet-cifar', 'small'];

export interface Preset {
  macro: Pick<MacroSettings, 'cellsPerStage' | 'filters' | 'stemChannels'>;
  settings: Omit<ReplaySettings, 'augment' | 'seed'> & { cutout: number; randomErasing: number };
}

export function preset(name: string): Preset {
  switch (name) {
    case 'nasnet-cifar':
      return {
        macro: { cellsPerStage: 6, filters: 32, stemChannels: 96 },
        settings: {
          epochs: 600, batchSize: 96, learningRate: 0.025, schedule: 'cosine', momentum: 0.9, nesterov: false,
          weightDecay: 3e-4, dropPath: 0.2, auxWeight: 0.4, labelSmoothing: 0, cutout: 16, randomErasing: 0,
        },
      };
    case 'small':
      return {
        macro: { cellsPerStage: 2, filters: 16, stemChannels: 32 },
        settings: {
          epochs: 20, batchSize: 128, learningRate: 0.1, schedule: 'step', momentum: 0.9, nesterov: true,
          weightDecay: 5e-4, dropPath: 0, auxWeight: 0, labelSmoothing: 0, cutout: 0, randomErasing: 0,
        },
      };
    default:
      throw new UserError(`--preset must be one of ${PRESETS.join(', ')}, got "${name}"`);
  }
}
