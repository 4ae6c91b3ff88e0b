/**
 * A comparison as stored: its config (what it compares, on what data, under which protocol, in which
 * folder) and one spec per entry (exactly what its replay trains). The specs are complete, so a
 * resume trains what the comparison started with, whatever the registry or the baselines say later.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors.js';
import type { Genotype, MacroSettings } from '../space/types.js';
import { loadSpace } from '../space/load.js';
import type { Store } from '../store/store.js';
import type { ReplaySettings } from '../training/loop.js';
import { prepareReplay } from '../replay/replay.js';
import { readCheckpointMeta } from '../replay/checkpoint.js';
import type { ResolvedModel } from './models.js';
import type { Regulariser } from './regularisers.js';
import type { ProtocolOptions } from './protocol.js';

export interface EntrySpec {
  /** The model as --models named it ("resnet", "trial:17@1"). */
  model: string;
  /** The regulariser of a regulariser table's row; null in a table of models. */
  regulariser: string | null;
  /** nas train's label of the model ("baseline resnet", "trial 17"). */
  label: string;
  spaceFile: string;
  genotype: Genotype;
  runId: number | null;
  trialId: number | null;
  macro: MacroSettings;
  settings: ReplaySettings;
}

export interface ComparisonConfig {
  version: 1;
  /** A table of models, or of regularisers on one model. */
  table: 'models' | 'regularisers';
  models: string[];
  regularisers: string[] | null;
  dataset: string;
  /** The dataset's hash when the comparison started: a resume refuses other data. */
  datasetHash: string;
  epochs: number;
  protocol: ProtocolOptions;
  backend: string;
  /** Checkpoints (one folder per entry) and figures. */
  dir: string;
}

export interface PlannedEntry {
  name: string;
  spec: EntrySpec;
}

/** The entries of a new comparison: every model under the protocol, or one model under each regulariser. */
export function planEntries(models: ResolvedModel[], regularisers: Regulariser[] | null, settings: ReplaySettings, macroOf: (m: ResolvedModel) => MacroSettings, imageSize: number): PlannedEntry[] {
  const spec = (m: ResolvedModel, reg: Regulariser | null): EntrySpec => ({
    model: m.token, regulariser: reg?.name ?? null, label: m.label, spaceFile: m.space.file, genotype: m.genotype, runId: m.runId, trialId: m.trialId,
    macro: macroOf(m), settings: reg ? reg.apply(settings, { imageSize }) : settings,
  });
  if (regularisers === null) return models.map((m) => ({ name: m.name, spec: spec(m, null) }));
  const [m] = models;
  return regularisers.map((r) => ({ name: r.name, spec: spec(m, r) }));
}

/** The folder of an entry's checkpoints: DIR/<position>-<name>. */
export function entryDir(dir: string, position: number, name: string): string {
  return join(dir, `${position}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'model'}`);
}

/** The replay label: nas train's, with the regulariser and the comparison, so `nas train --resume` never picks it up. */
export function replayLabel(spec: EntrySpec, comparisonId: number): string {
  const reg = spec.regulariser && spec.regulariser !== 'none' ? ` + ${spec.regulariser}` : '';
  return `${spec.label}${reg} (comparison ${comparisonId})`;
}

/** A fresh --out must be a new or empty folder: a comparison's checkpoints and figures are its own. */
export function checkFreshFolder(dir: string): void {
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`--out ${dir} is not a folder`);
  if (readdirSync(dir).length > 0) throw new UserError(`--out ${dir} is not empty: a comparison keeps its checkpoints and figures in a folder of its own (continue one with --resume ID)`);
}

/**
 * Everything that can refuse an entry's replay, before anything is written: its data, network,
 * backend, folder and (when it has one) its checkpoint, through the replay's own checks.
 */
export async function checkEntry(spec: EntrySpec, o: { dir: string | undefined; dataset: string; backend: string; threads?: number; reader: Store | undefined }): Promise<void> {
  const resume = o.dir !== undefined && readCheckpointMeta(o.dir) !== undefined;
  const p = await prepareReplay({
    space: loadSpace(spec.spaceFile), genotype: spec.genotype, label: spec.label, runId: spec.runId, trialId: spec.trialId, dataset: o.dataset,
    macro: spec.macro, settings: spec.settings, backend: o.backend, threads: o.threads, out: o.dir, resume, store: o.reader, log: () => {},
  });
  p.dispose();
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A stored config, checked for what a resume reads; UserError naming the store when it is not. */
export function checkConfig(v: unknown, id: number, file: string): ComparisonConfig {
  const ok = isObject(v) && v.version === 1 && (v.table === 'models' || v.table === 'regularisers') && Array.isArray(v.models) &&
    typeof v.dataset === 'string' && typeof v.datasetHash === 'string' && Number.isSafeInteger(v.epochs) && typeof v.backend === 'string' &&
    typeof v.dir === 'string' && isObject(v.protocol);
  if (!ok) throw new UserError(`${file} is damaged: the config of comparison ${id} is not one nas compare wrote; restore it from a copy`);
  return v as unknown as ComparisonConfig;
}

/** A stored entry spec, checked likewise. */
export function checkSpec(v: unknown, what: string, file: string): EntrySpec {
  const ok = isObject(v) && typeof v.label === 'string' && typeof v.spaceFile === 'string' && isObject(v.genotype) && isObject(v.macro) &&
    isObject(v.settings) && isObject((v.settings as Record<string, unknown>).augment);
  if (!ok) throw new UserError(`${file} is damaged: ${what} is not a spec nas compare wrote; restore it from a copy`);
  return v as unknown as EntrySpec;
}
