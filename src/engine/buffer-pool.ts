/**
 * A pool of kernel output arrays for one backend instance of the cpu family ('onednn', 'cpu';
 * never 'cpu-stock', whose kernels are tfjs's own and never ask for one).
 *
 * Why: every kernel output used to be a fresh Float32Array whose backing store is external
 * memory, and V8 collects garbage to free them ("external memory pressure"): during training
 * that cost about as much CPU as the training itself. The pool hands the arrays of disposed
 * tensors to the next kernel outputs of the same length instead.
 *
 * Safety, since a recycled array that something still reads corrupts training silently:
 *  1. only arrays this pool handed out are recycled (they are keyed by ArrayBuffer in `owned`);
 *  2. an array is recycled only when no live data entry of the backend refers to its ArrayBuffer:
 *     stock kernels alias (a contiguous Slice stores `xVals.subarray(...)`, Reshape and Identity
 *     share one entry with a refCount), so the pool counts entries per ArrayBuffer by wrapping
 *     the backend's DataStorage set/delete;
 *  3. an array whose values left the backend (readSync, read: so dataSync, data, bufferSync,
 *     arraySync, print, and moving a tensor to another backend) is never recycled;
 *  4. take() zero-fills a reused array unless its caller writes every element (`overwrites`);
 *  5. the free arrays are capped in bytes (least recently requested lengths dropped first),
 *     lengths not requested for `staleTakes` takes are dropped, and a pool no kernel took from
 *     for `idleMs` lets all its arrays go, so memory does not grow (a training step of the
 *     bench's NASNet-A child at batch 64 frees ~620 MB, which the next step takes again);
 *  6. disposing the backend empties its pool, and so does every selectBackend().
 */

import { totalmem } from 'node:os';

/** A kernel output allocator: n elements, zeroed unless the caller writes every element itself. */
export type Alloc = (n: number, overwrites?: boolean) => Float32Array;

/** No pool: a fresh (zeroed) array every time, as before. */
export const freshArray: Alloc = (n) => new Float32Array(n);

const envMb = process.env.NAS_BUFFER_POOL_MB ? Number(process.env.NAS_BUFFER_POOL_MB) : NaN;
/**
 * An eighth of the machine's memory, within 1–4 GiB. A replay-size step (ResNet-style, batch 128)
 * frees more than 1 GiB that the next step takes again; a 1 GiB cap left the rest to V8 (782
 * collections a minute instead of 190, measured on a one-thread replay).
 */
export const DEFAULT_POOL_MB = Math.min(4096, Math.max(1024, Math.floor(totalmem() / 2 ** 20 / 8)));

/** Settings read on every release, so tests can change them. */
export const poolConfig = {
  /** Bytes of free arrays kept per backend; 0 turns pooling off (NAS_BUFFER_POOL_MB, default DEFAULT_POOL_MB). */
  capBytes: (Number.isFinite(envMb) && envMb >= 0 ? envMb : DEFAULT_POOL_MB) * 2 ** 20,
  /** A length not requested for this many takes (a few training steps) is dropped. */
  staleTakes: 50_000,
  /** A pool no kernel took from for this long (training over) is emptied. */
  idleMs: 2000,
  /** Tests: fill released arrays with NaN, so a reader of a recycled array or a skipped fill shows. */
  poison: false,
};

/** What the pool needs of tfjs's MathBackendCPU (tfjs-backend-cpu/src/backend_cpu.ts). */
interface Storage {
  get(id: object): { values?: unknown };
  has(id: object): boolean;
  set(id: object, entry: { values?: unknown }): void;
  delete(id: object): boolean;
}
interface CpuBackend {
  data: Storage;
  readSync(id: object): unknown;
  read(id: object): Promise<unknown>;
  dispose(): void;
}

/** Per handed-out ArrayBuffer: live data entries on it, and whether it may ever be recycled. */
interface Owned { array: Float32Array; refs: number; escaped: boolean; free: boolean }

