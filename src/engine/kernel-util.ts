/** Small pieces shared by the kernel runners (kernels.ts, js-extras.ts). */
import * as tf from '#tfjs';

/** The parts of tfjs's MathBackendCPU the runners use. */
export interface CpuLike {
  data: { get(id: unknown): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}
export type Inputs = Record<string, tf.TensorInfo>;
/** Runs a kernel, or returns null to hand the call to the stock kernel. */
export type Run = (b: CpuLike, inputs: Inputs, attrs: tf.NamedAttrMap) => tf.TensorInfo | null;

/** The Float32Array behind a tensor, or null if it is not plain float32 data. */
export function values(backend: CpuLike, t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/** The float32 values of a tensor of the cpu family of backends, copied out if stored otherwise (for kernels with no stock fallback). */
export function float32Values(backend: CpuLike, t: tf.TensorInfo): Float32Array {
  return values(backend, t) ?? Float32Array.from((backend as unknown as { readSync(id: unknown): ArrayLike<number> }).readSync(t.dataId));
}

/** Registers runners on `backendName`, each falling back to the kernel of the same name in `stock`. */
export function registerRunners(backendName: string, runners: Record<string, Run>, stock: Map<string, tf.KernelConfig>): void {
  for (const [kernelName, run] of Object.entries(runners)) {
    const fallback = stock.get(kernelName);
    if (!fallback) continue;
    const kernelFunc = (args: { inputs: tf.NamedTensorInfoMap; backend: unknown; attrs?: tf.NamedAttrMap }) =>
      run(args.backend as CpuLike, args.inputs as Inputs, args.attrs ?? {}) ?? fallback.kernelFunc(args as any);
    if (tf.getKernel(kernelName, backendName)) tf.unregisterKernel(kernelName, backendName);
    tf.registerKernel({ kernelName, backendName, kernelFunc: kernelFunc as tf.KernelFunc });
  }
}
