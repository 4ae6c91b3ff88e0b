/**
 * Everything `nas compare` checks before it writes a byte: the models and regularisers, the data,
 * the protocol, the folder, and every entry's replay (its network, backend and checkpoint, through
 * the replay's own checks); for a resume, the stored comparison and whether its process still runs.
 * The store is only read here (a reader, when there is a store); UserError on bad input.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../core/errors.js';
import { runsDir } from '../core/paths.js';
import { loadDataset } from '../data/datasets.js';
import type { Store } from '../store/store.js';
import type { ComparisonEntryRow } from '../store/comparisons.js';
import { refuseLiveOwner } from '../store/owner.js';
import { parseModels, resolveModel } from './models.js';
import { regulariser, type Regulariser } from './regularisers.js';
import { protocolMacro, protocolSettings, type ProtocolOptions } from './protocol.js';
import { checkConfig, checkEntry, checkFreshFolder, checkSpec, entryDir, planEntries, type ComparisonConfig, type PlannedEntry } from './plan.js';
import type { PendingEntry } from './run.js';

export interface NewComparison {
  models: string;
  regularisers?: string;
  dataset: string;
  protocol: ProtocolOptions;
  backend: string;
  threads?: number;
  /** The folder; default runs/compare-<id>. */
  out?: string;
}

export interface Setup {
  /** A new comparison's config ('' as dir until the comparison has an id) and entries. */
  config: ComparisonConfig;
  entries: PlannedEntry[];
}

/** The --regularisers list, names checked. */
function parseRegularisers(list: string): Regulariser[] {
  const names = list.split(',').map((s) => s.trim());
  if (names.some((n) => n === '')) throw new UserError(`--regularisers "${list}" has an empty name`);
  const out: Regulariser[] = [];
  for (const n of names) {
    if (out.some((r) => r.name === n)) throw new UserError(`--regularisers names ${n} twice`);
    out.push(regulariser(n));
  }
  return out;
}

/** Checks a new comparison; `reader` is the store when one exists (trials are read from it). */
export async function checkNewComparison(o: NewComparison, reader: Store | undefined, dbFile: string): Promise<Setup> {
  const sources = parseModels(o.models);
  const regs = o.regularisers === undefined ? null : parseRegularisers(o.regularisers);
  if (regs && sources.length !== 1) {
    throw new UserError(`--regularisers compares regularisers on one network, but --models names ${sources.length} (${sources.map((s) => s.token).join(', ')}); give one`);
  }
  const ds = loadDataset(o.dataset);
  if (ds.test.count === 0) throw new UserError(`dataset ${o.dataset} has no test split: a comparison reports test error`);
  const models = sources.map((s) => resolveModel(s, reader, dbFile));
  for (const r of regs ?? []) {
    const why = r.refuses?.(models[0].genotype);
    if (why) throw new UserError(`--regularisers ${r.name} cannot apply to ${models[0].name}: ${why}`);
  }
  // Stored absolute: a resume from another folder finds the same checkpoints.
  const out = o.out === undefined ? undefined : resolve(o.out);
  if (out !== undefined) checkFreshFolder(out);
  const settings = protocolSettings(o.protocol, o.dataset);
  const entries = planEntries(models, regs, settings, (m) => protocolMacro(m.macro, o.protocol), ds.height);
  for (const [i, e] of entries.entries()) {
    await checkEntry(e.spec, { dir: out === undefined ? undefined : entryDir(out, i + 1, e.name), dataset: o.dataset, backend: o.backend, threads: o.threads, reader });
  }
  const config: ComparisonConfig = {
    version: 1, table: regs ? 'regularisers' : 'models', models: sources.map((s) => s.token), regularisers: regs?.map((r) => r.name) ?? null,
    dataset: o.dataset, datasetHash: ds.hash, epochs: o.protocol.epochs, protocol: o.protocol, backend: o.backend, dir: out ?? '',
  };
  return { config, entries };
}

/**
 * The folder of a new comparison with id `id` (--out, or runs/compare-<id>; a store of its own
 * elsewhere may have used that name already, then runs/compare-<id>-2, ...) and its entries' folders.
 */
export function placeEntries(s: Setup, id: number): { config: ComparisonConfig; entries: Array<PlannedEntry & { checkpointDir: string }> } {
  let dir = s.config.dir;
  for (let n = 1; !dir; n++) {
    const candidate = join(runsDir, n === 1 ? `compare-${id}` : `compare-${id}-${n}`);
    if (!existsSync(candidate) || readdirSync(candidate).length === 0) dir = candidate;
  }
  return { config: { ...s.config, dir }, entries: s.entries.map((e, i) => ({ ...e, checkpointDir: entryDir(dir, i + 1, e.name) })) };
}

/** The entries of a stored comparison still to train (no replay yet, or one not complete), specs checked. */
export function pendingEntries(store: Store, id: number): PendingEntry[] {
  return store.comparisons.entries(id).flatMap((entry: ComparisonEntryRow) => {
    const spec = checkSpec(entry.spec, `entry ${entry.position} of comparison ${id}`, store.file);
    const replay = entry.replayId === null ? undefined : store.getReplay(entry.replayId);
    return replay?.status === 'complete' ? [] : [{ entry, spec }];
  });
}

/** Checks a resume of comparison `id` through a reader of its store. */
export async function checkResume(id: number, reader: Store, o: { backend?: string; threads?: number }): Promise<ComparisonConfig> {
  const c = reader.comparisons.require(id);
  refuseLiveOwner(c, `comparison ${id} is still running`);
  const config = checkConfig(c.config, id, reader.file);
  const ds = loadDataset(config.dataset);
  if (ds.hash !== config.datasetHash) throw new UserError(`dataset ${config.dataset} changed since comparison ${id} started (hash ${ds.hash}, the comparison has ${config.datasetHash})`);
  for (const p of pendingEntries(reader, id)) {
    await checkEntry(p.spec, { dir: p.entry.checkpointDir, dataset: config.dataset, backend: o.backend ?? config.backend, threads: o.threads, reader });
  }
  return config;
}