export interface PoolStats {
  /** Arrays allocated new. */ fresh: number;
  /** take() calls answered from the free lists. */ reused: number;
  /** Arrays put back on a free list. */ recycled: number;
  /** Arrays whose values left the backend (never recycled). */ escaped: number;
  /** Free arrays let go (over the cap, stale length, clear()). */ dropped: number;
  /** Bytes on the free lists now, and at most so far. */ freeBytes: number; peakFreeBytes: number;
}

export class BufferPool {
  readonly stats: PoolStats = { fresh: 0, reused: 0, recycled: 0, escaped: 0, dropped: 0, freeBytes: 0, peakFreeBytes: 0 };
  private readonly owned = new WeakMap<ArrayBuffer, Owned>();
  /** Free arrays by length; Map order = least recently requested length first. */
  private readonly lengths = new Map<number, { free: Float32Array[]; lastTake: number }>();
  private clock = 0;
  private disposed = false;
  private idleTimer: ReturnType<typeof setTimeout> | null = null;

  /** The allocator kernels use (bound, so it can be passed around). */
  readonly take: Alloc = (n, overwrites = false) => {
    if (n === 0) return new Float32Array(0);
    if (++this.clock % 4096 === 0) this.dropStale();
    let len = this.lengths.get(n);
    if (len) this.lengths.delete(n);
    else len = { free: [], lastTake: 0 };
    len.lastTake = this.clock;
    this.lengths.set(n, len); // now the most recently requested
    const a = len.free.pop();
    if (a) {
      this.owned.get(a.buffer as ArrayBuffer)!.free = false;
      this.stats.freeBytes -= a.byteLength;
      this.stats.reused++;
      if (!overwrites) a.fill(0);
      return a;
    }
    // Built on an explicit ArrayBuffer so even tiny arrays live off the V8 heap from the start
    // (reading `.buffer` of an on-heap typed array would copy it out).
    const fresh = new Float32Array(new ArrayBuffer(4 * n));
    this.owned.set(fresh.buffer, { array: fresh, refs: 0, escaped: false, free: false });
    this.stats.fresh++;
    return fresh;
  };

  /** A data entry now refers to `values`. */
  ref(values: unknown): void {
    const o = this.find(values);
    if (!o) return;
    // Only a reference we did not see could bring a free array back: never trust it again.
    if (o.free) { this.unfree(o); this.escape(values); }
    o.refs++;
  }

  /** A data entry that referred to `values` is gone. */
  unref(values: unknown): void {
    const o = this.find(values);
    if (!o) return;
    o.refs--;
    if (o.refs > 0 || o.escaped || o.free) return;
    const cap = this.disposed ? 0 : poolConfig.capBytes;
    if (o.array.byteLength > cap) return;
    if (poolConfig.poison) o.array.fill(NaN);
    let len = this.lengths.get(o.array.length);
    if (!len) this.lengths.set(o.array.length, (len = { free: [], lastTake: this.clock }));
    len.free.push(o.array);
    o.free = true;
    this.stats.freeBytes += o.array.byteLength;
    this.stats.recycled++;
    this.shrinkTo(cap);
    this.stats.peakFreeBytes = Math.max(this.stats.peakFreeBytes, this.stats.freeBytes);
    if (!this.idleTimer) this.watchIdle(this.clock);
  }

  /** `values` left the backend: its array is never recycled. */
  escape(values: unknown): void {
    const o = this.find(values);
    if (!o || o.escaped) return;
    o.escaped = true;
    this.stats.escaped++;
    if (o.free) this.unfree(o);
  }

  /** Lets every free array go (selectBackend, dispose). */
  clear(): void {
    this.shrinkTo(0);
    this.lengths.clear();
  }

  dispose(): void {
    this.disposed = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    this.clear();
  }

  /** Empties the pool once no take() happened for idleMs (unref'd: never keeps the process alive). */
  private watchIdle(seen: number): void {
    this.idleTimer = setTimeout(() => {
      this.idleTimer = null;
      if (this.clock === seen) this.clear();
      else if (this.stats.freeBytes > 0) this.watchIdle(this.clock);
    }, poolConfig.idleMs);
    this.idleTimer.unref?.();
  }

