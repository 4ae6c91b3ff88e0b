/**
 * A published cell built as its paper's network (the baseline file's `paper` section): the
 * published genotype (with the reference code's concatenation) in the space whose ops express it
 * exactly, at the paper's macro settings and layout,
 * with the parameter count the paper's count is compared with (the auxiliary head included
 * only when the paper counts it).
 */
import type * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import { loadSpace } from '../space/load.js';
import { buildModel, type BuiltModel } from '../model/build.js';
import { modelCost } from '../model/cost.js';
import { withAuxHead } from '../model/aux-head.js';
import { loadBaseline, loadPaperSettings, type Baseline } from './index.js';
import type { PaperSettings } from './paper.js';

export interface PaperNetwork {
  baseline: Baseline;
  paper: PaperSettings;
  /** The network without the auxiliary head (what is saved and evaluated). */
  built: BuiltModel;
  /** Trainable parameters of the training model with the auxiliary head (aux-head.ts) on the last reduction cell. */
  paramsWithAux: number;
  /** The count to compare with paper.params: with the aux head when the paper counts it. */
  comparable: number;
  /** comparable / paper.params - 1. */
  deviation: number;
  /** Frees every weight (both models share them). */
  dispose(): void;
}

/** Builds baseline `name` as its paper's network; UserError when its file has no `paper` section. */
export function buildPaperNetwork(name: string, seed = 0): PaperNetwork {
  const paper = loadPaperSettings(name);
  if (!paper) throw new UserError(`baseline "${name}" has no paper network (only published cells have one)`);
  const space = loadSpace(paper.space);
  const baseline = loadBaseline(name, space, { published: true });
  let lastReduction: tf.SymbolicTensor | undefined;
  const built = buildModel(space, baseline.genotype, paper.macro, {
    inputShape: paper.inputShape,
    numClasses: paper.numClasses,
    seed,
    layout: paper.layout,
    onCell: (out, info) => {
      if (info.reduction) lastReduction = out;
    },
  });
  let train: tf.LayersModel | undefined;
  let paramsWithAux = built.params;
  if (lastReduction) {
    train = withAuxHead(built.model, lastReduction, paper.numClasses, seed);
    paramsWithAux = modelCost(train).params;
  }
  const comparable = paper.countsAuxHead ? paramsWithAux : built.params;
  return {
    baseline,
    paper,
    built,
    paramsWithAux,
    comparable,
    deviation: comparable / paper.params - 1,
    dispose: () => {
      // The training model holds the plain model's layers plus the head's.
      if (train) for (const l of train.layers) if (!built.model.layers.includes(l)) l.dispose();
      built.model.dispose();
    },
  };
}
