/**
 * The network a replay trains: the genotype built at the replay's size, with drop-path on every
 * non-identity op, the block regulariser (if any) and the auxiliary head (if weighted). One function,
 * so that the replay and each of its data-parallel replicas (src/training/replicas/) build the same
 * network with the same weights in the same order.
 */
import * as tf from '#tfjs';
import type { Genotype, MacroSettings, SearchSpace } from '../space/types.js';
import { buildModel } from '../model/build.js';
import { DropPath } from '../model/drop-path.js';
import { buildRegularised } from '../model/regularisers/index.js';
import { lastReductionCell, withAuxHead } from '../model/aux-head.js';
import type { TrainingSettings } from '../training/loop.js';

export interface ReplayNetwork {
  built: ReturnType<typeof buildModel> & { regularised: number };
  /** `built.model`, or a model sharing its weights with outputs [logits, auxLogits]. */
  trainModel: tf.LayersModel;
  dispose(): void;
}

/**
 * Replica r > 0 of a data-parallel replay draws its own drop-path masks and regulariser streams
 * (its shard holds other images); replica 0 is the replay itself, seeded as it always was.
 */
const replicaSeed = (seed: number, replica: number): number => seed + 1_000_003 * replica;

export function buildReplayNetwork(
  space: SearchSpace, genotype: Genotype, macro: MacroSettings, settings: Pick<TrainingSettings, 'seed' | 'dropPath' | 'regulariser' | 'auxWeight'>,
  inputShape: [number, number, number], numClasses: number, replica = 0,
): ReplayNetwork {
  const seed = replicaSeed(settings.seed, replica);
  let pathSeed = seed * 7919;
  const auxCell = lastReductionCell(macro.cellsPerStage, macro.reductions, macro.fractalColumns);
  let auxAnchor: tf.SymbolicTensor | undefined;
  // The block regulariser (if any) combines the branches drop-path has wrapped.
  const built = buildRegularised(settings.regulariser, seed, genotype, (combine) => buildModel(space, genotype, macro, {
    combine,
    inputShape,
    numClasses,
    // Initial weights come from the replay's seed in every replica (they are overwritten by the replay's anyway).
    seed: settings.seed,
    // Drop-path on every non-identity op output (NASNet's nasnet_utils and DARTS skip identities).
    wrapPath: (y, info) => settings.dropPath > 0 && info.op !== 'identity'
      ? (new DropPath({ cellRatio: (info.cell + 1) / info.cells, seed: pathSeed++ }).apply(y) as tf.SymbolicTensor)
      : y,
    onCell: (out, info) => {
      if (info.index === auxCell) auxAnchor = out;
    },
  }));
  let trainModel = built.model;
  try {
    if (settings.auxWeight > 0) trainModel = withAuxHead(built.model, auxAnchor!, numClasses, settings.seed);
  } catch (e) {
    built.model.dispose();
    throw e;
  }
  return {
    built,
    trainModel,
    dispose: () => {
      if (trainModel !== built.model) {
        // Dispose only the aux head's own layers; the shared ones go with built.model.
        for (const l of trainModel.layers) if (l.name.startsWith('aux_')) l.dispose();
      }
      built.model.dispose();
    },
  };
}
