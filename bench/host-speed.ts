/**
 * What an experiment records about the machine it ran on, beside its figures: a CPU-hour buys fewer
 * children (or epochs) on a slower or busier host, and results travel between machines.
 */
import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';

/** images/s of `nas bench train` (the NASNet-A bench child, onednn, one thread), or undefined if it failed. */
export function measureHostSpeed(cli: string): number | undefined {
  const r = spawnSync(process.execPath, [cli, 'bench', 'train', '--backend', 'onednn', '--no-torch', '--rounds', '1', '--json'], { encoding: 'utf8' });
  return r.status === 0 ? (JSON.parse(r.stdout).rows?.[0]?.imagesPerSec as number | undefined) : undefined;
}

/** The commit of the checkout `cli` belongs to. */
export function codeVersion(cli: string): string {
  const r = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: dirname(cli), encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : 'unknown';
}
