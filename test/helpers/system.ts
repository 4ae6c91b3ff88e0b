/**
 * Tests that need a system component (scripts/system-deps.sh installs them all) ask here whether
 * to run. A missing component is a skip, with the reason, only when the set-up step recorded that it
 * could not install it (no root, not Debian, apt failed); under CI it is always a failure, and on a
 * machine where the set-up step installed it (or never ran) the test fails saying what to run.
 */
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { installEngine } from '../../src/engine/backend.js';

export type Component = 'oneDNN engine' | 'redis-server' | 'tmux' | 'dataset-fashion-mnist';

/** The Debian package that brings each component. */
const PACKAGE: Record<Component, string> = {
  'oneDNN engine': 'libdnnl-dev',
  'redis-server': 'redis-server',
  tmux: 'tmux',
  'dataset-fashion-mnist': 'dataset-fashion-mnist',
};

const onPath = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;

const PRESENT: Record<Component, () => boolean> = {
  'oneDNN engine': () => installEngine().onednn !== null,
  'redis-server': () => onPath('redis-server'),
  tmux: () => onPath('tmux'),
  'dataset-fashion-mnist': () => existsSync('/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz'),
};

/** True when the tests run under CI (scripts/run-tests.mjs passes it on as NAS_CI: it strips CI itself for ink). */
export const underCi = (): boolean => process.env.NAS_CI === '1' || (process.env.CI ?? '') !== '' && process.env.CI !== 'false';

/** What scripts/system-deps.sh recorded (the checkout's .system-deps): status=ok|unavailable, reason, missing packages. */
export interface SetUpRecord {
  status: string;
  reason: string;
  missing: string[];
}

export function readSetUpRecord(file = fileURLToPath(new URL('../../../.system-deps', import.meta.url))): SetUpRecord | undefined {
  if (!existsSync(file)) return undefined;
  const kv = Object.fromEntries(readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  return { status: kv.status ?? '', reason: kv.reason ?? '', missing: (kv.missing ?? '').split(' ').filter(Boolean) };
}

/** The rule: run when present; skip with the reason only if the set-up step could not install it, and never under CI; else fail. */
export function decide(component: Component, present: boolean, record: SetUpRecord | undefined, ci: boolean): { skip?: string } | { fail: string } {
  if (present) return {};
  const pkg = PACKAGE[component];
  if (ci) return { fail: `${component} is missing and this is CI: a missing system component fails the tests (scripts/system-deps.sh installs ${pkg})` };
  if (record?.status === 'unavailable' && record.missing.includes(pkg)) {
    return { skip: `${component} is not installed: scripts/system-deps.sh could not install ${pkg} (${record.reason})` };
  }
  return { fail: `${component} is missing: run scripts/system-deps.sh (it installs ${pkg}), then npm ci` };
}

const cache = new Map<Component, { skip?: string }>();

/**
 * node:test options for a test that needs `component`: {} when it is there; { skip: reason } when the
 * set-up step could not install it; otherwise throws, failing the test file with what to do.
 */
export function needs(component: Component): { skip?: string } {
  let result = cache.get(component);
  if (!result) {
    const d = decide(component, PRESENT[component](), readSetUpRecord(), underCi());
    if ('fail' in d) throw new Error(d.fail);
    cache.set(component, (result = d));
  }
  return result;
}
