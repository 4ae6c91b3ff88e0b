/**
 * What the long experiments (four-arms, survey-zoo) need around the `nas` command line: running it
 * as a child with its lines labelled, and recording the machine beside the figures (a CPU-hour buys
 * fewer children, or epochs, on a slower or busier host, and results travel between machines).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
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

/**
 * `nas ARGS` as a child process. Its stderr, and its stdout unless `captureStdout` (then returned
 * whole, e.g. for --json), are printed line by line behind `[key]`; `onLine` sees each such line.
 */
export function nasChild(cli: string, key: string, args: string[], opts: { captureStdout?: boolean; onLine?: (line: string) => void } = {}):
  { child: ChildProcess; done: Promise<{ status: number | null; stdout: string }> } {
  console.log(`[${key}] $ nas ${args.join(' ')}`);
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  const print = (b: Buffer) => {
    for (const line of b.toString().split('\n')) {
      if (!line.trim()) continue;
      console.log(`[${key}] ${line}`);
      opts.onLine?.(line);
    }
  };
  child.stdout!.on('data', opts.captureStdout ? (b: Buffer) => (stdout += b.toString()) : print);
  child.stderr!.on('data', print);
  return { child, done: new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout }))) };
}

/**
 * Puts `lines` between FILE's markers for the tables called `name`:
 * `<!-- NAME tables: COMMAND -->` … `<!-- end of NAME tables -->`, where COMMAND says how to redo it.
 */
export function writeTablesInto(file: string, name: string, lines: string[]): void {
  const text = readFileSync(file, 'utf8');
  const head = `<!-- ${name} tables:`;
  const end = `<!-- end of ${name} tables -->\n`;
  const i = text.indexOf(head);
  const body = i < 0 ? -1 : text.indexOf('-->\n', i) + '-->\n'.length;
  const j = text.indexOf(end);
  if (i < 0 || j < body) throw new Error(`${file} has no ${name} markers (${head} COMMAND --> … ${end.trim()})`);
  writeFileSync(file, `${text.slice(0, body)}${lines.join('\n')}\n${text.slice(j)}`);
  console.log(`${name} tables written into ${file}`);
}

/**
 * The command line of an experiment script: `--name VALUE` for each of `values`, bare `--name` for
 * each of `flags`. Anything else (a typo, a missing value, a stray word) prints one line and exits
 * with status 2 before anything is trained or written, as `nas` itself does: a mistyped option
 * would otherwise start hours of training with the defaults, in the default folder.
 */
export function experimentArgs(script: string, values: string[], flags: string[], argv = process.argv.slice(2)):
  { arg: (name: string, fallback: string) => string; has: (name: string) => boolean; fail: (why: string) => never } {
  const given = new Map<string, string | true>();
  const fail = (why: string): never => {
    console.error(`${script}: ${why} (its options are in the comment at the top of bench/${script}.ts)`);
    process.exit(2);
  };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : fail(`unexpected argument "${argv[i]}"`);
    if (given.has(name)) fail(`--${name} is given twice`);
    if (flags.includes(name)) given.set(name, true);
    else if (values.includes(name)) {
      // A value may itself start with "--" (e.g. --search-args "--population 20"), so it is taken as is.
      if (i + 1 >= argv.length) fail(`--${name} needs a value`);
      given.set(name, argv[++i]);
    } else fail(`unknown option --${name}`);
  }
  return {
    arg: (name, fallback) => { const v = given.get(name); return typeof v === 'string' ? v : fallback; },
    has: (name) => given.has(name),
    fail,
  };
}
