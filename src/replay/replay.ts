/**
 * `nas train`'s core: replays one genotype into full training (the whole training split, the
 * test split scored once at the end), with a checkpoint per epoch, the learning curve in the
 * store and the final model saved in the tfjs format.
 */
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, rmdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as tf from '#tfjs';
import { UserError } from '../core/errors.js';
import type { Genotype, MacroSettings, NasnetGenotype, SearchSpace } from '../space/types.js';
import { createRng, restoreRng } from '../core/rng.js';
import { runsDir } from '../core/paths.js';
import { loadDataset } from '../data/datasets.js';
import { channelStats } from '../data/normalize.js';
import { selectBackend, setEngineThreads } from '../engine/backend.js';
import { buildModel } from '../model/build.js';
import { checkRegulariserFits, describeRegulariser, type RegulariserSettings } from '../model/regularisers/index.js';
import { buildReplayNetwork } from './network.js';
import { evaluate } from '../training/evaluate.js';
import type { Store } from '../store/store.js';
import { refuseLiveOwner } from '../store/owner.js';
import type { CurvePoint, ReplayRow } from '../store/types.js';
import { saveModelFiles } from '../export/tfjs-files.js';
import { checkCompatible, loadCheckpointWeights, readCheckpointData, readCheckpointMeta, saveCheckpoint, type CheckpointMeta, type ModelShape } from './checkpoint.js';
import { DATA_PARALLEL_BACKENDS, threadPlan, type ThreadPlan } from './threads.js';
import { ReplicaGroup, type ReplicaRecipe } from '../training/replicas/group.js';
import { duration, pct, si } from '../core/format.js';
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

/**
 * Fails early (UserError) when `dir` cannot be created or written: its nearest existing ancestor
 * must be a folder with write permission in which a folder can really be made (probed, and
 * removed again: /proc says yes to every permission check and no to every mkdir).
 */
