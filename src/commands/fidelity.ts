/** `nas fidelity`: how well cheap signals rank architectures. With --table: zero-cost estimators against a benchmark table. */
import { UserError } from '../core/types.js';

export async function fidelityCommand(argv: string[]): Promise<void> {
  if (argv.includes('--table') || argv.some((a) => a.startsWith('--table='))) return (await import('./fidelity-table.js')).fidelityTable(argv);
  throw new UserError('nas fidelity without --table measures trained proxies: not built yet');
}
