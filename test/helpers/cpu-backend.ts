/** The engine's 'cpu' backend (one thread), as children train; stock tfjs 'cpu' if src/engine is unavailable (slower, same results). */
import * as tf from '#tfjs';

export async function selectCpuBackend(): Promise<string> {
  try {
    const engine = await import('../../src/engine/backend.js');
    return (await engine.selectBackend('cpu', { threads: 1 })).name;
  } catch {
    await tf.setBackend('cpu');
    return 'cpu (stock)';
  }
}
