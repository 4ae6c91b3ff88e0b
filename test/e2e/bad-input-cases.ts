/**
 * The bad-input table: for every verb, arguments that must be refused and what the one line must
 * say. `fresh(name)` is a path in the test folder that does not exist (a store that must not be
 * created). Every case must keep the promise (bad-input.test.ts checks it).
 */
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { defaultDb } from '../../src/commands/options.js';
import { NB201_TABLE } from '../../src/commands/bench-strategies.js';
import { TINY_TRAIN, type Fixtures } from './fixtures.js';

export interface BadInputCase {
  args: string[];
  /** What the one line must say. */
  expect: RegExp;
  /** Run as the unprivileged user `nobody` (root reads and writes through permission bits). */
  asNobody?: boolean;
  timeoutMs?: number;
}

const c = (expect: RegExp, ...args: string[]): BadInputCase => ({ args, expect });

/** A saved tfjs model with a layer the ONNX export does not map (UpSampling2D), weights and all (it has none). */
const UNMAPPED_MODEL = {
  modelTopology: {
    class_name: 'Model', keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js',
    config: {
      name: 'child', input_layers: [['image', 0, 0]], output_layers: [['gap', 0, 0]],
      layers: [
        { name: 'image', class_name: 'InputLayer', config: { batch_input_shape: [null, 28, 28, 1], dtype: 'float32', sparse: false, name: 'image' }, inbound_nodes: [] },
        { name: 'upsample', class_name: 'UpSampling2D', config: { size: [2, 2], data_format: 'channels_last', interpolation: 'nearest', name: 'upsample', trainable: true }, inbound_nodes: [[['image', 0, 0, {}]]] },
        { name: 'gap', class_name: 'GlobalAveragePooling2D', config: { data_format: 'channels_last', name: 'gap', trainable: true }, inbound_nodes: [[['upsample', 0, 0, {}]]] },
      ],
    },
  },
  format: 'layers-model', generatedBy: 'TensorFlow.js tfjs-layers v4.22.0', convertedBy: null, weightsManifest: [{ paths: ['weights.bin'], weights: [] }],
};

/** Stores and folders for the refusals of the ONNX export and bench ops, made from the fixtures (once per test file). */
function exportFixtures(f: Fixtures): { failedTrial: string; orphanTrial: string; unmapped: string; garbageModel: string; svgFolder: string } {
  const p = (name: string) => join(f.root, name);
  const out = { failedTrial: p('failed-trial.db'), orphanTrial: p('orphan-trial.db'), unmapped: p('unmapped-model'), garbageModel: p('garbage-model'), svgFolder: p('plots.svg') };
  if (existsSync(out.svgFolder)) return out;
  mkdirSync(out.svgFolder);
  const sql = (file: string, statement: string) => {
    const db = new Database(file);
    db.exec(statement);
    db.close();
  };
  copyFileSync(f.good, out.failedTrial);
  sql(out.failedTrial, `UPDATE trials SET status = 'failed', reward = NULL, error = 'Error: loss is NaN at epoch 1' WHERE id = 2`);
  // A trial whose run row is gone (a store edited by hand): nothing says at what size it was built.
  copyFileSync(f.good, out.orphanTrial);
  sql(out.orphanTrial, 'PRAGMA foreign_keys = OFF; UPDATE trials SET run_id = 99 WHERE id = 3;');
  mkdirSync(out.unmapped);
  writeFileSync(join(out.unmapped, 'model.json'), JSON.stringify(UNMAPPED_MODEL));
  writeFileSync(join(out.unmapped, 'weights.bin'), '');
  mkdirSync(out.garbageModel);
  writeFileSync(join(out.garbageModel, 'model.json'), '{"modelTopology": {"class_name": "Model", "config": 7}}');
  return out;
}

