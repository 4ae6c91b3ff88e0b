/**
 * Backend selection for one thread (the main thread or a piscina worker): every thread has
 * its own tfjs instance, so every thread calls selectBackend() before it builds a model.
 *
 *   gpu       @tensorflow/tfjs-node-gpu (optional dependency)
 *   node      @tensorflow/tfjs-node (optional dependency)
 *   onednn    tfjs's cpu backend with convolutions run by the oneDNN addon (native/)
 *   cpu       tfjs's pure-JS cpu backend with this project's fast JS convolution kernels
 *   cpu-stock tfjs's pure-JS cpu backend exactly as shipped (for benchmarks and tests)
 *   auto      the first of gpu, node, onednn, cpu that loads
 *
 * The kernels of onednn and cpu take their outputs from a per-backend buffer pool
 * (buffer-pool.ts); cpu-stock allocates as shipped.
 */
import * as tf from '#tfjs';
import { MathBackendCPU } from '#tfjs-backend-cpu';
import { availableParallelism } from 'node:os';
import { UserError } from '../core/errors.js';
import { clearPools } from './buffer-pool.js';
import { jsConv, withFallback } from './conv-impl.js';
import { convKernelNames, registerConvKernels } from './kernels.js';
import { extraRunners } from './js-extras.js';
import { registerRunners } from './kernel-util.js';
import { nativeExtraRunners } from './native-extras.js';
import { registerBatchNormKernels } from './batchnorm-kernels.js';
import { registerMomentumKernel } from './momentum-kernel.js';
import { loadOnednn, type OnednnAddon } from './onednn.js';

/** Every name selectBackend() accepts. */
export const backendNames = ['auto', 'gpu', 'node', 'onednn', 'cpu', 'cpu-stock'] as const;

export interface SelectedBackend {
  /** The tfjs backend now active ('tensorflow' for gpu/node, else 'onednn' | 'cpu' | 'cpu-stock'). */
  name: string;
  description: string;
}

export interface SelectOptions {
  /** oneDNN threads for this thread; give cores / workers (default: all cores). */
  threads?: number;
  /** Where to say, once, that auto fell back to the slow path. */
  log?: (line: string) => void;
}

interface Installed { onednn: OnednnAddon | null; onednnError: string | null }
let installed: Installed | null = null;
let warnedFallback = false;

/** Registers cpu-stock, the fast cpu kernels and (if the addon loads) onednn. Idempotent per thread. */
export function installEngine(): Installed {
  if (installed) return installed;
  // Snapshot the stock kernels before overriding them on 'cpu'.
  const stock = new Map<string, tf.KernelConfig>();
  for (const k of tf.getKernelsForBackend('cpu')) stock.set(k.kernelName, k);
  if (stock.size === 0) throw new Error('tfjs cpu kernels are not registered (is @tensorflow/tfjs imported?)');

  tf.registerBackend('cpu-stock', () => new MathBackendCPU(), 0);
  for (const k of stock.values()) tf.registerKernel({ ...k, backendName: 'cpu-stock' });

  registerConvKernels('cpu', jsConv, stock);
  registerRunners('cpu', extraRunners, stock);
  registerBatchNormKernels('cpu', null);
  registerMomentumKernel('cpu');

  const { addon, error } = loadOnednn();
  if (addon) {
    tf.registerBackend('onednn', () => new MathBackendCPU(), 0);
    // Inherit every cpu kernel (including the fast JS ones) and put oneDNN in front for convolutions.
    for (const k of tf.getKernelsForBackend('cpu')) {
      if (!convKernelNames.includes(k.kernelName)) tf.registerKernel({ ...k, backendName: 'onednn' });
    }
    registerConvKernels('onednn', withFallback(addon.conv, jsConv), stock);
    registerRunners('onednn', nativeExtraRunners(addon.eltwise), stock);
    registerBatchNormKernels('onednn', addon.batchNorm);
    registerMomentumKernel('onednn');
  }
  installed = { onednn: addon, onednnError: error };
  return installed;
}

