/**
 * `nas search`'s hardware-aware options: --objectives, the --max-… constraints and the --latency-…
 * settings, checked (and a constraint no cell can meet refused) before anything is written.
 */
import { UserError } from '../core/errors.js';
import { loadDataset } from '../data/datasets.js';
import type { LatencyTask } from '../evaluators/types.js';
import { DEFAULT_LATENCY, LATENCY_BACKENDS, latencyBackendError, type LatencyBackend } from '../model/latency.js';
import { hasConstraints, mnasTargets, parseObjectives, type Constraints, type ObjectivesConfig } from '../objectives/objectives.js';
import { preset } from '../replay/presets.js';
import type { MacroSettings, SearchSpace } from '../space/types.js';
import { choiceOption, intOption, numberOption } from './options.js';

export const OBJECTIVE_OPTIONS = {
  objectives: { type: 'string' },
  'max-latency-ms': { type: 'string' },
  'max-params': { type: 'string' },
  'max-mult-adds': { type: 'string' },
  'latency-backend': { type: 'string' },
  'latency-batch': { type: 'string' },
  'latency-threads': { type: 'string' },
  'latency-runs': { type: 'string' },
  'latency-network': { type: 'string' },
} as const;

export const OBJECTIVE_HELP = `  --objectives LIST     multi-objective search: accuracy plus latency | params | mult-adds | cost (e.g. accuracy,latency)
  --max-latency-ms X --max-params N --max-mult-adds N   constraints: a child over one is refused before training
  --latency-backend B   measure each child's inference latency on ${LATENCY_BACKENDS.join(' | ')} (default: onednn when a latency is asked for)
  --latency-batch N --latency-threads N --latency-runs N   (default ${DEFAULT_LATENCY.batch}, ${DEFAULT_LATENCY.threads}, ${DEFAULT_LATENCY.runs})
  --latency-network replay|search   time the network \`nas train\` replays (default) or the child at its search size`;

type Values = Record<string, string | boolean | string[] | undefined>;

export interface ObjectiveSettings {
  objectives?: ObjectivesConfig;
  latency?: LatencyTask;
}

/** The run config's objectives and latency settings from the command line; UserError on bad input. */
export function objectiveSettings(v: Values, o: { strategy: string; evaluatorKind: string; dataset: string; macro: MacroSettings; space: SearchSpace }): ObjectiveSettings {
  const s = (k: string) => v[k] as string | undefined;
  const names = s('objectives') === undefined ? undefined : parseObjectives(s('objectives')!);
  const constraints: Constraints = {
    ...(s('max-latency-ms') !== undefined && { maxLatencyMs: numberOption(s('max-latency-ms'), 'max-latency-ms', 0, 0, true, 1e7) }),
    ...(s('max-params') !== undefined && { maxParams: intOption(s('max-params'), 'max-params', 0, 1) }),
    ...(s('max-mult-adds') !== undefined && { maxMultAdds: intOption(s('max-mult-adds'), 'max-mult-adds', 0, 1) }),
  };
  const latencyFlags = ['latency-backend', 'latency-batch', 'latency-threads', 'latency-runs', 'latency-network'].filter((k) => s(k) !== undefined);
  const wantsLatency = names?.includes('latency') || constraints.maxLatencyMs !== undefined || latencyFlags.length > 0;
  if (!names && !hasConstraints(constraints) && !wantsLatency) return {};

  if (o.evaluatorKind === 'table') {
    const bad = names?.find((n) => n !== 'accuracy' && n !== 'cost');
    if (bad) throw new UserError(`--objectives ${bad}: a table run trains no network to measure; on a table the objectives are accuracy and cost (its --cost-column)`);
    if (hasConstraints(constraints) || latencyFlags.length > 0) throw new UserError(`--${hasConstraints(constraints) ? 'max-…' : latencyFlags[0]} needs a network to measure; a table run looks rewards up instead`);
  }
  if (o.evaluatorKind === 'queue' && wantsLatency) throw new UserError('--queue: latency measured on remote machines would not be comparable; run a latency search on this machine\'s pool');
  const objectives: ObjectivesConfig = { names: names ?? ['accuracy'], constraints };
  // REINFORCE and SMBO learn from one number: MnasNet's product needs each cost's target.
  if (names && !['evolution', 'random'].includes(o.strategy)) mnasTargets(objectives, o.strategy);
  if (!wantsLatency) return { objectives };

  const backend = choiceOption(s('latency-backend'), 'latency-backend', LATENCY_BACKENDS, 'onednn') as LatencyBackend;
  const why = latencyBackendError(backend);
  if (why) throw new UserError(`--latency-backend ${backend}: ${why}`);
  const network = choiceOption(s('latency-network'), 'latency-network', ['replay', 'search'] as const, 'replay');
  const latency: LatencyTask = {
    backend,
    batch: intOption(s('latency-batch'), 'latency-batch', DEFAULT_LATENCY.batch, 1, 4096),
    threads: intOption(s('latency-threads'), 'latency-threads', DEFAULT_LATENCY.threads, 1, 256),
    runs: intOption(s('latency-runs'), 'latency-runs', DEFAULT_LATENCY.runs, 3, 10_000),
    warmup: DEFAULT_LATENCY.warmup,
    network,
  };
  if (network === 'replay') {
    const ds = loadDataset(o.dataset);
    latency.replayMacro = { ...o.macro, ...preset('small').macro };
    latency.replayInput = [ds.height, ds.width, ds.channels];
  }
  return { objectives, latency };
}