export function badInputCases(f: Fixtures, fresh: (name: string) => string): Array<[string, BadInputCase[]]> {
  const o = exportFixtures(f);
  const onnx = (expect: RegExp, ...args: string[]) => c(expect, 'export', '--format', 'onnx', ...args);
  const db = fresh('search.db');
  const s = (expect: RegExp, ...args: string[]) => c(expect, 'search', ...args, '--db', db, '--backend', 'cpu');
  const tableRun = ['--space', 'nas-bench-201', '--evaluator', 'table', '--table', NB201_TABLE, '--reward-column', 'cifar10_valid_acc_12ep'];
  const tdb = fresh('train.db');
  const t = (expect: RegExp, ...args: string[]) => c(expect, 'train', ...args, '--db', tdb);
  const resume = (dir: string, expect: RegExp, ...extra: string[]) =>
    c(expect, 'train', ...TINY_TRAIN, '--dataset', f.dataset, '--db', f.trainStore, '--out', dir, '--resume', ...extra);
  const damaged = /is damaged|damaged nas store|not a SQLite file, or a damaged one/;
  const cdb = fresh('compare.db');
  const tinyCompare = ['--dataset', f.dataset, '--epochs', '1', '--cells', '0', '--filters', '4'];
  const cmp = (expect: RegExp, ...args: string[]) => c(expect, 'compare', ...args, ...tinyCompare, '--backend', 'cpu', '--db', cdb);
  // Without --db the default store runs/nas.db is meant: it must not appear (runs/ is watched too).
  const noDefaultStore = !existsSync(defaultDb());
  const withoutStore = (...cases: BadInputCase[]) => (noDefaultStore ? cases : []);

  return [
    ['nas', [
      c(/no command given/),
      c(/unknown command "bogus" \(known: search, runs/, 'bogus'),
      c(/unknown command "constructor"/, 'constructor'),
      c(/unknown command "--frobnicate"/, '--frobnicate'),
      c(/unknown command "SEARCH"/, 'SEARCH', '--budget', '1'),
    ]],

    ['search', [
      s(/unknown strategy "genetic" \(known: random, evolution/, '--strategy', 'genetic'),
      // Hardware-aware search (multi-objective, constraints, latency).
      s(/--objectives: unknown objective "speed" \(known: accuracy, latency, params, mult-adds, cost\)/, '--objectives', 'accuracy,speed'),
      s(/--objectives must include accuracy/, '--objectives', 'latency,params'),
      s(/--objectives names an objective twice/, '--objectives', 'accuracy,params,params'),
      s(/--objectives needs accuracy and at least one other objective/, '--objectives', 'accuracy'),
      s(/--latency-backend must be one of onednn, cpu, onnx, got "tpu"/, '--objectives', 'accuracy,latency', '--latency-backend', 'tpu'),
      s(/--latency-network must be one of replay, search, got "deploy"/, '--latency-network', 'deploy'),
      s(/--latency-runs must be an integer from 3 to 10,000, got "1"/, '--latency-runs', '1'),
      s(/--max-latency-ms must be a number > 0/, '--max-latency-ms', '0'),
      s(/--max-params must be a positive integer, got "-5"/, '--max-params', '-5'),
      s(/--strategy smbo learns from one number .* give the target with --max-latency-ms/, '--strategy', 'smbo', '--objectives', 'accuracy,latency'),
      s(/--strategy reinforce learns from one number .* give the target with --max-params/, '--strategy', 'reinforce', '--objectives', 'accuracy,params'),
      s(/no cell meets --max-params 100: of 64 random cells the smallest has/, '--max-params', '100'),
      s(/no cell meets --max-latency-ms 0.0001: the fastest of \d+ random cells takes/, '--max-latency-ms', '0.0001', '--latency-backend', 'cpu', '--latency-network', 'search', '--cells', '0', '--reductions', '1', '--filters', '8', '--stem-channels', '8'),
      c(/--objectives latency: a table run trains no network to measure/, 'search', ...tableRun, '--objectives', 'accuracy,latency', '--db', db),
      c(/--max-… needs a network to measure/, 'search', ...tableRun, '--max-params', '1000', '--db', db),
      c(/--budget must be .*got "0"/, 'search', '--budget', '0'),
      c(/--train-size 9900 \+ --val-size 500 exceed/, 'search', '--train-size', '9900', '--val-size', '500', '--backend', 'cpu'),
      ...withoutStore(c(/no store at .*runs\/nas\.db/, 'search', '--resume', '1')),
      s(/--budget must be an integer from 1 to 1,000,000, got "0"/, '--budget', '0'),
      s(/--budget must be an integer from 1 to 1,000,000, got "-1"/, '--budget', '-1'),
      s(/--budget must be an integer from 1 to 1,000,000, got "-3"/, '--budget', '-3'),
      s(/--budget must be an integer from 1 to 1,000,000, got "1e9"/, '--budget', '1e9'),
      s(/--budget must be .*got "abc"/, '--budget', 'abc'),
      s(/--budget must be .*got "2.5"/, '--budget', '2.5'),
      s(/--budget must be .*got "Infinity"/, '--budget', 'Infinity'),
      s(/--budget must be .*got "NaN"/, '--budget', 'NaN'),
      s(/--budget must be .*got "0x10"/, '--budget', '0x10'),
      s(/--budget needs a value, got an empty string/, '--budget', ''),
      s(/--budget needs a value/, '--budget', '--seed', '1'),
      s(/--budget is given twice/, '--budget', '3', '--budget', '4'),
      s(/imagenet-22k/, '--dataset', 'imagenet-22k'),
      s(/cifar10/, '--dataset', `cifar10:${f.folder}`),
      s(/a-folder/, '--dataset', f.folder),
      s(/garbage\.bin/, '--dataset', f.garbage),
      c(/cannot use Redis at redis:\/\/127\.0\.0\.1:1: connection refused/, 'search', '--queue', 'redis://127.0.0.1:1', '--budget', '1', '--db', db),
      s(/no-such-space/, '--space', 'no-such-space'),
      s(/broken\.json/, '--space', f.brokenJson),
      s(/garbage\.bin/, '--space', f.garbage),
      s(/a-folder/, '--space', f.folder),
      c(/not installed.*npm install @tensorflow\/tfjs-node/, 'search', '--backend', 'node', '--db', db),
      c(/--backend must be one of auto, gpu, node, onednn, cpu, cpu-stock, got "foo"/, 'search', '--backend', 'foo', '--db', db),
      s(/unknown option "--frobnicate" for nas search/, '--frobnicate'),
      s(/unknown option "-x" for nas search/, '-x'),
      s(/--queue-capacity needs --queue/, '--queue-capacity', '2'),
      s(/queue-capacity/, '--queue', 'redis://127.0.0.1:1', '--queue-capacity', '0'),
      s(/redis:\/\//, '--queue', 'localhost:6379'),
      s(/--queue .*does not go with --evaluator pool/, '--queue', 'redis://127.0.0.1:1', '--evaluator', 'pool'),
      s(/--seed must be an integer from 0 to 2,147,483,647, got "-3"/, '--seed', '-3'),
      s(/--seed must be .*got "abc"/, '--seed', 'abc'),
      s(/--seed must be .*got "1e12"/, '--seed', '1e12'),
      s(/--workers must be an integer from 1 to 256, got "0"/, '--workers', '0'),
      s(/--workers must be .*got "1000"/, '--workers', '1000'),
      s(/--epochs must be .*got "0"/, '--epochs', '0'),
      s(/--epochs must be .*got "-1"/, '--epochs', '-1'),
      s(/--train-size 9900 \+ --val-size 500 exceed the 10,000 training images of dataset "default"/, '--train-size', '9900', '--val-size', '500'),
      s(/--train-size 0 \+ --val-size 10000 exceed/, '--train-size', '0', '--val-size', '10000'),
      s(/--val-size must be .*got "0"/, '--val-size', '0'),
      s(/--train-size must be .*got "-5"/, '--train-size', '-5'),
      s(/--batch-size must be .*got "0"/, '--batch-size', '0'),
      s(/--lr must be a number > 0, got "0"/, '--lr', '0'),
      s(/--lr must be a number > 0, got "nan"/, '--lr', 'nan'),
      s(/--lr must be a number > 0, got "-0.1"/, '--lr', '-0.1'),
      s(/--lr must be a number > 0, got "Infinity"/, '--lr', 'Infinity'),
      s(/--image-size must be .*got "-1"/, '--image-size', '-1'),
      s(/--image-size must be an integer from 0 to 1,024, got "5000"/, '--image-size', '5000'),
      s(/--filters must be .*got "0"/, '--filters', '0'),
      s(/--cells must be .*got "-1"/, '--cells', '-1'),
      s(/--population must be .*got "0"/, '--population', '0'),
      s(/--population is an option of --strategy evolution, not of random/, '--strategy', 'random', '--population', '3'),
      s(/--sample 5 is larger than --population 3/, '--population', '3', '--sample', '5'),
      c(/has no row for cell .* of space nasnet: a table search needs every cell of the space/, 'search', '--space', 'nasnet', '--evaluator', 'table', '--table', NB201_TABLE, '--reward-column', 'cifar10_valid_acc_12ep', '--db', db),
      c(/table\.csv \(1 cells\) has no row for cell/, 'search', '--space', 'nas-bench-201', '--evaluator', 'table', '--table', f.csv, '--reward-column', 'acc', '--db', db),
      s(/strategy-option|population/, '--strategy-option', 'population=abc'),
      s(/reinforce: option lr=-1/, '--strategy', 'reinforce', '--strategy-option', 'lr=-1'),
      s(/baseline "amoebanet-a" is not valid for space nas-bench-201/, '--with-baselines', '--space', 'nas-bench-201'),
      s(/cifar10:\/nonexistent: not a directory/, '--dataset', 'cifar10:/nonexistent'),
      s(/unknown strategy "\\x1b\[31mred"/, '--strategy', '\x1b[31mred'),
      s(/unknown strategy "x{300}/, '--strategy', 'x'.repeat(5000)),
      s(/--strategy-option must be KEY=VALUE, got "novalue"/, '--strategy-option', 'novalue'),
      s(/--strategy-option must be KEY=VALUE, got "=3"/, '--strategy-option', '=3'),
      s(/--budget-seconds must be a number > 0/, '--budget-seconds', '0'),
      s(/--budget-seconds must be a number > 0.*got "-5"/, '--budget-seconds', '-5'),
      s(/--table is required/, '--evaluator', 'table', '--space', 'nas-bench-201'),
      s(/--evaluator must be one of pool, table, queue, got "magic"/, '--evaluator', 'magic'),
      s(/--table needs --evaluator table/, '--table', f.csv),
      s(/--epochs trains children; --evaluator table looks rewards up/, ...tableRun, '--epochs', '3'),
      s(/--budget-seconds with --evaluator table needs --cost-column/, ...tableRun, '--budget-seconds', '100'),
      s(/no-such\.csv/, '--space', 'nas-bench-201', '--evaluator', 'table', '--table', join(f.root, 'no-such.csv'), '--reward-column', 'acc'),
      s(/garbage\.bin/, '--space', 'nas-bench-201', '--evaluator', 'table', '--table', f.garbage, '--reward-column', 'acc'),
      s(/unexpected argument "extra": nas search takes no positional arguments/, 'extra'),
      s(/--no-dashboard is a switch and takes no value, got "yes"/, '--no-dashboard=yes'),
      s(/--evaluator zero-cost:NAME needs one of synflow, .*got "nope"/, '--evaluator', 'zero-cost:nope'),
      s(/space nasnet-plus cannot be built at the network's widths: group_conv_3x3_c4: cardinality 4 does not divide 6 channels/, '--space', 'nasnet-plus', '--filters', '6'),
      s(/space nasnet-plus cannot be built at rung 1's widths: group_conv_3x3_c4: cardinality 4 does not divide 6/, '--space', 'nasnet-plus', '--fidelity', 'sha:filters=4,6'),
      s(/--evaluator zero-cost:NAME needs one of .*got ""/, '--evaluator', 'zero-cost:'),
      s(/--warmup synflow:N needs N, the cells to score, from 1 to 100,000, got "0"/, '--warmup', 'synflow:0'),
      s(/--warmup must be ESTIMATOR:N with ESTIMATOR one of synflow.*got "foo:3"/, '--warmup', 'foo:3'),
      s(/--warmup synflow:N needs N/, '--warmup', 'synflow'),
      s(/--evaluator zero-cost already rewards every child that way/, '--warmup', 'synflow:3', '--evaluator', 'zero-cost:synflow'),
      c(/a-folder is a folder, not a nas store/, 'search', '--db', f.folder, '--budget', '1', '--backend', 'cpu'),
      c(/cannot create .*x\.db: folder .*missing-folder does not exist/, 'search', '--db', join(f.root, 'missing-folder', 'x.db'), '--budget', '1'),
      c(/app\.db is not a nas store/, 'search', '--db', f.foreign, '--budget', '1'),
      c(/notes\.db is not a SQLite file/, 'search', '--db', f.notes, '--budget', '1'),
      c(/garbage\.bin is not a SQLite file/, 'search', '--db', f.garbage, '--budget', '1'),
      c(/cannot create \/proc\/x\.db: folder \/proc is not writable/, 'search', '--db', '/proc/x.db', '--budget', '1'),
      c(damaged, 'search', '--db', f.flipped, '--budget', '1', '--backend', 'cpu'),
      c(/a-folder is a folder/, 'search', '--queue', 'redis://127.0.0.1:1', '--db', f.folder, '--budget', '1'),
      c(/no store at .*missing\.db/, 'search', '--resume', '1', '--db', fresh('missing.db')),
      c(/--resume must be a run id \(a positive integer\), got "abc"/, 'search', '--resume', 'abc', '--db', f.good),
      c(/--resume must be a run id .*got "0"/, 'search', '--resume', '0', '--db', f.good),
      c(/--resume must be a run id .*got "-1"/, 'search', '--resume', '-1', '--db', f.good),
      c(/unknown run 99 in .*good\.db/, 'search', '--resume', '99', '--db', f.good),
      c(/--strategy cannot change on --resume/, 'search', '--resume', '1', '--db', f.good, '--strategy', 'random'),
      c(/--budget cannot change on --resume/, 'search', '--resume', '1', '--db', f.good, '--budget', '50'),
      c(damaged, 'search', '--resume', '1', '--db', f.flipped),
      c(/bad-trial\.db is damaged: the genotype of trial 3 is not valid JSON/, 'search', '--resume', '1', '--db', f.badTrial),
      c(/bad-state\.db is damaged: the saved strategy state of run 1 is not valid JSON/, 'search', '--resume', '1', '--db', f.badState),
      c(/bad-config\.db is damaged: the config of run 1 is not valid JSON/, 'search', '--resume', '1', '--db', f.badConfig),
      c(/wrong-config\.db is damaged: the config of run 1 has a bad budget/, 'search', '--resume', '1', '--db', f.wrongConfig),
      { args: ['search', '--db', f.unreadableDb, '--budget', '1'], expect: /unreadable\.db: permission denied/, asNobody: true },
      { args: ['search', '--space', f.unreadableJson, '--db', join(f.open, 'x.db'), '--budget', '1'], expect: /unreadable\.json/, asNobody: true },
      { args: ['search', '--db', fresh('nobody.db'), '--budget', '1'], expect: /cannot create .*nobody\.db: folder .* is not writable/, asNobody: true },
      { args: ['search', '--dataset', f.unreadableDataset, '--db', join(f.open, 'x.db'), '--budget', '1'], expect: /unreadable-idx/, asNobody: true },
    ]],

    ['runs', [
      c(/no store at .*none\.db/, 'runs', '--db', fresh('none.db')),
      ...withoutStore(c(/no store at .*runs\/nas\.db \(run nas search first, or pass --db FILE\)/, 'runs')),
      c(/a-folder is a folder, not a nas store/, 'runs', '--db', f.folder),
      c(/garbage\.bin is not a SQLite file/, 'runs', '--db', f.garbage),
      c(/notes\.db is not a SQLite file/, 'runs', '--db', f.notes),
      c(/app\.db is not a nas store/, 'runs', '--db', f.foreign),
      c(damaged, 'runs', '--db', f.flipped),
      c(/empty\.txt is an empty file, not a nas store/, 'runs', '--db', f.empty),
      c(/the config of run 1 is not valid JSON/, 'runs', '--db', f.badConfig),
      c(/the config of run 1 has a bad budget/, 'runs', '--db', f.wrongConfig),
      c(/unexpected argument "junk": nas runs takes no positional arguments/, 'runs', 'junk', '--db', f.good),
      c(/--json is a switch and takes no value/, 'runs', '--json=1', '--db', f.good),
      c(/unknown option "--top" for nas runs/, 'runs', '--top', '3', '--db', f.good),
      c(/--db needs a value/, 'runs', '--db'),
      c(/--db needs a value, got an empty string/, 'runs', '--db', ''),
      c(/--db is given twice/, 'runs', '--db', f.good, '--db', f.good),
      c(/--json is given twice/, 'runs', '--json', '--json', '--db', f.good),
      c(/no store at \/proc\/nas\.db/, 'runs', '--db', '/proc/nas.db'),
      { args: ['runs', '--db', f.unreadableDb], expect: /cannot read .*unreadable\.db: permission denied/, asNobody: true },
    ]],

    ['show', [
      c(/RUN is required/, 'show', '--db', f.good),
      c(/RUN must be a run id \(a positive integer\), got "abc"/, 'show', 'abc', '--db', f.good),
      c(/RUN must be a run id .*got "0"/, 'show', '0', '--db', f.good),
      c(/RUN must be a run id .*got "-1"/, 'show', '-1', '--db', f.good),
      c(/RUN must be a run id .*got "1\.5"/, 'show', '1.5', '--db', f.good),
      c(/unknown run 99 in .*good\.db/, 'show', '99', '--db', f.good),
      c(/unexpected argument "2": nas show takes at most 1 \(RUN\)/, 'show', '1', '2', '--db', f.good),
      c(/--top must be .*got "0"/, 'show', '1', '--top', '0', '--db', f.good),
      c(/--top must be .*got "abc"/, 'show', '1', '--top', 'abc', '--db', f.good),
      c(damaged, 'show', '1', '--db', f.flipped),
      c(/the genotype of trial 3 is not valid JSON/, 'show', '1', '--db', f.badTrial),
      c(/the config of run 1 is not valid JSON/, 'show', '1', '--db', f.badConfig),
      c(/no store at/, 'show', '3', '--db', fresh('none.db')),
      c(/empty-store\.db/, 'show', '1', '--db', f.emptyStore),
    ]],

    ['replays', [
      c(/^nas: --run must be a run id \(a positive integer\), got "abc"/, 'replays', '--run', 'abc', '--db', f.good),
      c(/--run must be a run id .*got "0"/, 'replays', '--run', '0', '--db', f.good),
      c(/--run must be a run id .*got "-2"/, 'replays', '--run', '-2', '--db', f.good),
      c(/unknown run 99/, 'replays', '--run', '99', '--db', f.good),
      c(damaged, 'replays', '--db', f.flipped),
      c(/no store at/, 'replays', '--db', fresh('none.db')),
      c(/unexpected argument "junk"/, 'replays', 'junk', '--db', f.good),
      c(/bad-replay\.db is damaged: the genotype of replay 1 is not valid JSON/, 'replays', '--db', f.badReplay),
      c(/--run needs a value/, 'replays', '--run'),
    ]],

    ['dashboard', [
      c(/no store at/, 'dashboard', '--once', '--db', fresh('none.db')),
      c(/RUN must be a run id .*got "abc"/, 'dashboard', 'abc', '--once', '--db', f.good),
      c(/unexpected argument "2": nas dashboard takes at most 1 \(RUN\)/, 'dashboard', '1', '2', '--once', '--db', f.good),
      c(/unknown run 99/, 'dashboard', '99', '--once', '--db', f.good),
      c(/--interval must be .*got "10"/, 'dashboard', '--interval', '10', '--db', f.good),
      c(/--width must be .*got "10"/, 'dashboard', '--width', '10', '--once', '--db', f.good),
      c(/--height must be .*got "abc"/, 'dashboard', '--height', 'abc', '--once', '--db', f.good),
      c(/--height must be .*got "-24"/, 'dashboard', '--height', '-24', '--once', '--db', f.good),
      c(/the genotype of trial 3 is not valid JSON/, 'dashboard', '1', '--once', '--db', f.badTrial),
      c(/the config of run 1 is not valid JSON/, 'dashboard', '1', '--once', '--db', f.badConfig),
      c(damaged, 'dashboard', '--once', '--db', f.flipped),
      c(/no runs in .*empty-store\.db/, 'dashboard', '--once', '--db', f.emptyStore),
      c(/garbage\.bin is not a SQLite file/, 'dashboard', '--once', '--db', f.garbage),
    ]],

    ['worker', [
      c(/--queue redis:\/\/HOST:PORT is required/, 'worker'),
      c(/redis:\/\//, 'worker', '--queue', 'localhost:6379'),
      c(/--concurrency must be .*got "0"/, 'worker', '--queue', 'redis://127.0.0.1:1', '--concurrency', '0'),
      c(/--concurrency must be .*got "-4"/, 'worker', '--queue', 'redis://127.0.0.1:1', '--concurrency', '-4'),
      c(/--backend must be one of/, 'worker', '--queue', 'redis://127.0.0.1:1', '--backend', 'foo'),
      c(/--name must be 1-64 characters/, 'worker', '--queue', 'redis://127.0.0.1:1', '--name', 'a b'),
      c(/--lock-ms must be .*got "10"/, 'worker', '--queue', 'redis://127.0.0.1:1', '--lock-ms', '10'),
      c(/--stalled-ms must be .*got "-5"/, 'worker', '--queue', 'redis://127.0.0.1:1', '--stalled-ms', '-5'),
      c(/unexpected argument "junk"/, 'worker', 'junk', '--queue', 'redis://127.0.0.1:1'),
      c(/database must be a number/, 'worker', '--queue', 'redis://127.0.0.1:1/abc'),
    ]],

    ['baselines', [
      c(/RUN is required/, 'baselines', '--db', f.good),
      ...withoutStore(c(/no store at .*runs\/nas\.db/, 'baselines', '--run', '1')),
      c(/--run must be a run id .*got "abc"/, 'baselines', '--run', 'abc', '--db', f.good),
      c(/no store at/, 'baselines', '--run', '1', '--db', fresh('none.db')),
      c(/unknown run 99/, 'baselines', '--run', '99', '--db', f.good),
      c(/unknown baseline "nope"/, 'baselines', '--run', '1', '--db', f.good, '--only', 'nope'),
      c(/--workers must be .*got "0"/, 'baselines', '--run', '1', '--db', f.good, '--workers', '0'),
      c(/--list only lists the baselines; it does not go with --run/, 'baselines', '--list', '--run', '1'),
      c(damaged, 'baselines', '--run', '1', '--db', f.flipped),
      c(/give the run once/, 'baselines', '1', '--run', '1', '--db', f.good),
      c(/nas-bench-201|nasnet|space/, 'baselines', '--run', '1', '--db', f.good, '--only', 'resnet'),
      c(/the config of run 1 is not valid JSON/, 'baselines', '--run', '1', '--db', f.badConfig),
    ]],

    ['train', [
      t(/no cell given: give one of --best \(with --run\), --trial ID, --genotype FILE, --baseline NAME/),
      c(/unknown baseline "nope"/, 'train', '--baseline', 'nope'),
      c(/--epochs must be .*got "0"/, 'train', '--baseline', 'resnet', '--epochs', '0'),
      c(/--backend must be one of/, 'train', '--baseline', 'resnet', '--backend', 'foo'),
      c(/nothing to resume for baseline resnet/, 'train', '--baseline', 'resnet', '--resume'),
      ...withoutStore(c(/no store at .*runs\/nas\.db/, 'train', '--run', '1', '--best')),
      t(/unknown baseline "nope"/, '--baseline', 'nope'),
      t(/--epochs must be .*got "0"/, '--baseline', 'resnet', '--epochs', '0'),
      t(/--lr must be a number > 0, got "nan"/, '--baseline', 'resnet', '--lr', 'nan'),
      t(/--batch must be .*got "abc"/, '--baseline', 'resnet', '--batch', 'abc'),
      t(/--schedule must be one of step, cosine, got "foo"/, '--baseline', 'resnet', '--schedule', 'foo'),
      t(/genotype file not found: .*missing\.json/, '--genotype', join(f.root, 'missing.json')),
      t(/broken\.json/, '--genotype', f.brokenJson),
      t(/garbage\.bin/, '--genotype', f.garbage),
      t(/a-folder/, '--genotype', f.folder),
      t(/empty\.txt/, '--genotype', f.empty),
      t(/imagenet/, '--baseline', 'resnet', '--dataset', 'imagenet'),
      t(/a-folder/, '--baseline', 'resnet', '--dataset', f.folder),
      t(/--preset must be one of nasnet-cifar, small, got "foo"/, '--baseline', 'resnet', '--preset', 'foo'),
      t(/nothing to resume for baseline resnet/, '--baseline', 'resnet', '--resume'),
      c(/--backend must be one of .*got "foo"/, 'train', '--baseline', 'resnet', '--backend', 'foo', '--out', fresh('out'), '--db', tdb),
      c(/not installed/, 'train', '--baseline', 'resnet', '--backend', 'node', '--out', fresh('out'), '--db', tdb),
      { args: ['train', '--baseline', 'resnet', '--out', '/proc/r11', '--db', tdb], expect: /output folder \/proc\/r11 is not writable/, timeoutMs: 30_000 },
      t(/output folder .*read-only\.txt\/out cannot be created: .*read-only\.txt is not a folder/, '--baseline', 'resnet', '--out', join(f.readOnlyFile, 'out')),
      t(/output folder .*read-only-dir\/out is not writable/, '--baseline', 'resnet', '--out', join(f.readOnlyDir, 'out')),
      t(/--best needs --run RUN/, '--best'),
      c(/no store at .*none\.db/, 'train', '--run', '1', '--best', '--db', fresh('none.db')),
      c(/--trial must be .*got "abc"/, 'train', '--trial', 'abc', '--db', f.good),
      c(/unknown trial 999/, 'train', '--trial', '999', '--db', f.good),
      t(/--genotype and --baseline both name a cell/, '--baseline', 'resnet', '--genotype', f.brokenJson),
      c(damaged, 'train', '--run', '1', '--best', '--db', f.flipped),
      c(/unknown run 99/, 'train', '--run', '99', '--best', '--db', f.good),
      c(/trial 1 belongs to run 1, not to --run 2|unknown run 2/, 'train', '--trial', '1', '--run', '2', '--db', f.good),
      c(/the config of run 1 is not valid JSON/, 'train', '--run', '1', '--best', '--db', f.badConfig),
      t(/--drop-path must be in \[0, 1\), got "1"/, '--baseline', 'resnet', '--drop-path', '1'),
      t(/--random-erasing must be in \[0, 1\], got "2"/, '--baseline', 'resnet', '--random-erasing', '2'),
      t(/--regulariser must be one of shake-shake, shakedrop, swapout, got "dropblock"/, '--baseline', 'resnet', '--regulariser', 'dropblock'),
      t(/--shakedrop-p must be in \[0, 1\], got "1\.5"/, '--baseline', 'resnet', '--regulariser', 'shakedrop', '--shakedrop-p', '1.5'),
      t(/--swapout-keep must be a number ≥ 0, got "-0\.1"/, '--baseline', 'resnet', '--regulariser', 'swapout', '--swapout-keep', '-0.1'),
      t(/--swapout-keep must be in \[0, 1\], got "2"/, '--baseline', 'resnet', '--regulariser', 'swapout', '--swapout-keep', '0.5,2'),
      t(/--swapout-keep takes P or P,P2/, '--baseline', 'resnet', '--regulariser', 'swapout', '--swapout-keep', '0.5,0.5,0.5'),
      t(/--shakedrop-p goes with --regulariser shakedrop/, '--baseline', 'resnet', '--shakedrop-p', '0.5'),
      t(/--swapout-keep goes with --regulariser swapout/, '--baseline', 'resnet', '--regulariser', 'shake-shake', '--swapout-keep', '0.5'),
      // Cannot apply: no identity branch anywhere (vgg), cells that are not two-branch blocks (a NAS-Bench-201 trial).
      t(/--regulariser shakedrop needs a residual block .* no block of this network has one/, '--baseline', 'vgg', '--regulariser', 'shakedrop', '--backend', 'cpu', '--out', fresh('out')),
      c(/--regulariser swapout applies to the two-branch blocks of NASNet cells; a nas-bench-201 cell is a graph of single edges/, 'train', '--trial', '1', '--db', f.good, '--regulariser', 'swapout'),
      resume(f.checkpoint, /was trained with no block regulariser, this replay asks for shake-shake; give the same --regulariser options/, '--regulariser', 'shake-shake'),
      t(/--label-smoothing must be a number ≥ 0, got "-0.1"/, '--baseline', 'resnet', '--label-smoothing', '-0.1'),
      t(/--cutout must be .*got "-1"/, '--baseline', 'resnet', '--cutout', '-1'),
      t(/--threads must be .*got "0"/, '--baseline', 'resnet', '--threads', '0'),
      t(/--seed must be .*got "-1"/, '--baseline', 'resnet', '--seed', '-1'),
      t(/--weight-decay must be a number ≥ 0, got "-1"/, '--baseline', 'resnet', '--weight-decay', '-1'),
      t(/--filters must be .*got "0"/, '--baseline', 'resnet', '--filters', '0'),
      t(/--cells must be an integer from 0 to 64, got "100"/, '--baseline', 'resnet', '--cells', '100'),
      t(/--nesterov is a switch and takes no value/, '--baseline', 'resnet', '--nesterov=yes'),
      t(/unexpected argument "resnet"/, 'resnet'),
      c(/cannot create .*x\.db: folder .*missing-folder does not exist/, 'train', '--baseline', 'resnet', '--db', join(f.root, 'missing-folder', 'x.db')),
      c(/a-folder is a folder, not a nas store/, 'train', '--baseline', 'resnet', '--db', f.folder),
      c(/already holds a checkpoint; pass --resume/, 'train', ...TINY_TRAIN, '--dataset', f.dataset, '--db', f.trainStore, '--out', f.checkpoint),
      resume(f.cutBin, /checkpoint in .*cut-bin is damaged: checkpoint\.bin has .* bytes, checkpoint\.json describes .* \(cut short\)/),
      resume(f.missingBin, /checkpoint in .*missing-bin is damaged: .*checkpoint\.bin is missing/),
      resume(f.flippedBin, /checkpoint in .*flipped-bin is damaged: checkpoint\.bin does not match the checksum/),
      resume(f.epoch7, /epoch-7\/checkpoint\.json: damaged checkpoint: epoch 7 is not in 0\.\.2/),
      resume(f.garbageJson, /garbage-json\/checkpoint\.json: not a readable nas checkpoint/),
      c(/checkpoint in .*replay was written for 2 epochs, not 3; pass --epochs 2/, 'train', ...TINY_TRAIN, '--epochs', '3', '--dataset', f.dataset, '--db', f.trainStore, '--out', f.checkpoint, '--resume'),
      resume(f.checkpoint, /checkpoint in .*replay has filters 4, this model 8/, '--filters', '8'),
      { args: ['train', '--genotype', f.unreadableJson, '--db', join(f.open, 'x.db')], expect: /unreadable\.json/, asNobody: true },
    ].map(dedupe)],

    ['compare', [
      c(/--models is required/, 'compare', '--dataset', f.dataset, '--epochs', '1', '--db', cdb),
      c(/--dataset is required/, 'compare', '--models', 'resnet', '--epochs', '1', '--db', cdb),
      c(/--epochs is required/, 'compare', '--models', 'resnet', '--dataset', f.dataset, '--db', cdb),
      cmp(/unknown model "nope" in --models \(known: [a-z0-9-]+(, [a-z0-9-]+)*, or trial:ID\[@RUN\] for a searched trial\)/, '--models', 'resnet,nope'),
      cmp(/--models names resnet twice/, '--models', 'resnet,resnet'),
      cmp(/--models is empty/, '--models', ','),
      cmp(/--models "resnet,,vgg" has an empty name/, '--models', 'resnet,,vgg'),
      cmp(/--models: "trial:abc" is not trial:ID or trial:ID@RUN/, '--models', 'trial:abc'),
      cmp(/--models: "trial:0" is not trial:ID or trial:ID@RUN/, '--models', 'trial:0'),
      cmp(/unknown regulariser "dropout" \(known: none, stochastic-depth, cutout, random-erasing, shake-shake/, '--models', 'resnet', '--regularisers', 'none,dropout'),
      cmp(/--regularisers names cutout twice/, '--models', 'resnet', '--regularisers', 'cutout,cutout'),
      cmp(/--regularisers compares regularisers on one network, but --models names 2 \(resnet, vgg\); give one/, '--models', 'resnet,vgg', '--regularisers', 'none,cutout'),
      cmp(/--regularisers stochastic-depth cannot apply to vgg: stochastic depth drops residual branches, and this network has no identity shortcut/, '--models', 'vgg', '--regularisers', 'none,stochastic-depth'),
      c(/--regularisers stochastic-depth cannot apply to trial 1: .*no identity shortcut/, 'compare', '--models', 'trial:1', '--regularisers', 'stochastic-depth', ...tinyCompare, '--db', f.good),
      c(/unknown trial 999/, 'compare', '--models', 'resnet,trial:999', ...tinyCompare, '--db', f.good),
      c(/trial 2 failed \(Error: loss is NaN at epoch 1\): only completed trials can be compared/, 'compare', '--models', 'trial:2', ...tinyCompare, '--db', o.failedTrial),
      c(/trial 1 belongs to run 1, not to run 2 \(--models trial:1@2\)/, 'compare', '--models', 'trial:1@2', ...tinyCompare, '--db', f.good),
      c(/--models trial:1 reads trial 1 from the store, but there is no store at .*none\.db/, 'compare', '--models', 'trial:1', ...tinyCompare, '--db', fresh('none.db')),
      c(/--epochs must be an integer from 1 to 100,000, got "0"/, 'compare', '--models', 'resnet', '--dataset', f.dataset, '--epochs', '0', '--db', cdb),
      c(/--epochs must be an integer from 1 to 100,000, got "-1"/, 'compare', '--models', 'resnet', '--dataset', f.dataset, '--epochs', '-1', '--db', cdb),
      c(/unknown dataset "imagenet"/, 'compare', '--models', 'resnet', '--dataset', 'imagenet', '--epochs', '1', '--db', cdb),
      c(/garbage\.bin/, 'compare', '--models', 'resnet', '--dataset', f.garbage, '--epochs', '1', '--db', cdb),
      c(/a-folder/, 'compare', '--models', 'resnet', '--dataset', f.folder, '--epochs', '1', '--db', cdb),
      cmp(/--parallel must be an integer from 1 to 256, got "0"/, '--models', 'resnet', '--parallel', '0'),
      cmp(/--threads must be .*got "0"/, '--models', 'resnet', '--threads', '0'),
      cmp(/--lr must be a number > 0, got "0"/, '--models', 'resnet', '--lr', '0'),
      cmp(/--weight-decay must be a number ≥ 0, got "-1"/, '--models', 'resnet', '--weight-decay', '-1'),
      cmp(/--progress must be a number ≥ 0, got "-1"/, '--models', 'resnet', '--progress', '-1'),
      cmp(/--progress must be a number ≥ 0, got "soon"/, '--models', 'resnet', '--progress', 'soon'),
      c(/--progress must be a number ≥ 0, got "-5"/, 'compare', '--resume', '1', '--progress', '-5', '--db', f.good),
      c(/--cells must be an integer from 0 to 64, got "100"/, 'compare', '--models', 'resnet', '--dataset', f.dataset, '--epochs', '1', '--cells', '100', '--db', cdb),
      c(/--backend must be one of auto, gpu, node, onednn, cpu, cpu-stock, got "foo"/, 'compare', '--models', 'resnet', ...tinyCompare, '--backend', 'foo', '--db', cdb),
      cmp(/--out .*replay is not empty: a comparison keeps its checkpoints and figures in a folder of its own/, '--models', 'resnet', '--out', f.checkpoint),
      cmp(/--out .*garbage\.bin is not a folder/, '--models', 'resnet', '--out', f.garbage),
      { args: ['compare', '--models', 'resnet', ...tinyCompare, '--backend', 'cpu', '--db', cdb, '--out', '/proc/c11'], expect: /output folder \/proc\/c11\/1-resnet is not writable/, timeoutMs: 30_000 },
      cmp(/output folder .*read-only-dir\/c\/1-resnet is not writable/, '--models', 'resnet', '--out', join(f.readOnlyDir, 'c')),
      c(/unknown comparison 99 in .*train\.db/, 'compare', '--resume', '99', '--db', f.trainStore),
      c(/unknown comparison 1 in .*good\.db/, 'compare', '--resume', '1', '--db', f.good),
      c(/no store at .*none\.db/, 'compare', '--resume', '1', '--db', fresh('none.db')),
      c(/--resume must be a positive integer, got "abc"/, 'compare', '--resume', 'abc', '--db', f.good),
      c(/--models cannot change on --resume: a comparison keeps its models, data, protocol and folder/, 'compare', '--resume', '1', '--models', 'resnet', '--db', f.good),
      c(/--epochs cannot change on --resume/, 'compare', '--resume', '1', '--epochs', '3', '--db', f.good),
      c(damaged, 'compare', '--resume', '1', '--db', f.flipped),
      c(/a-folder is a folder, not a nas store/, 'compare', '--models', 'resnet', ...tinyCompare, '--db', f.folder),
      c(/app\.db is not a nas store/, 'compare', '--models', 'trial:1', ...tinyCompare, '--db', f.foreign),
      c(/cannot create .*x\.db: folder .*missing-folder does not exist/, 'compare', '--models', 'resnet', ...tinyCompare, '--db', join(f.root, 'missing-folder', 'x.db')),
      cmp(/--json is a switch and takes no value/, '--models', 'resnet', '--json=yes'),
      cmp(/unexpected argument "vgg": nas compare takes no positional arguments/, '--models', 'resnet', 'vgg'),
      cmp(/unknown option "--model" for nas compare/, '--model', 'resnet'),
    ]],

    ['export', [
      c(/give exactly one of --trial ID, --genotype FILE, --baseline NAME/, 'export'),
      c(/--published goes with --baseline NAME/, 'export', '--trial', '1', '--published'),
      c(/--published: baseline resnet has no published concatenation/, 'export', '--baseline', 'resnet', '--published'),
      c(/unknown baseline "nope"/, 'export', '--baseline', 'nope'),
      c(/--format must be one of json, dot, svg, onnx, got "png"/, 'export', '--baseline', 'resnet', '--format', 'png'),
      c(/--out \/proc\/x\.json: folder \/proc is read-only/, 'export', '--baseline', 'resnet', '--out', '/proc/x.json'),
      c(/--out \/proc\/version is read-only/, 'export', '--baseline', 'resnet', '--out', '/proc/version'),
      c(/--out .*a-folder is a folder; give a file name/, 'export', '--baseline', 'resnet', '--out', f.folder),
      c(/folder .*missing-folder does not exist/, 'export', '--baseline', 'resnet', '--out', join(f.root, 'missing-folder', 'x.json')),
      c(/--out .*read-only\.txt is read-only/, 'export', '--baseline', 'resnet', '--out', f.readOnlyFile),
      c(/folder .*read-only-dir is read-only/, 'export', '--baseline', 'resnet', '--out', join(f.readOnlyDir, 'x.json')),
      c(/--trial must be .*got "abc"/, 'export', '--trial', 'abc', '--db', f.good),
      c(/no store at/, 'export', '--trial', '5', '--db', fresh('none.db')),
      c(/unknown trial 999/, 'export', '--trial', '999', '--db', f.good),
      c(/garbage\.bin/, 'export', '--genotype', f.garbage),
      c(/a-folder/, 'export', '--genotype', f.folder),
      c(damaged, 'export', '--trial', '1', '--db', f.flipped),
      c(/--db goes with --trial/, 'export', '--baseline', 'resnet', '--db', f.good),
      c(/--space goes with --genotype or --baseline/, 'export', '--trial', '1', '--db', f.good, '--space', 'nasnet'),
      c(/unexpected argument "junk"/, 'export', 'junk', '--baseline', 'resnet'),
      c(/no-such-space/, 'export', '--baseline', 'resnet', '--space', 'no-such-space'),
      c(/give exactly one of/, 'export', '--baseline', 'resnet', '--genotype', f.brokenJson),
      { args: ['export', '--baseline', 'resnet', '--out', join(f.root, 'nobody.json')], expect: /cannot write in folder/, asNobody: true },
      c(/--format must be one of json, dot, svg, onnx, got "ONNX"/, 'export', '--baseline', 'resnet', '--format', 'ONNX'),
      c(/--replay goes with --format onnx/, 'export', '--baseline', 'resnet', '--replay', '1'),
      c(/--check goes with --format onnx/, 'export', '--baseline', 'resnet', '--check'),
      onnx(/--format onnx writes a binary file: give --out FILE\.onnx/, '--replay', '1', '--db', f.trainStore),
      onnx(/--out \/proc\/x\.onnx: folder \/proc is read-only/, '--replay', '1', '--db', f.trainStore, '--out', '/proc/x.onnx'),
      onnx(/--out .*a-folder is a folder; give a file name/, '--replay', '1', '--db', f.trainStore, '--out', f.folder),
      onnx(/--out .*read-only\.txt is read-only/, '--replay', '1', '--db', f.trainStore, '--out', f.readOnlyFile),
      onnx(/folder .*read-only-dir is read-only/, '--replay', '1', '--db', f.trainStore, '--out', join(f.readOnlyDir, 'x.onnx')),
      onnx(/folder .*missing-folder does not exist/, '--replay', '1', '--db', f.trainStore, '--out', join(f.root, 'missing-folder', 'x.onnx')),
      { args: ['export', '--format', 'onnx', '--replay', '1', '--db', f.trainStore, '--out', join(f.root, 'nobody.onnx')], expect: /cannot write in folder/, asNobody: true },
      onnx(/exports a network with weights: give --trial ID, --replay ID or --model DIR, not --baseline/, '--baseline', 'resnet', '--out', fresh('b.onnx')),
      onnx(/give exactly one of --trial ID, --replay ID, --model DIR/, '--out', fresh('n.onnx')),
      onnx(/give exactly one of --trial ID, --replay ID, --model DIR/, '--trial', '1', '--replay', '1', '--db', f.trainStore, '--out', fresh('n.onnx')),
      onnx(/trial 2 failed \(Error: loss is NaN at epoch 1\): there is no network to export/, '--trial', '2', '--db', o.failedTrial, '--out', fresh('f.onnx')),
      onnx(/trial 3 belongs to run 99, which is not in .*orphan-trial\.db/, '--trial', '3', '--db', o.orphanTrial, '--out', fresh('o.onnx')),
      onnx(/trial 1 of run 1 was looked up in a table, no network of it was built/, '--trial', '1', '--db', f.good, '--out', fresh('t.onnx')),
      onnx(/unknown trial 999/, '--trial', '999', '--db', f.good, '--out', fresh('t.onnx')),
      onnx(/unknown replay 7/, '--replay', '7', '--db', f.trainStore, '--out', fresh('r.onnx')),
      onnx(/--replay must be .*got "x"/, '--replay', 'x', '--db', f.trainStore, '--out', fresh('r.onnx')),
      onnx(/no store at/, '--replay', '1', '--db', fresh('none.db'), '--out', fresh('r.onnx')),
      onnx(/layer upsample \(UpSampling2D\) has no ONNX mapping/, '--model', o.unmapped, '--out', fresh('u.onnx')),
      onnx(/garbage-model\/model\.json: not a model nas can load/, '--model', o.garbageModel, '--out', fresh('g.onnx')),
      onnx(/--model .*a-folder: no model\.json in it/, '--model', f.folder, '--out', fresh('m.onnx')),
      onnx(/--model .*garbage\.bin: not a folder/, '--model', f.garbage, '--out', fresh('m.onnx')),
      onnx(/--model .*no-such-model: no such folder/, '--model', join(f.root, 'no-such-model'), '--out', fresh('m.onnx')),
      onnx(/--db goes with --trial or --replay/, '--model', f.checkpoint, '--db', f.trainStore, '--out', fresh('m.onnx')),
    ]],

    ['latency', [
      c(/--run RUN is required/, 'latency', '--db', f.good),
      c(/unknown run 99/, 'latency', '--run', '99', '--db', f.good),
      c(/--run must be a run id .*got "x"/, 'latency', '--run', 'x', '--db', f.good),
      c(/run 1 measured no latency/, 'latency', '--run', '1', '--db', f.good),
      c(/--rounds must be an integer from 1 to 1,000, got "0"/, 'latency', '--run', '1', '--rounds', '0', '--db', f.good),
      c(/no store at .*missing\.db/, 'latency', '--run', '1', '--db', fresh('missing.db')),
    ]],

    ['plot', [
      c(/RUN is required/, 'plot', '--db', f.good),
      c(/run 1 has one objective \(started without --objectives\)/, 'plot', '1', '--pareto', '--out', fresh('front.svg'), '--db', f.good),
      c(/--hypervolume must be a run id .*got "a"/, 'plot', '--hypervolume', '1,a', '--out', fresh('hv.svg'), '--db', f.good),
      c(/--hypervolume names a run twice/, 'plot', '--hypervolume', '1,1', '--out', fresh('hv.svg'), '--db', f.good),
      c(/run 1 has one objective/, 'plot', '--hypervolume', '1', '--out', fresh('hv.svg'), '--db', f.good),
      c(/--hypervolume takes its runs itself/, 'plot', '--hypervolume', '1', '--run', '1', '--out', fresh('hv.svg'), '--db', f.good),
      c(/--x chooses an axis of --pareto/, 'plot', '1', '--x', 'latency', '--out', fresh('front.svg'), '--db', f.good),
      ...withoutStore(c(/no store at .*runs\/nas\.db/, 'plot', '1')),
      c(/RUN must be a run id .*got "abc"/, 'plot', 'abc', '--db', f.good),
      c(/--out \/proc\/x\.svg: folder \/proc is read-only/, 'plot', '1', '--out', '/proc/x.svg', '--db', f.good),
      c(/a-folder is a folder; give a file name/, 'plot', '1', '--out', f.folder, '--db', f.good),
      c(/folder .*missing-folder does not exist/, 'plot', '1', '--out', join(f.root, 'missing-folder', 'x.svg'), '--db', f.good),
      c(/read-only\.txt is read-only/, 'plot', '1', '--out', f.readOnlyFile, '--db', f.good),
      c(/folder .*read-only-dir is read-only/, 'plot', '1', '--out', join(f.readOnlyDir, 'x.svg'), '--db', f.good),
      c(/unknown run 99/, 'plot', '99', '--out', fresh('p.svg'), '--db', f.good),
      c(/no store at/, 'plot', '1', '--out', fresh('p.svg'), '--db', fresh('none.db')),
      c(/give the run once/, 'plot', '1', '--run', '1', '--out', fresh('p.svg'), '--db', f.good),
      c(damaged, 'plot', '1', '--out', fresh('p.svg'), '--db', f.flipped),
      c(/the genotype of trial 3 is not valid JSON/, 'plot', '1', '--out', fresh('p.svg'), '--db', f.badTrial),
      c(/--out needs a value/, 'plot', '1', '--out'),
    ]],

    ['bench ops', [
      c(/unknown option "--frob" for nas bench ops/, 'bench', 'ops', '--frob'),
      c(/--channels must be .*got "0"/, 'bench', 'ops', '--channels', '16,0'),
      c(/--channels must be .*got "empty"/, 'bench', 'ops', '--channels', '16,'),
      c(/--sizes must be .*got "abc"/, 'bench', 'ops', '--sizes', 'abc'),
      c(/--batch lists a value twice/, 'bench', 'ops', '--batch', '1,1'),
      c(/--rounds must be .*got "0"/, 'bench', 'ops', '--rounds', '0'),
      c(/--runs must be .*got "-2"/, 'bench', 'ops', '--runs', '-2'),
      c(/--ops: "sep_conv_9x9" is not an op of space nasnet/, 'bench', 'ops', '--ops', 'sep_conv_9x9'),
      c(/--ops: "conv_3x3" is not an op of space nas-bench-201/, 'bench', 'ops', '--space', 'nas-bench-201', '--ops', 'conv_3x3'),
      c(/--ops: "none" is not an op of space nas-bench-201/, 'bench', 'ops', '--space', 'nas-bench-201', '--ops', 'none'),
      c(/no-such-space/, 'bench', 'ops', '--space', 'no-such-space'),
      c(/--backend: unknown backend "tpu"/, 'bench', 'ops', '--backend', 'cpu,tpu'),
      c(/--out .*x\.png: bench ops draws an SVG/, 'bench', 'ops', '--out', fresh('x.png')),
      c(/--out \/proc\/x\.svg: folder \/proc is read-only/, 'bench', 'ops', '--out', '/proc/x.svg'),
      c(/plots\.svg is a folder/, 'bench', 'ops', '--out', o.svgFolder),
      c(/--json is a switch and takes no value/, 'bench', 'ops', '--json=yes'),
    ]],

    ['bench train', [
      c(/nas bench needs a benchmark: train, strategies or ops/, 'bench'),
      c(/unknown benchmark "nope"/, 'bench', 'nope'),
      c(/unknown option "--frob" for nas bench train/, 'bench', 'train', '--frob'),
      c(/--steps must be .*got "0"/, 'bench', 'train', '--steps', '0'),
      c(/--rounds must be .*got "-1"/, 'bench', 'train', '--rounds', '-1'),
      c(/--model must be one of nasnet-a, small-cnn, replay, got "resnet"/, 'bench', 'train', '--model', 'resnet'),
      c(/--threads must be an integer from 1 to 1,024, got "0"/, 'bench', 'train', '--threads', '1,0'),
      c(/--threads: a count is given twice in "2,2"/, 'bench', 'train', '--threads', '2,2'),
      c(/--backend: unknown backend "foo"/, 'bench', 'train', '--backend', 'cpu,foo'),
      c(/--out \/proc\/x\.txt: folder \/proc is read-only/, 'bench', 'train', '--out', '/proc/x.txt'),
      c(/a-folder is a folder/, 'bench', 'train', '--json', '--out', f.folder),
      c(/unexpected argument "junk"/, 'bench', 'train', 'junk'),
      c(/--json is a switch and takes no value/, 'bench', 'train', '--json=out.json'),
    ]],

    ['bench strategies', [
      c(/--json takes no file: it prints JSON; add --out FILE to write it to a file/, 'bench', 'strategies', '--json', '/proc/x.json'),
      c(/--out \/proc\/x\.json: folder \/proc is read-only/, 'bench', 'strategies', '--out', '/proc/x.json'),
      c(/a-folder is a folder/, 'bench', 'strategies', '--json', '--out', f.folder),
      c(/--runs must be .*got "0"/, 'bench', 'strategies', '--runs', '0'),
      c(/unknown strategy "annealing"/, 'bench', 'strategies', '--strategies', 'random,annealing'),
      c(/--strategies is empty/, 'bench', 'strategies', '--strategies', ','),
      c(/--strategies names random twice/, 'bench', 'strategies', '--strategies', 'random,random'),
      c(/no-such\.csv/, 'bench', 'strategies', '--table', join(f.root, 'no-such.csv'), '--reward-column', 'acc', '--trials', '5'),
      c(/garbage\.bin/, 'bench', 'strategies', '--table', f.garbage, '--reward-column', 'acc', '--trials', '5'),
      c(/--reward-column is required with --table/, 'bench', 'strategies', '--table', f.csv),
      c(/--strategy-option must be STRATEGY\.KEY=VALUE/, 'bench', 'strategies', '--strategy-option', 'bad'),
      c(/--budget-seconds must be a number > 0/, 'bench', 'strategies', '--budget-seconds', '-1'),
      c(/--trials must be .*got "0"/, 'bench', 'strategies', '--trials', '0'),
      c(/--points must be .*got "0"/, 'bench', 'strategies', '--points', '0'),
      c(/--seed must be .*got "-1"/, 'bench', 'strategies', '--seed', '-1'),
      c(/no-such-space/, 'bench', 'strategies', '--space', 'no-such-space'),
      c(/--budget-seconds needs a cost column/, 'bench', 'strategies', '--table', f.csv, '--reward-column', 'acc', '--budget-seconds', '100'),
      c(/no column "val"; its columns are: arch, acc/, 'bench', 'strategies', '--table', f.csv, '--reward-column', 'val', '--trials', '5'),
      c(/strategy "smbo" is not in --strategies/, 'bench', 'strategies', '--strategy-option', 'smbo.beam=3', '--strategies', 'random'),
      { args: ['bench', 'strategies', '--table', f.unreadableJson, '--reward-column', 'acc', '--trials', '5'], expect: /unreadable\.json/, asNobody: true },
      { args: ['bench', 'strategies', '--out', join(f.root, 'nobody.json')], expect: /cannot write in folder/, asNobody: true },
    ]],
  ];
}

/** A train case that changes an option TINY_TRAIN gives: the later value replaces the earlier (nas refuses an option given twice). */
function dedupe(x: BadInputCase): BadInputCase {
  const args: string[] = [];
  for (let i = 0; i < x.args.length; i++) {
    const a = x.args[i];
    if (TINY_TRAIN.includes(a) && a.startsWith('--') && x.args.indexOf(a, i + 1) > i) {
      i++; // drop this earlier value
      continue;
    }
    args.push(a);
  }
  return { ...x, args };
}
