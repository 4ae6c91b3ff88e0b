/**
 * `nas worker --queue redis://…`: serve a search running on another machine. Takes children from
 * the BullMQ queue, trains them with the local piscina pool, sends progress and results back.
 * Workers may join or leave at any time; Ctrl-C / SIGTERM finishes the children in hand first
 * (a second signal leaves now: those children go back to the queue when their lock expires).
 */
import { UserError } from '../core/errors.js';
import { parseCommand } from './args.js';
import { createPoolEvaluator, defaultWorkers } from '../evaluators/pool/pool.js';
import { startQueueWorker } from '../evaluators/queue/queue-worker.js';
import { parseQueueUrl } from '../evaluators/queue/connection.js';
import { intOption, LIMITS } from './options.js';

const HELP = `usage: nas worker --queue redis://[:PASSWORD@]HOST:PORT[/DB][?queue=NAME] [options]

  --queue URL           the Redis the search was started with (rediss:// for TLS)
  --concurrency N       children trained at once, one thread each (default: one per core)
  --backend B           auto | gpu | node | onednn | cpu   (default: what the search asks)
  --name NAME           shown in the dashboard (default HOST:PID)
  --lock-ms MS          a dead worker's child is handed on after this long (default 30000)
  --stalled-ms MS       how often to look for children of dead workers (default 15000)
  --quiet               no line per child`;

/** Runs until SIGINT/SIGTERM. */
export async function workerCommand(argv: string[]): Promise<void> {
  const parsed = parseCommand(argv, {
    verb: 'nas worker', usage: HELP,
    options: {
      queue: { type: 'string' },
      concurrency: { type: 'string' },
      backend: { type: 'string' },
      name: { type: 'string' },
      'lock-ms': { type: 'string' },
      'stalled-ms': { type: 'string' },
      quiet: { type: 'boolean' },
    },
  });
  if (!parsed) return;
  const v = parsed.values;
  if (!v.queue) throw new UserError('--queue redis://HOST:PORT is required (the URL the search was started with)');
  parseQueueUrl(v.queue);
  const backends = ['auto', 'gpu', 'node', 'onednn', 'cpu'];
  if (v.backend !== undefined && !backends.includes(v.backend)) throw new UserError(`--backend must be one of ${backends.join(', ')}, got "${v.backend}"`);
  // Redis client names (BullMQ names its connections after the worker) cannot hold spaces.
  if (v.name !== undefined && !/^[^\s/]{1,64}$/.test(v.name)) throw new UserError(`--name must be 1-64 characters without spaces or "/", got "${v.name}"`);
  const concurrency = intOption(v.concurrency, 'concurrency', defaultWorkers(), 1, LIMITS.workers);
  const lockMs = intOption(v['lock-ms'], 'lock-ms', 30_000, 500, 86_400_000);
  const stalledMs = intOption(v['stalled-ms'], 'stalled-ms', Math.max(250, Math.floor(lockMs / 2)), 250, 86_400_000);
  const stamp = () => new Date().toISOString().slice(11, 19);
  const log = (line: string) => console.log(`${stamp()} ${line}`);

  const evaluator = createPoolEvaluator({ workers: concurrency });
  let handle;
  try {
    handle = await startQueueWorker({
      url: v.queue, evaluator, backend: v.backend, name: v.name, lockDurationMs: lockMs, stalledIntervalMs: stalledMs,
      log: v.quiet ? (line) => line.startsWith('worker ') && log(line) : log,
    });
  } catch (err) {
    await evaluator.close();
    throw err;
  }

  let signals = 0;
  await new Promise<void>((resolve) => {
    const onSignal = () => {
      signals++;
      if (signals === 1) {
        log('finishing the children in hand (signal again to leave now)');
        void handle.close().then(resolve);
      } else {
        log('leaving now: unfinished children go back to the queue');
        void handle.close(true).then(resolve);
      }
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  await evaluator.close();
  log(`worker ${handle.name} stopped`);
}
