/** `nas bench train …` and `nas bench strategies …`: benchmarks, not tests. */
import { UserError } from '../core/types.js';

export async function benchCommand(argv: string[]): Promise<void> {
  const [what, ...rest] = argv;
  if (what === 'train') return (await import('./bench-train.js')).benchTrain(rest);
  if (what === 'strategies') return (await import('./bench-strategies.js')).benchStrategies(rest);
  throw new UserError(`unknown benchmark "${what ?? ''}" (known: train, strategies)`);
}
