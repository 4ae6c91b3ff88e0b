/**
 * `nas train`'s core: replays one genotype into full training (the whole training split, the
 * test split scored once at the end), with a checkpoint per epoch, the learning curve in the
 * store and the final model saved in the tfjs format.
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { UserError, type Genotype, type MacroSettings, type NasnetGenotype, type SearchSpace } from '../core/types.js';
import { createRng, restoreRng } from '../core/rng.js';
import { runsDir } from '../core/paths.js';
import { loadDataset } from '../data/datasets.js';
import { channelStats } from '../data/normalize.js';
import { selectBackend, setEngineThreads } from '../engine/backend.js';
import { buildModel } from '../model/build.js';
import { DropPath } from '../model/drop-path.js';
import { lastReductionCell, withAuxHead } from '../model/aux-head.js';
import { evaluate } from '../training/evaluate.js';
import type { Store } from '../store/store.js';
import { refuseLiveOwner } from '../store/owner.js';
import type { CurvePoint, ReplayRow } from '../store/types.js';
import { saveModelFiles } from '../export/tfjs-files.js';
import { checkCompatible, loadCheckpointWeights, readCheckpointMeta, saveCheckpoint, type ModelShape } from './checkpoint.js';
import { probeThreads } from './threads.js';
import { ReplayInterrupted, runTraining, type BatchProgress, type ReplaySettings } from '../training/loop.js';

export interface ReplayJob {
  space: SearchSpace;
  genotype: Genotype;
  /** "trial 17", "baseline resnet", "genotype cell.json". */
  label: string;
  runId: number | null;
  trialId: number | null;
  dataset: string;
  macro: MacroSettings;
  settings: ReplaySettings;
  backend: string;
  /** Engine threads (default: every core). */
  threads?: number;
  /** Checkpoint / output folder; default runs/train-<replay id>. */
  out?: string;
  resume: boolean;
  store: Store;
  log: (line: string) => void;
  onBatch?: (p: BatchProgress) => void;
  /** Aborting it stops the replay between batches (ReplayInterrupted); the store says 'interrupted'. */
  signal?: AbortSignal;
}

export interface ReplayOutcome {
  replayId: number;
  dir: string;
  testAccuracy: number;
  testLoss: number;
  params: number;
  multAdds: number;
  seconds: number;
  backend: string;
  curve: CurvePoint[];
}

/** Fails early (UserError) when `dir` cannot be created or written: its nearest existing ancestor must be a writable folder. */
export function checkWritable(dir: string): void {
  let probe = resolve(dir);
  while (!existsSync(probe)) {
    const up = dirname(probe);
    if (up === probe) break;
    probe = up;
  }
  if (!statSync(probe).isDirectory()) throw new UserError(`output folder ${dir} cannot be created: ${probe} is not a folder`);
  try {
    accessSync(probe, constants.W_OK);
  } catch {
    throw new UserError(`output folder ${dir} is not writable (${probe})`);
  }
}

/** mkdir -p, as a UserError when the system refuses. */
function makeDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create output folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** The folder and replay row a --resume continues: --out when given, else the latest unfinished replay of the same label. */
function findResume(job: ReplayJob): { dir: string; replay?: ReplayRow } {
  if (job.out) return { dir: resolve(job.out) };
  const candidates = job.store
    .replays(job.runId ?? undefined)
    .filter((r) => r.label === job.label && r.status !== 'complete' && r.checkpointDir && readCheckpointMeta(r.checkpointDir));
  const replay = candidates[candidates.length - 1];
  if (!replay) throw new UserError(`nothing to resume for ${job.label}: no unfinished replay with a checkpoint; pass --out DIR or drop --resume`);
  return { dir: replay.checkpointDir!, replay };
}

