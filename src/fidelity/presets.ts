/**
 * The fidelities a study compares: the proxy the search used before the measurement, the reference
 * it is measured against, and the grid of EcoNAS-style reductions `--grid` adds.
 */
import type { Fidelity } from '../training/fidelity.js';

/**
 * The search's proxy before the measurement (1,200 images, 14 px, 1 epoch, F = 4, stem 8, 500
 * validation images): the base the grid varies, and `proxy:f4-val500` in a study. Study 1 of
 * docs/fidelity.md measured it at Spearman ρ 0.13 against the reference (24 cells, both seeds).
 */
export const PRE_STUDY_PROXY: Fidelity = {
  protocol: 'proxy', trainImages: 1200, valImages: 500, imageSize: 14, epochs: 1, batchSize: 32, learningRate: 0.05,
  stemChannels: 8, filters: 4, cellsPerStage: 1, reductions: 2,
};

/**
 * The reference the estimators are measured against: the replay protocol on the whole training split
 * at full resolution, at a network size a 2-core machine trains in ~10 minutes per cell (docs/fidelity.md
 * says what it stands for and what it does not).
 */
export const DEFAULT_REFERENCE: Fidelity = {
  protocol: 'replay', trainImages: 0, valImages: 0, imageSize: 0, epochs: 3, batchSize: 128, learningRate: 0.1,
  stemChannels: 16, filters: 8, cellsPerStage: 1, reductions: 2,
};

/**
 * The grid of proxies `--grid` adds: each moves one or two of EcoNAS's factors away from the pre-study
 * proxy (`f4-val500` is that proxy itself; the others score on 2,000 validation images, the first one isolating that change). Every one
 * fits in the embedded 10k-image dataset, so the one chosen can become the default of the two commands.
 */
export const GRID: Record<string, Partial<Fidelity>> = {
  'f4-val500': {},
  'val2k': { valImages: 2000 },
  'n3k': { trainImages: 3000, valImages: 2000 },
  'n6k': { trainImages: 6000, valImages: 2000 },
  'ep3': { epochs: 3, valImages: 2000 },
  'px28': { imageSize: 28, valImages: 2000 },
  'f8': { filters: 8, stemChannels: 16, valImages: 2000 },
  'n6k-px28': { trainImages: 6000, imageSize: 28, valImages: 2000 },
  'n6k-ep3': { trainImages: 6000, epochs: 3, valImages: 2000 },
  'n6k-f8-px28': { trainImages: 6000, imageSize: 28, filters: 8, stemChannels: 16, valImages: 2000 },
};

/**
 * The search's default proxy, chosen by the study (docs/fidelity.md): `f8`, the pre-study proxy at
 * the reference's width (F = 8, stem 16) scored on 2,000 validation images. On the 24 reference
 * cells no proxy reaches ρ 0.8, so the rule's fallback chose it: the trained proxy with the best ρ
 * per CPU-second (ρ 0.59 and 0.34 at two seeds, 3.5 CPU-s per cell; above the pre-study proxy and
 * params, level with the untrained naswot).
 * `nas search`'s defaults and the nasnet space's macro are this (test/fidelity/presets.test.ts).
 */
export const SEARCH_DEFAULT_PROXY: Fidelity = { ...PRE_STUDY_PROXY, ...GRID.f8 };
