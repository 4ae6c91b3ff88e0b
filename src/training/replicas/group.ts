/**
 * Data parallelism for one training: R replicas of the network, this thread's and R − 1 worker
 * threads', each computing the gradient of its shard of every batch; this thread joins them in a
 * fixed order (src/training/replicas/shards.ts) and takes the one optimizer step, then hands the new
 * weights back. Batches, weights and gradients travel through shared memory; a message per step
 * says what to do. Why threads and not more engine threads: on small tensors oneDNN's intra-op
 * threads do not pay (docs/engine.md), and every op other than the convolutions runs in JavaScript
 * on one thread; a replica runs all of them on its own core.
 */
import { Worker } from 'node:worker_threads';
import type * as tf from '#tfjs';
import type { Genotype, MacroSettings } from '../../space/types.js';
import type { TrainingSettings } from '../loop.js';
import { flatOffsets } from './shards.js';

/** What a replica needs to build the same network (plain data, sent to its thread). */
export interface ReplicaRecipe {
  spaceFile: string;
  genotype: Genotype;
  macro: MacroSettings;
  settings: TrainingSettings;
  inputShape: [number, number, number];
  numClasses: number;
  /** The engine backend of every replica. */
  backend: string;
  /** Engine threads of each replica. */
  engineThreads: number;
}

export interface ReplicaInit extends ReplicaRecipe {
  replica: number;
  sizes: number[];
  weights: SharedArrayBuffer;
  grads: SharedArrayBuffer;
  x: SharedArrayBuffer;
  y: SharedArrayBuffer;
}

export type ToReplica = { type: 'step'; n: number; epoch: number; dropRate: number; weightsVersion: number };
export type FromReplica = { type: 'ready' } | { type: 'done'; loss: number; correct: number } | { type: 'error'; message: string };

/** One shard's outcome: its mean loss and how many of its images were right. */
export interface ShardOutcome {
  loss: number;
  correct: number;
}

class Replica {
  private waiting?: { resolve: (m: FromReplica) => void; reject: (e: Error) => void };
  private failure?: Error;
  closing = false;

  constructor(readonly worker: Worker, readonly x: Float32Array, readonly y: Int32Array, readonly grads: Float32Array) {
    worker.on('message', (m: FromReplica) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (m.type === 'error') this.fail(new Error(`replica thread: ${m.message}`), w);
      else w?.resolve(m);
    });
    worker.on('error', (e) => this.fail(e));
    worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`replica thread exited with code ${code}`));
    });
  }

  /** The next message (call right after posting, before yielding to the event loop). */
  reply(): Promise<FromReplica> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  private fail(e: Error, w = this.waiting): void {
    this.failure ??= e;
    this.waiting = undefined;
    w?.reject(this.failure);
  }
}

export class ReplicaGroup {
  private version = 0;
  private pending: Promise<FromReplica>[] = [];

  private constructor(
    private readonly replicaThreads: Replica[],
    private readonly weights: Float32Array,
    readonly offsets: number[],
    private readonly imageSize: number,
  ) {}

  /** Replicas in all, this thread's included. */
  get replicas(): number {
    return this.replicaThreads.length + 1;
  }

  /**
   * Starts `replicas − 1` threads, each building the recipe's network; resolves once all are ready.
   * `vars` are this thread's trainable variables, in the order the gradients travel.
   */
  static async start(recipe: ReplicaRecipe, replicas: number, maxBatch: number, vars: readonly tf.Variable[]): Promise<ReplicaGroup> {
    if (!Number.isInteger(replicas) || replicas < 2) throw new Error(`a replica group needs at least 2 replicas, got ${replicas}`);
    const sizes = vars.map((v) => v.size);
    const offsets = flatOffsets(sizes);
    const total = offsets[offsets.length - 1];
    const imageSize = recipe.inputShape[0] * recipe.inputShape[1] * recipe.inputShape[2];
    const maxShard = Math.ceil(maxBatch / replicas);
    const weights = new SharedArrayBuffer(total * 4);
    const threads: Replica[] = [];
    const ready: Promise<FromReplica>[] = [];
    for (let r = 1; r < replicas; r++) {
      const init: ReplicaInit = {
        ...recipe, replica: r, sizes, weights,
        grads: new SharedArrayBuffer(total * 4), x: new SharedArrayBuffer(maxShard * imageSize * 4), y: new SharedArrayBuffer(maxShard * 4),
      };
      const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: init });
      const rep = new Replica(worker, new Float32Array(init.x), new Int32Array(init.y), new Float32Array(init.grads));
      threads.push(rep);
      ready.push(rep.reply());
    }
    const group = new ReplicaGroup(threads, new Float32Array(weights), offsets, imageSize);
    try {
      await Promise.all(ready);
    } catch (e) {
      await group.close();
      throw e;
    }
    return group;
  }

  /** Publishes this thread's current weights (after every optimizer step, and once before the first). */
  pushWeights(vars: readonly tf.Variable[]): void {
    vars.forEach((v, i) => this.weights.set(v.dataSync() as Float32Array, this.offsets[i]));
    this.version++;
  }

  /**
   * Hands shard r (r ≥ 1) of a batch to replica r: its normalised, augmented images and labels.
   * The replicas compute while this thread computes shard 0; finish() waits for them.
   */
  begin(shards: { x: Float32Array; y: Int32Array }[], epoch: number, dropRate: number): void {
    if (this.pending.length) throw new Error('the previous step has not finished');
    if (shards.length > this.replicaThreads.length) throw new Error(`${shards.length} shards for ${this.replicaThreads.length} replica threads`);
    this.pending = shards.map((s, r) => {
      const rep = this.replicaThreads[r];
      if (s.x.length !== s.y.length * this.imageSize) throw new Error(`shard ${r + 1}: ${s.x.length} pixels for ${s.y.length} images`);
      rep.x.set(s.x);
      rep.y.set(s.y);
      rep.worker.postMessage({ type: 'step', n: s.y.length, epoch, dropRate, weightsVersion: this.version } satisfies ToReplica);
      return rep.reply();
    });
  }

  /** Waits for the shards handed out by begin(); their gradients are then in grads(r). */
  async finish(): Promise<ShardOutcome[]> {
    const pending = this.pending;
    this.pending = [];
    const replies = await Promise.all(pending);
    return replies.map((m) => {
      if (m.type !== 'done') throw new Error(`replica thread answered ${m.type}`);
      return { loss: m.loss, correct: m.correct };
    });
  }

  /** Replica r's (r ≥ 1) mean gradient of variable i, for its last shard. */
  gradient(r: number, i: number): Float32Array {
    return this.replicaThreads[r - 1].grads.subarray(this.offsets[i], this.offsets[i + 1]);
  }

  async close(): Promise<void> {
    // Wait for a step in flight (an error thrown mid-step), so that no thread is killed inside a native call.
    await Promise.allSettled(this.pending);
    this.pending = [];
    await Promise.all(this.replicaThreads.map((rep) => {
      rep.closing = true;
      return rep.worker.terminate();
    }));
  }
}
