/** `nas bench train …`, `nas bench strategies …` and `nas bench ops …`: benchmarks, not tests. */
import { UserError } from '../core/errors.js';

const HELP = `usage: nas bench train [options]        training speed of every backend (nas bench train --help)
       nas bench strategies [options]   strategies against a NAS-Bench-201 table (nas bench strategies --help)
       nas bench ops [options]          latency of every op beside its mult-adds, per backend (nas bench ops --help)`;

export async function benchCommand(argv: string[]): Promise<void> {
  const [what, ...rest] = argv;
  if (what === 'train') return (await import('./bench-train.js')).benchTrain(rest);
  if (what === 'strategies') return (await import('./bench-strategies.js')).benchStrategies(rest);
  if (what === 'ops') return (await import('./bench-ops.js')).benchOps(rest);
  if (argv.includes('--help') || argv.includes('-h')) return void console.log(HELP);
  if (what === undefined) throw new UserError('nas bench needs a benchmark: train, strategies or ops (nas bench --help)');
  throw new UserError(`unknown benchmark "${what}" (known: train, strategies, ops)`);
}