export function checkWritable(dir: string): void {
  let probe = resolve(dir);
  while (!existsSync(probe)) {
    const up = dirname(probe);
    if (up === probe) break;
    probe = up;
  }
  if (!statSync(probe).isDirectory()) throw new UserError(`output folder ${dir} cannot be created: ${probe} is not a folder`);
  if ((statSync(probe).mode & 0o222) === 0) throw new UserError(`output folder ${dir} is not writable (${probe} is read-only)`);
  try {
    accessSync(probe, constants.W_OK);
    rmdirSync(mkdtempSync(join(probe, '.nas-write-test-')));
  } catch (e) {
    throw new UserError(`output folder ${dir} is not writable (${probe}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * mkdir -p, one level at a time, as a UserError when the system refuses. (Node's recursive mkdir
 * loops forever under /proc.)
 */
function makeDir(dir: string): void {
  const missing: string[] = [];
  for (let d = resolve(dir); !existsSync(d); d = dirname(d)) {
    missing.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EEXIST' && statSync(d).isDirectory()) continue;
      throw new UserError(`cannot create output folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
  }
}

/** The folder and replay row a --resume continues: --out when given, else the latest unfinished replay of the same label. */
function findResume(job: ReplayPlan): { dir: string; replay?: ReplayRow } {
  if (job.out) return { dir: resolve(job.out) };
  const candidates = (job.store?.replays(job.runId ?? undefined) ?? [])
    .filter((r) => r.label === job.label && r.status !== 'complete' && r.checkpointDir && readCheckpointMeta(r.checkpointDir));
  const replay = candidates[candidates.length - 1];
  if (!replay) throw new UserError(`nothing to resume for ${job.label}: no unfinished replay with a checkpoint; pass --out DIR or drop --resume`);
  return { dir: replay.checkpointDir!, replay };
}

/** A replay job before its store is opened for writing: `store` (a reader, or none yet) is only read. */
export type ReplayPlan = Omit<ReplayJob, 'store'> & { store: Store | undefined };

/**
 * A replay checked and ready to train: the data loaded, the backend chosen, the model built and,
 * for a resume, the checkpoint read into it. Nothing has been written yet.
 */
export interface PreparedReplay {
  plan: ReplayPlan;
  ds: ReturnType<typeof loadDataset>;
  norm: NonNullable<ReturnType<typeof loadDataset>['train']['norm']>;
  key: string;
  shape: ModelShape;
  /** '' when the folder is runs/train-<replay id>, known once the replay row exists. */
  dir: string;
  replay?: ReplayRow;
  meta?: CheckpointMeta;
  optimizerState?: Float32Array[];
  backend: Awaited<ReturnType<typeof selectBackend>>;
  built: ReturnType<typeof buildModel>;
  trainModel: tf.LayersModel;
  /** Lines said while preparing, printed once the replay starts (bad input prints only its error). */
  lines: string[];
  dispose(): void;
}

/**
 * Everything that can refuse a replay, before anything is written: the dataset, the output
 * folder, the checkpoint of a resume (its checksum, size, epoch and shapes against this model),
 * the backend. UserError on bad input.
 */
export async function prepareReplay(plan: ReplayPlan): Promise<PreparedReplay> {
  const { space, genotype, macro, settings, store } = plan;
  if (settings.regulariser) checkRegulariserFits(settings.regulariser, genotype);
  const ds = loadDataset(plan.dataset);
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
  if (settings.auxWeight > 0 && (macro.reductions < 1 || genotype.space !== 'nasnet')) throw new UserError('--aux-weight needs a NASNet-space network with at least one reduction cell');

  let dir: string;
  let replay: ReplayRow | undefined;
  let meta = undefined as ReturnType<typeof readCheckpointMeta>;
  if (plan.resume) {
    ({ dir, replay } = findResume(plan));
    meta = readCheckpointMeta(dir);
    if (!meta) throw new UserError(`no checkpoint in ${dir} to resume from`);
    checkCompatible(meta, key, shape, dir);
    if (meta.epochs !== settings.epochs) throw new UserError(`checkpoint in ${dir} was written for ${meta.epochs} epochs, not ${settings.epochs}; pass --epochs ${meta.epochs}`);
    checkSameRegulariser(meta, settings.regulariser, dir);
    readCheckpointData(dir, meta);
    if (meta.replayId !== null && !replay) replay = store?.getReplay(meta.replayId);
    if (replay) refuseLiveOwner(replay, `replay ${replay.id} is still being trained`);
    store?.refuseLiveReplayIn(dir);
  } else {
    dir = plan.out ? resolve(plan.out) : '';
    if (dir) {
      checkWritable(dir);
      if (readCheckpointMeta(dir)) throw new UserError(`${dir} already holds a checkpoint; pass --resume to continue it or choose another --out`);
      store?.refuseLiveReplayIn(dir);
    } else checkWritable(runsDir);
  }

  // A resumed replay keeps the thread count it was given or defaulted to (unless --threads says otherwise).
  const threads = plan.threads ?? (meta?.config as { threads?: number } | null | undefined)?.threads;
  const lines: string[] = [];
  const backend = await selectBackend(plan.backend, { log: (line) => lines.push(line), threads });

  const network = buildReplayNetwork(space, genotype, macro, settings, shape.inputShape as [number, number, number], ds.numClasses);
  const { built, trainModel, dispose } = network;
  if (settings.regulariser) lines.push(`${describeRegulariser(settings.regulariser)} in ${built.regularised} blocks`);
  try {
    const optimizerState = meta ? loadCheckpointWeights(dir, meta, trainModel) : undefined;
    if (meta) restoreRng(meta.rng)();
    return { plan, ds, norm, key, shape, dir, replay, meta, optimizerState, backend, built, trainModel, lines, dispose };
  } catch (e) {
    dispose();
    if (e instanceof UserError) throw e;
    throw new UserError(`checkpoint in ${dir} cannot be read into this model: ${(e as Error).message}`);
  }
}

/** Refuses to resume a checkpoint trained with another block regulariser (or none): the epochs left would train another network. */
function checkSameRegulariser(meta: CheckpointMeta, now: RegulariserSettings | undefined, dir: string): void {
  const then = (meta.config as { settings?: { regulariser?: RegulariserSettings } } | null)?.settings?.regulariser;
  if (describeRegulariser(then) === describeRegulariser(now)) return;
  throw new UserError(`checkpoint in ${dir} was trained with ${describeRegulariser(then)}, this replay asks for ${describeRegulariser(now)}; give the same --regulariser options or another --out`);
}

/** Runs a replay to the end; resumable from its last checkpoint. */
export async function runReplay(job: ReplayJob): Promise<ReplayOutcome> {
  return trainPrepared(await prepareReplay(job), job.store);
}

/** Trains a prepared replay, recording it in `store` (opened for writing). */
export async function trainPrepared(p: PreparedReplay, store: Store): Promise<ReplayOutcome> {
  const job = p.plan;
  const { space, genotype, macro, settings } = job;
  const { ds, norm, key, shape, meta, backend, built, trainModel } = p;
  let { dir, replay } = p;
  try {
    const config: { dataset: string; macro: MacroSettings; settings: ReplaySettings; backend: string; threads?: number } = {
      dataset: job.dataset, macro, settings, backend: job.backend, threads: job.threads ?? (meta?.config as { threads?: number } | null | undefined)?.threads,
    };
    if (!replay) {
      replay = store.addReplay({ runId: job.runId, trialId: job.trialId, label: job.label, genotype, config, checkpointDir: dir || null });
      if (!dir) {
        dir = join(runsDir, `train-${replay.id}`);
        store.updateReplay(replay.id, { checkpointDir: dir });
      }
    } else store.claimReplay(replay.id);
    for (const line of p.lines) job.log(line);
    const replayId = replay.id;
    try {
      makeDir(dir);
      const started = performance.now();
      // Every core unless --threads says otherwise (a resume keeps its count: the count decides the shards).
      if (config.threads === undefined) {
        config.threads = availableParallelism();
        store.updateReplay(replayId, { config });
      }
      const threadsPlan = DATA_PARALLEL_BACKENDS.includes(backend.name) ? threadPlan(config.threads, settings.batchSize) : undefined;
      if (threadsPlan && threadsPlan.replicas > 1) job.log(`data parallel: ${threadsPlan.replicas} replicas × ${threadsPlan.engineThreads} engine thread${threadsPlan.engineThreads > 1 ? 's' : ''}, shards of ${Math.ceil(settings.batchSize / threadsPlan.replicas)} images`);
      let rng = createRng(`replay:${settings.seed}`);
      let curve: CurvePoint[] = [];
      let startEpoch = 0;
      let priorSeconds = 0;
      if (meta) {
        rng = restoreRng(meta.rng);
        curve = meta.curve;
        startEpoch = meta.epoch;
        priorSeconds = meta.seconds;
        for (const point of curve) store.addCurvePoint({ replayId }, point);
        job.log(`resuming ${job.label} from ${dir} after epoch ${startEpoch}/${settings.epochs}`);
      }
      job.log(
        `replay ${replayId}: ${job.label} on ${ds.name} (${ds.train.count} train / ${ds.test.count} test), ` +
          `N=${macro.cellsPerStage} F=${macro.filters}, ${si(built.params)} params, backend ${backend.name}, checkpoints in ${dir}`,
      );
      store.updateReplay(replayId, { params: built.params, multAdds: built.multAdds, backend: backend.name });
      const replicas = threadsPlan ? await startReplicas(p, threadsPlan, trainModel) : undefined;
      const epochStarted = performance.now();
      try {
        await runTraining({
          model: built.model, trainModel, train: ds.train, norm, numClasses: ds.numClasses, settings, startEpoch, rng, optimizerState: p.optimizerState,
          replicas,
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
              `epoch ${point.epoch}/${settings.epochs}  ${Math.ceil(ds.train.count / settings.batchSize)} batches  loss ${point.trainLoss.toFixed(4)}  acc ${pct(point.trainAccuracy)}  ` +
                `${Math.round(ds.train.count / point.seconds)} img/s  ${duration(point.seconds)}/epoch  ETA ${duration(left * point.seconds)}`,
            );
          },
        });
      } finally {
        await replicas?.close();
      }
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
    }
  } finally {
    p.dispose();
  }
}

/** Sets this thread's engine threads and starts the replicas of a plan (none for one replica). */
async function startReplicas(p: PreparedReplay, plan: ThreadPlan, trainModel: tf.LayersModel): Promise<ReplicaGroup | undefined> {
  setEngineThreads(plan.engineThreads);
  if (plan.replicas < 2) return undefined;
  const { space, genotype, macro, settings } = p.plan;
  const recipe: ReplicaRecipe = {
    spaceFile: space.file, genotype, macro, settings, inputShape: p.shape.inputShape as [number, number, number], numClasses: p.ds.numClasses,
    backend: p.backend.name, engineThreads: plan.engineThreads,
  };
  return ReplicaGroup.start(recipe, plan.replicas, settings.batchSize, trainModel.trainableWeights.map((w) => w.read() as tf.Variable));
}
