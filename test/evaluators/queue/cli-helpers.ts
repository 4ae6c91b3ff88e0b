/**
 * Test helpers for the distributed CLI tests: real `nas worker` and `nas search` child processes
 * (node dist/src/cli.js) whose output lines the tests read and wait on.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../../src/core/paths.js';

export const cli = join(packageRoot, 'dist/src/cli.js');

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nas-queue-test-'));
}

/** Runs the CLI to completion. */
export function nas(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000, cwd: packageRoot });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A tiny real-training proxy: a child trains in a few seconds even on a loaded 2-core machine. */
export const QUEUE_TINY = [
  '--train-size', '100', '--val-size', '50', '--epochs', '1', '--batch-size', '50', '--image-size', '8',
  '--cells', '0', '--reductions', '1', '--filters', '4', '--stem-channels', '4', '--backend', 'cpu', '--no-dashboard',
];

export interface Proc {
  proc: ChildProcess;
  /** stdout and stderr lines so far. */
  lines: string[];
  /** Resolves with the first line (past or future) matching `re`. */
  waitFor(re: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit status (or the signal name). */
  exited: Promise<number | string>;
  text(): string;
}

export function startNas(args: string[]): Proc {
  const proc = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd: packageRoot });
  const lines: string[] = [];
  const waiters: Array<{ re: RegExp; resolve: (m: RegExpMatchArray) => void }> = [];
  const onData = (buf: string) => {
    for (const line of buf.split('\n').filter(Boolean)) {
      lines.push(line);
      for (const w of [...waiters]) {
        const m = line.match(w.re);
        if (m) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(m);
        }
      }
    }
  };
  let partial = { out: '', err: '' };
  const feed = (k: 'out' | 'err') => (chunk: Buffer) => {
    const text = partial[k] + chunk.toString('utf8');
    const cut = text.lastIndexOf('\n') + 1;
    partial = { ...partial, [k]: text.slice(cut) };
    onData(text.slice(0, cut));
  };
  proc.stdout!.on('data', feed('out'));
  proc.stderr!.on('data', feed('err'));
  const exited = new Promise<number | string>((resolve) => proc.once('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    proc,
    lines,
    exited,
    text: () => lines.join('\n'),
    waitFor(re, timeoutMs = 60_000) {
      for (const line of lines) {
        const m = line.match(re);
        if (m) return Promise.resolve(m);
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${lines.join('\n')}`)), timeoutMs);
        // A waiter that loses a race must not keep the test process alive.
        timer.unref();
        waiters.push({ re, resolve: (m) => (clearTimeout(timer), resolve(m)) });
        void exited.then(() => setTimeout(() => reject(new Error(`process exited before ${re}:\n${lines.join('\n')}`)), 50));
      });
    },
  };
}

/** A `nas worker` with quick stall detection (a killed worker's child moves on within ~2 s). */
export async function startWorker(url: string, name: string): Promise<Proc> {
  const w = startNas(['worker', '--queue', url, '--concurrency', '1', '--name', name, '--lock-ms', '1500', '--stalled-ms', '500']);
  await w.waitFor(/serving queue/);
  return w;
}

/** Trial ids a worker started ("trial N (job …, attempt K) started"), in order. */
export function startedTrials(w: Proc): number[] {
  return w.lines.flatMap((l) => {
    const m = l.match(/trial (\d+) \(job \S+, attempt \d+\) started/);
    return m ? [Number(m[1])] : [];
  });
}

export function completedTrials(w: Proc): number[] {
  return w.lines.flatMap((l) => {
    const m = l.match(/trial (\d+) complete: reward/);
    return m ? [Number(m[1])] : [];
  });
}

/** SIGTERM (graceful) and wait; SIGKILL if it hangs. */
export async function stop(p: Proc): Promise<number | string> {
  if (p.proc.exitCode !== null || p.proc.signalCode !== null) return p.exited;
  p.proc.kill('SIGTERM');
  const timer = setTimeout(() => p.proc.kill('SIGKILL'), 15_000);
  const status = await p.exited;
  clearTimeout(timer);
  return status;
}