/** Runs a replay to the end; resumable from its last checkpoint. */
export async function runReplay(job: ReplayJob): Promise<ReplayOutcome> {
  const { space, genotype, macro, settings, store } = job;
  const ds = loadDataset(job.dataset);
  const norm = ds.train.norm ?? channelStats(ds.train);
  const key = space.key(genotype);
  const shape: ModelShape = {
    inputShape: [ds.height, ds.width, ds.channels],
    numClasses: ds.numClasses,
    cellsPerStage: macro.cellsPerStage,
    filters: macro.filters,
    stemChannels: macro.stemChannels,
    reductions: macro.reductions,
    auxHead: settings.auxWeight > 0,
  };

  // Everything that can refuse happens before anything is written.
  let dir: string;
  let replay: ReplayRow | undefined;
  let meta = undefined as ReturnType<typeof readCheckpointMeta>;
  if (job.resume) {
    ({ dir, replay } = findResume(job));
    meta = readCheckpointMeta(dir);
    if (!meta) throw new UserError(`no checkpoint in ${dir} to resume from`);
    checkCompatible(meta, key, shape, dir);
    if (meta.epochs !== settings.epochs) throw new UserError(`checkpoint in ${dir} was written for ${meta.epochs} epochs, not ${settings.epochs}; pass --epochs ${meta.epochs}`);
    if (meta.replayId !== null && !replay) replay = store.getReplay(meta.replayId);
    if (replay) refuseLiveOwner(replay, `replay ${replay.id} is still being trained`);
    store.refuseLiveReplayIn(dir);
  } else {
    dir = job.out ? resolve(job.out) : '';
    if (dir) {
      checkWritable(dir);
      if (readCheckpointMeta(dir)) throw new UserError(`${dir} already holds a checkpoint; pass --resume to continue it or choose another --out`);
      store.refuseLiveReplayIn(dir);
      makeDir(dir);
    } else checkWritable(runsDir);
  }

  // A resumed replay keeps the thread count it was probed or given (unless --threads says otherwise).
  const threads = job.threads ?? (meta?.config as { threads?: number } | null | undefined)?.threads;
  const backend = await selectBackend(job.backend, { log: job.log, threads });
  const config: { dataset: string; macro: MacroSettings; settings: ReplaySettings; backend: string; threads?: number } = {
    dataset: job.dataset, macro, settings, backend: job.backend, threads,
  };
  if (!replay) {
    replay = store.addReplay({ runId: job.runId, trialId: job.trialId, label: job.label, genotype, config, checkpointDir: dir || null });
    if (!dir) {
      dir = join(runsDir, `train-${replay.id}`);
      store.updateReplay(replay.id, { checkpointDir: dir });
    }
  } else store.claimReplay(replay.id);
  makeDir(dir);
  const replayId = replay.id;

  let pathSeed = settings.seed * 7919;
  const auxCell = lastReductionCell(macro.cellsPerStage, macro.reductions);
  let auxAnchor: tf.SymbolicTensor | undefined;
  if (settings.auxWeight > 0 && (macro.reductions < 1 || genotype.space !== 'nasnet')) throw new UserError('--aux-weight needs a NASNet-space network with at least one reduction cell');
  const built = buildModel(space, genotype, macro, {
    inputShape: shape.inputShape as [number, number, number],
    numClasses: ds.numClasses,
    seed: settings.seed,
    // Drop-path on every non-identity op output (NASNet's nasnet_utils and DARTS skip identities).
    wrapPath: (y, info) => settings.dropPath > 0 && info.op !== 'identity'
      ? (new DropPath({ cellRatio: (info.cell + 1) / info.cells, seed: pathSeed++ }).apply(y) as tf.SymbolicTensor)
      : y,
    onCell: (out, info) => {
      if (info.index === auxCell) auxAnchor = out;
    },
  });
  const trainModel = settings.auxWeight > 0 ? withAuxHead(built.model, auxAnchor!, ds.numClasses, settings.seed) : built.model;
  const started = performance.now();
  try {
    if (config.threads === undefined && backend.name === 'onednn' && availableParallelism() > 1) {
      const probe = probeThreads({
        build: () => buildModel(space, genotype, macro, { inputShape: shape.inputShape as [number, number, number], numClasses: ds.numClasses, seed: settings.seed }).model,
        inputShape: shape.inputShape, numClasses: ds.numClasses, batchSize: settings.batchSize, maxThreads: availableParallelism(),
        setThreads: setEngineThreads,
      });
      config.threads = probe.threads;
      store.updateReplay(replayId, { config });
      job.log(`engine threads: ${probe.threads} (timed ${probe.rates.map((r) => `${r.threads}: ${r.imagesPerSec.toFixed(1)} img/s`).join(', ')}; --threads T chooses)`);
    }
    let rng = createRng(`replay:${settings.seed}`);
    let curve: CurvePoint[] = [];
    let startEpoch = 0;
    let optimizerState: Float32Array[] | undefined;
    let priorSeconds = 0;
    if (meta) {
      optimizerState = loadCheckpointWeights(dir, meta, trainModel);
      rng = restoreRng(meta.rng);
      curve = meta.curve;
      startEpoch = meta.epoch;
      priorSeconds = meta.seconds;
      for (const p of curve) store.addCurvePoint({ replayId }, p);
      job.log(`resuming ${job.label} from ${dir} after epoch ${startEpoch}/${settings.epochs}`);
    }
    job.log(
      `replay ${replayId}: ${job.label} on ${ds.name} (${ds.train.count} train / ${ds.test.count} test), ` +
        `N=${macro.cellsPerStage} F=${macro.filters}, ${built.params.toLocaleString('en')} params, backend ${backend.name}, checkpoints in ${dir}`,
    );
    store.updateReplay(replayId, { params: built.params, multAdds: built.multAdds, backend: backend.name });
    const epochStarted = performance.now();
    await runTraining({
      model: built.model, trainModel, train: ds.train, norm, numClasses: ds.numClasses, settings, startEpoch, rng, optimizerState,
      onBatch: job.onBatch,
      signal: job.signal,
      onEpoch: async (point, slots) => {
        curve.push(point);
        await saveCheckpoint(dir, {
          replayId, epoch: point.epoch, epochs: settings.epochs, genotypeKey: key, genotype, shape, config, rng: rng.state(), curve,
          seconds: priorSeconds + (performance.now() - epochStarted) / 1000,
        }, trainModel, await slots());
        store.addCurvePoint({ replayId }, point);
        store.updateReplay(replayId, { seconds: priorSeconds + (performance.now() - epochStarted) / 1000 });
        const left = settings.epochs - point.epoch;
        job.log(
          `epoch ${point.epoch}/${settings.epochs}  ${Math.ceil(ds.train.count / settings.batchSize)} batches  loss ${point.trainLoss.toFixed(4)}  acc ${(100 * point.trainAccuracy).toFixed(2)}%  ` +
            `${Math.round(ds.train.count / point.seconds)} img/s  ${point.seconds.toFixed(1)} s/epoch  ETA ${formatSeconds(left * point.seconds)}`,
        );
      },
    });
    const scored = evaluate(built.model, { ...ds.test, norm }, 256);
    await saveModelFiles(built.model, join(dir, 'model'));
    const seconds = priorSeconds + (performance.now() - started) / 1000;
    store.updateReplay(replayId, { status: 'complete', testAccuracy: scored.accuracy, seconds });
    return {
      replayId, dir, testAccuracy: scored.accuracy, testLoss: scored.loss, params: built.params, multAdds: built.multAdds, seconds, backend: backend.name, curve,
    };
  } catch (e) {
    store.updateReplay(replayId, { status: e instanceof UserError ? 'failed' : 'interrupted' });
    if (e instanceof ReplayInterrupted) e.replayId = replayId;
    throw e;
  } finally {
    if (trainModel !== built.model) {
      // Dispose only the aux head's own layers; the shared ones go with built.model.
      for (const l of trainModel.layers) if (l.name.startsWith('aux_')) l.dispose();
    }
    built.model.dispose();
  }
}

/** 1h02m, 3m20s, 42s. */
export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const t = Math.round(s);
  const h = Math.floor(t / 3600), m = Math.floor((t % 3600) / 60), sec = t % 60;
  return h > 0 ? `${h}h${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}
