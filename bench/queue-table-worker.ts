/**
 * Child process of bench/queue-overhead: a queue worker whose "training" is a NAS-Bench-201 table
 * lookup (costs nothing), so the time a child takes end to end is the queue's own overhead.
 * usage: node dist/bench/queue-table-worker.js URL CONCURRENCY
 */
import { join } from 'node:path';
import { packageRoot } from '../src/core/paths.js';
import { loadSpace } from '../src/space/load.js';
import { createTableEvaluator, loadTable } from '../src/evaluators/table/table.js';
import { startQueueWorker } from '../src/evaluators/queue/queue-worker.js';

const [url, concurrency = '1'] = process.argv.slice(2);
const space = loadSpace('nas-bench-201');
const table = loadTable(join(packageRoot, 'data/nas-bench-201/nb201-12epoch.csv'), { rewardColumn: 'cifar10_valid_acc_12ep', space });
const worker = await startQueueWorker({ url, evaluator: createTableEvaluator(table, { capacity: Number(concurrency) }), name: 'table-bench' });
console.log('ready');
process.on('SIGTERM', () => void worker.close().then(() => process.exit(0)));
