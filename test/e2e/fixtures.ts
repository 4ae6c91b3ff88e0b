/**
 * Real files for the bad-input tests, made once per test file: a finished search store (a quick
 * table search), a store holding a finished replay with its checkpoint (a tiny real training),
 * and damaged copies of both, each damaged in one way.
 */
import { chmodSync, copyFileSync, cpSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { NB201_TABLE } from '../../src/commands/bench-strategies.js';
import { nas } from './helpers.js';
import { writeIdx } from '../helpers/tiny-idx.js';

/** A real 32 + 16 image slice of the embedded Fashion-MNIST subset, as IDX files. */
export function writeTinyIdx(dir: string): void {
  writeIdx(dir, 32, 16);
}

/** Bytes no text file holds: control characters, an escape sequence, invalid UTF-8. */
export const GARBAGE = Buffer.concat([Buffer.from('\x07\x1b[31mRED\x1b[0m\x00\x01\x02\r\n\x7f'), Buffer.from([0xff, 0xfe, 0xc3, 0x28]), Buffer.alloc(300, 0x9b)]);

/** The settings of the tiny replay: --resume must repeat them. */
export const TINY_TRAIN = ['--baseline', 'resnet', '--epochs', '2', '--cells', '0', '--filters', '4', '--batch', '16', '--backend', 'cpu', '--seed', '1'];

export interface Fixtures {
  root: string;
  /** A finished table search: run 1, 20 complete trials (NAS-Bench-201 cells). */
  good: string;
  /** A store with no run. */
  emptyStore: string;
  /** good with 1 KB of its second page flipped. */
  flipped: string;
  /** good with trial 3's genotype no longer JSON. */
  badTrial: string;
  /** good with the strategy state no longer JSON. */
  badState: string;
  /** good with run 1's config no longer JSON. */
  badConfig: string;
  /** good with run 1's config JSON of the wrong shape (budget a word). */
  wrongConfig: string;
  /** A store with one finished replay (replay 1, baseline resnet, checkpoint in `checkpoint`). */
  trainStore: string;
  /** trainStore with replay 1's genotype no longer JSON. */
  badReplay: string;
  dataset: string;
  checkpoint: string;
  /** Copies of `checkpoint`, each damaged in one way. */
  cutBin: string;
  missingBin: string;
  flippedBin: string;
  epoch7: string;
  garbageJson: string;
  folder: string;
  garbage: string;
  empty: string;
  notes: string;
  foreign: string;
  brokenJson: string;
  csv: string;
  readOnlyFile: string;
  readOnlyDir: string;
  /** Owned by root, mode 0600: unreadable for `nobody`. */
  unreadableDb: string;
  unreadableJson: string;
  /** tiny-idx, mode 0700: unreadable for `nobody`. */
  unreadableDataset: string;
  /** A folder anyone may write in. */
  open: string;
}

export function makeFixtures(root: string): Fixtures {
  const p = (name: string) => join(root, name);
  const f = {
    root, good: p('good.db'), emptyStore: p('empty-store.db'), flipped: p('flipped.db'), badTrial: p('bad-trial.db'), badState: p('bad-state.db'),
    badConfig: p('bad-config.db'), wrongConfig: p('wrong-config.db'), trainStore: p('train.db'), badReplay: p('bad-replay.db'), dataset: p('tiny-idx'),
    checkpoint: p('replay'), cutBin: p('cut-bin'), missingBin: p('missing-bin'), flippedBin: p('flipped-bin'), epoch7: p('epoch-7'), garbageJson: p('garbage-json'),
    folder: p('a-folder'), garbage: p('garbage.bin'), empty: p('empty.txt'), notes: p('notes.db'), foreign: p('app.db'), brokenJson: p('broken.json'),
    csv: p('table.csv'), readOnlyFile: p('read-only.txt'), readOnlyDir: p('read-only-dir'), unreadableDb: p('unreadable.db'), unreadableJson: p('unreadable.json'), open: p('open-dir'), unreadableDataset: p('unreadable-idx'),
  };
  const run = (args: string[]) => {
    const r = nas(args);
    if (r.status !== 0) throw new Error(`fixture: nas ${args.join(' ')} failed:\n${r.stderr}${r.stdout}`);
  };
  run(['search', '--space', 'nas-bench-201', '--evaluator', 'table', '--table', NB201_TABLE, '--reward-column', 'cifar10_valid_acc_12ep',
    '--budget', '20', '--strategy', 'evolution', '--population', '5', '--sample', '2', '--db', f.good, '--no-dashboard']);
  const sql = (file: string, statement: string) => {
    const db = new Database(file);
    db.exec(statement);
    db.close();
  };
  copyFileSync(f.good, f.emptyStore);
  sql(f.emptyStore, 'DELETE FROM strategy_state; DELETE FROM trials; DELETE FROM runs;');
  copyFileSync(f.good, f.flipped);
  const bytes = readFileSync(f.flipped);
  for (let i = 4096; i < 4096 + 1024; i++) bytes[i] ^= 0xff;
  writeFileSync(f.flipped, bytes);
  copyFileSync(f.good, f.badTrial);
  sql(f.badTrial, `UPDATE trials SET genotype = '{"space": "nas-bench-201", "ar' WHERE id = 3`);
  copyFileSync(f.good, f.badState);
  sql(f.badState, `UPDATE strategy_state SET state = substr(state, 1, 40) WHERE run_id = 1`);
  copyFileSync(f.good, f.badConfig);
  sql(f.badConfig, `UPDATE runs SET config = substr(config, 1, 60) || char(7) WHERE id = 1`);
  copyFileSync(f.good, f.wrongConfig);
  sql(f.wrongConfig, `UPDATE runs SET config = json_set(config, '$.budget', 'lots') WHERE id = 1`);

  writeTinyIdx(f.dataset);
  run(['train', ...TINY_TRAIN, '--dataset', f.dataset, '--out', f.checkpoint, '--db', f.trainStore]);
  copyFileSync(f.trainStore, f.badReplay);
  sql(f.badReplay, `UPDATE replays SET genotype = 'resnet?' WHERE id = 1`);
  for (const dir of [f.cutBin, f.missingBin, f.flippedBin, f.epoch7, f.garbageJson]) cpSync(f.checkpoint, dir, { recursive: true });
  const bin = readFileSync(join(f.checkpoint, 'checkpoint.bin'));
  writeFileSync(join(f.cutBin, 'checkpoint.bin'), bin.subarray(0, bin.length - 4096));
  rmSync(join(f.missingBin, 'checkpoint.bin'));
  const flippedBin = Buffer.from(bin);
  for (let i = 0; i < 1024; i++) flippedBin[2048 + i] ^= 0x5a;
  writeFileSync(join(f.flippedBin, 'checkpoint.bin'), flippedBin);
  const meta = JSON.parse(readFileSync(join(f.checkpoint, 'checkpoint.json'), 'utf8'));
  writeFileSync(join(f.epoch7, 'checkpoint.json'), JSON.stringify({ ...meta, epoch: 7 }));
  writeFileSync(join(f.garbageJson, 'checkpoint.json'), GARBAGE);

  mkdirSync(f.folder);
  writeFileSync(f.garbage, GARBAGE);
  writeFileSync(f.empty, '');
  writeFileSync(f.notes, 'these are my notes, not a database\n'.repeat(200));
  const app = new Database(f.foreign);
  app.exec('CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices VALUES (1, 9.5);');
  app.close();
  writeFileSync(f.brokenJson, '{ "name": "x", "family": "nasnet", ');
  writeFileSync(f.csv, 'arch,acc\n|none~0|+|none~0|none~1|+|none~0|none~1|none~2|,10\n');
  writeFileSync(f.readOnlyFile, 'keep me\n');
  chmodSync(f.readOnlyFile, 0o444);
  mkdirSync(f.readOnlyDir);
  chmodSync(f.readOnlyDir, 0o555);
  copyFileSync(f.good, f.unreadableDb);
  chmodSync(f.unreadableDb, 0o600);
  writeFileSync(f.unreadableJson, '{}');
  chmodSync(f.unreadableJson, 0o600);
  cpSync(f.dataset, f.unreadableDataset, { recursive: true });
  chmodSync(f.unreadableDataset, 0o700);
  mkdirSync(f.open);
  chmodSync(f.open, 0o777);
  return f;
}