  private find(values: unknown): Owned | undefined {
    // Every view (subarray, other element type) of a pooled array shares its ArrayBuffer.
    return ArrayBuffer.isView(values) ? this.owned.get(values.buffer as ArrayBuffer) : undefined;
  }

  private unfree(o: Owned): void {
    const free = this.lengths.get(o.array.length)?.free;
    const i = free ? free.indexOf(o.array) : -1;
    if (i >= 0) free!.splice(i, 1);
    o.free = false;
    this.stats.freeBytes -= o.array.byteLength;
  }

  /** Drops free arrays, least recently requested lengths first, until at most `cap` bytes are free. */
  private shrinkTo(cap: number): void {
    for (const [n, len] of this.lengths) {
      if (this.stats.freeBytes <= cap) return;
      while (len.free.length > 0 && this.stats.freeBytes > cap) this.drop(len.free.pop()!);
      if (len.free.length === 0 && this.clock - len.lastTake > poolConfig.staleTakes) this.lengths.delete(n);
    }
  }

  private dropStale(): void {
    for (const [n, len] of this.lengths) {
      if (this.clock - len.lastTake <= poolConfig.staleTakes) continue;
      for (const a of len.free) this.drop(a);
      this.lengths.delete(n);
    }
  }

  private drop(a: Float32Array): void {
    // Unreferenced (it was free): left to the garbage collector, and no longer ours.
    this.owned.delete(a.buffer as ArrayBuffer);
    this.stats.freeBytes -= a.byteLength;
    this.stats.dropped++;
  }
}

const pools = new WeakMap<object, BufferPool | null>();
/** The pools of this thread whose backend is not disposed, for clearPools(). */
const live = new Set<BufferPool>();

/**
 * The allocator for outputs of a kernel running on `backend`: its pool (installed on first use),
 * or fresh arrays when pooling is off or the backend is not a tfjs cpu backend.
 */
export function allocFor(backend: unknown): Alloc {
  let pool = pools.get(backend as object);
  if (pool === undefined) pool = install(backend);
  return pool ? pool.take : freshArray;
}

/** The pool of `backend`, if it has one (tests, benchmarks). */
export function poolOf(backend: unknown): BufferPool | undefined {
  return pools.get(backend as object) ?? undefined;
}

/** Empties every pool of this thread (selectBackend: the next model has other shapes). */
export function clearPools(): void {
  for (const p of live) p.clear();
}

function install(backend: unknown): BufferPool | null {
  const b = backend as CpuBackend;
  const d = b?.data;
  const ok = poolConfig.capBytes > 0 && d && typeof d.set === 'function' && typeof d.delete === 'function' &&
    typeof d.get === 'function' && typeof d.has === 'function' && typeof b.readSync === 'function' && typeof b.read === 'function';
  if (!ok) {
    pools.set(backend as object, null);
    return null;
  }
  const pool = new BufferPool();
  const { set, delete: del } = d;
  // `has` first: DataStorage.get of a missing id would move data in from another backend.
  const valuesOf = (id: object) => (d.has(id) ? d.get(id).values : undefined);
  d.set = (id, entry) => {
    const old = valuesOf(id);
    set.call(d, id, entry);
    pool.ref(entry.values); // before unref, so re-setting the same values never frees them in between
    pool.unref(old);
  };
  d.delete = (id) => {
    const old = valuesOf(id);
    const r = del.call(d, id);
    pool.unref(old);
    return r;
  };
  // Everything that hands values out of the backend goes through these two (bufferSync, where
  // and complex parts call this.readSync; tfjs's engine calls them for dataSync/data and moveData).
  const { readSync, read, dispose } = b;
  b.readSync = (id) => {
    const out = readSync.call(b, id);
    pool.escape(valuesOf(id));
    pool.escape(out);
    return out;
  };
  b.read = (id) => {
    pool.escape(valuesOf(id));
    return read.call(b, id);
  };
  b.dispose = () => {
    pool.dispose();
    live.delete(pool);
    dispose.call(b);
  };
  pools.set(backend as object, pool);
  live.add(pool);
  return pool;
}
