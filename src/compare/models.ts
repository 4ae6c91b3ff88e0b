/**
 * The models of a comparison (`--models`): hand-designed baselines by name, and searched trials as
 * trial:ID or trial:ID@RUN (the @RUN only checks the trial is that run's). Each resolves to what a
 * replay trains: its space, genotype and macro settings (a trial's run's; a baseline's space's with
 * the baseline's own macro options, so a WRN trains wide and a PyramidNet with its α).
 */
import { UserError } from '../core/errors.js';
import type { Genotype, MacroSettings, SearchSpace } from '../space/types.js';
import { loadSpace } from '../space/load.js';
import { baselineSpaceName, listBaselines, loadBaseline } from '../baselines/index.js';
import type { Store } from '../store/store.js';

export type ModelSource = { kind: 'baseline'; name: string; token: string } | { kind: 'trial'; trialId: number; runId?: number; token: string };

export interface ResolvedModel {
  /** As --models named it: "resnet", "trial:17@1". */
  token: string;
  /** The row's name in the table: "resnet", "trial 17". */
  name: string;
  /** The replay's label (nas train's): "baseline resnet", "trial 17". */
  label: string;
  space: SearchSpace;
  genotype: Genotype;
  /** The macro settings the model comes with (its run's or its space's), before the protocol's size. */
  macro: MacroSettings;
  runId: number | null;
  trialId: number | null;
}

const TRIAL = /^trial:(\d+)(?:@(\d+))?$/;

/** The --models list, its names checked (trials are looked up later, in the store). */
export function parseModels(list: string): ModelSource[] {
  const tokens = list.split(',').map((s) => s.trim());
  if (tokens.every((t) => t === '')) throw new UserError('--models is empty: name the baselines (nas baselines --list) or trials (trial:ID) to compare');
  if (tokens.some((t) => t === '')) throw new UserError(`--models "${list}" has an empty name`);
  const known = listBaselines();
  const out: ModelSource[] = [];
  for (const token of tokens) {
    if (out.some((m) => m.token === token)) throw new UserError(`--models names ${token} twice`);
    if (token.startsWith('trial:')) {
      const m = TRIAL.exec(token);
      const id = m ? Number(m[1]) : NaN;
      const run = m?.[2] === undefined ? undefined : Number(m[2]);
      if (!m || !Number.isSafeInteger(id) || id < 1 || (run !== undefined && (!Number.isSafeInteger(run) || run < 1))) {
        throw new UserError(`--models: "${token}" is not trial:ID or trial:ID@RUN (positive integers)`);
      }
      out.push({ kind: 'trial', trialId: id, ...(run !== undefined && { runId: run }), token });
    } else if (known.includes(token)) out.push({ kind: 'baseline', name: token, token });
    else throw new UserError(`unknown model "${token}" in --models (known: ${known.join(', ')}, or trial:ID[@RUN] for a searched trial)`);
  }
  return out;
}

/** What a model trains. `store` (a reader) is needed for trials; UserError for a trial that is missing or did not complete. */
export function resolveModel(m: ModelSource, store: Store | undefined, dbFile: string): ResolvedModel {
  if (m.kind === 'baseline') {
    // In the space whose ops build it exactly, with its macro options (WRN's width, PyramidNet's α, ...) on its space's macro.
    const space = loadSpace(baselineSpaceName(m.name));
    const b = loadBaseline(m.name, space);
    return { token: m.token, name: m.name, label: `baseline ${m.name}`, space, genotype: b.genotype, macro: { ...space.macro, ...b.macro }, runId: null, trialId: null };
  }
  if (!store) throw new UserError(`--models ${m.token} reads trial ${m.trialId} from the store, but there is no store at ${dbFile}`);
  const t = store.requireTrial(m.trialId);
  if (m.runId !== undefined && t.runId !== m.runId) throw new UserError(`trial ${t.id} belongs to run ${t.runId}, not to run ${m.runId} (--models ${m.token})`);
  if (t.status === 'failed') throw new UserError(`trial ${t.id} failed${t.error ? ` (${t.error.split('\n')[0].slice(0, 120)})` : ''}: only completed trials can be compared`);
  if (t.status !== 'complete') throw new UserError(`trial ${t.id} is ${t.status}, not complete: only completed trials can be compared`);
  const run = store.requireRun(t.runId);
  const space = loadSpace(run.config.spaceFile);
  const name = t.baseline ? `${t.baseline} (trial ${t.id})` : `trial ${t.id}`;
  return { token: m.token, name, label: t.baseline ? `baseline ${t.baseline}` : `trial ${t.id}`, space, genotype: space.validate(t.genotype), macro: run.config.macro, runId: run.id, trialId: t.id };
}