/** Names usable right now in this thread (cheap; does not load tfjs-node). */
export function availableBackends(): string[] {
  const { onednn } = installEngine();
  return [...(onednn ? ['onednn'] : []), 'cpu', 'cpu-stock'];
}

const notInstalled = (name: string, pkg: string) =>
  new UserError(`backend '${name}' is not installed: npm install ${pkg} (needs internet access to download libtensorflow)`);

async function tryTfjsNode(pkg: string): Promise<boolean> {
  try {
    await import(pkg);
    return tf.engine().registryFactory['tensorflow'] !== undefined && (await tf.setBackend('tensorflow'));
  } catch {
    return false;
  }
}

/**
 * Makes `requested` the active tfjs backend of this thread and returns what was chosen.
 * Throws UserError for unknown names and for explicit requests that cannot be met.
 */
export async function selectBackend(requested: string, opts: SelectOptions = {}): Promise<SelectedBackend> {
  if (!(backendNames as readonly string[]).includes(requested)) {
    throw new UserError(`unknown backend '${requested}' (expected one of: ${backendNames.join(', ')})`);
  }
  const eng = installEngine();
  // The free arrays fit the previous model's shapes; the next model starts from an empty pool.
  clearPools();
  const threads = opts.threads ?? availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new UserError(`threads must be a positive integer, got ${opts.threads}`);

  if (requested === 'gpu' || requested === 'node') {
    const pkg = requested === 'gpu' ? '@tensorflow/tfjs-node-gpu' : '@tensorflow/tfjs-node';
    if (await tryTfjsNode(pkg)) return { name: 'tensorflow', description: `${pkg} (libtensorflow)` };
    throw notInstalled(requested, pkg);
  }
  if (requested === 'onednn') {
    if (!eng.onednn) {
      throw new UserError(`backend 'onednn' is not available: ${eng.onednnError}; install libdnnl-dev and run: node scripts/build-native.mjs`);
    }
    return useOnednn(eng.onednn, threads);
  }
  if (requested === 'cpu' || requested === 'cpu-stock') return useCpu(requested);

  // auto
  if (await tryTfjsNode('@tensorflow/tfjs-node-gpu')) return { name: 'tensorflow', description: '@tensorflow/tfjs-node-gpu (libtensorflow)' };
  if (await tryTfjsNode('@tensorflow/tfjs-node')) return { name: 'tensorflow', description: '@tensorflow/tfjs-node (libtensorflow)' };
  if (eng.onednn) return useOnednn(eng.onednn, threads);
  if (!warnedFallback && opts.log) {
    warnedFallback = true;
    opts.log(`backend: using the pure-JS cpu kernels (${eng.onednnError}); for a ~10x faster engine install libdnnl-dev and run \`node scripts/build-native.mjs\`, or npm install @tensorflow/tfjs-node`);
  }
  return useCpu('cpu');
}

/**
 * tfjs's cpu backend prints a banner on its first write in Node ("install tfjs-node"). We already
 * print which backend is in use and how to get a faster one, so the banner is only noise.
 */
function quietCpuBanner(): void {
  const b = tf.backend() as unknown as { firstUse?: boolean };
  if ('firstUse' in b) b.firstUse = false;
}

/** Changes the engine's thread count for this JS thread's kernels; false when the active backend has none to change. */
export function setEngineThreads(threads: number): boolean {
  const addon = installEngine().onednn;
  if (!addon || tf.getBackend() !== 'onednn') return false;
  addon.setThreads(threads);
  return true;
}

async function useOnednn(addon: OnednnAddon, threads: number): Promise<SelectedBackend> {
  addon.setThreads(threads);
  await tf.setBackend('onednn');
  quietCpuBanner();
  return { name: 'onednn', description: `oneDNN ${addon.version} convolutions, ${threads} thread${threads > 1 ? 's' : ''}; other ops tfjs cpu` };
}

async function useCpu(name: 'cpu' | 'cpu-stock'): Promise<SelectedBackend> {
  await tf.setBackend(name);
  quietCpuBanner();
  return {
    name,
    description: name === 'cpu' ? 'tfjs cpu backend with fast JS convolution kernels (1 thread)' : 'tfjs cpu backend, stock kernels (1 thread)',
  };
}
