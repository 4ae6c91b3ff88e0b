/** Runs the real CLI (dist/src/cli.js) as a child process, as a user would. */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/core/paths.js';

export const cli = join(packageRoot, 'dist/src/cli.js');

/** A tiny real-training proxy (20 SGD steps at 14x14): a child trains in a few seconds on the pure-JS engine and reaches 25-50%. */
export const TINY = ['--train-size', '640', '--val-size', '100', '--epochs', '1', '--batch-size', '32', '--lr', '0.1', '--cells', '0', '--reductions', '1', '--filters', '8', '--stem-channels', '8', '--backend', 'cpu'];

/** TINY with some of its values changed (nas refuses an option given twice). */
export function tinyWith(changes: Record<string, string>): string[] {
  const out = [...TINY];
  for (const [name, value] of Object.entries(changes)) {
    const at = out.indexOf(name);
    if (at < 0) out.push(name, value);
    else out[at + 1] = value;
  }
  return out;
}

export function tempDir(prefix = 'nas-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function nas(args: string[], opts: { timeout?: number; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: opts.timeout ?? 120_000, env: { ...process.env, ...opts.env }, cwd: packageRoot });
  // A child killed by a signal has no status, and one stopped at the timeout may exit 1 gracefully:
  // say which, so a failing assertion names it.
  const why = [r.error && `${r.error.message} after ${opts.timeout ?? 120_000} ms`, r.signal && `killed by ${r.signal}`].filter(Boolean).join(', ');
  return { status: r.status, stdout: r.stdout, stderr: r.stderr + (why ? `\n[nas ${args[0]}: ${why}]\n` : '') };
}

export function nasAsync(args: string[]): ChildProcess {
  return spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: packageRoot });
}
