import { needs } from '../helpers/system.js';
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { readFileSync, writeFileSync } from 'node:fs';
import { UserError } from '../../src/core/errors.js';
import { clearDatasetCache, defaultLocations, loadDataset, type DatasetLocations } from '../../src/data/datasets.js';
import { tempDir } from './helpers/tmp.js';

const tmp = tempDir();
after(tmp.cleanup);

const nowhere: DatasetLocations = {
  defaultDir: join(tmp.dir, 'no-default'),
  fashionMnistDir: join(tmp.dir, 'no-fashion'),
  mnistDirs: [join(tmp.dir, 'no-mnist')],
};

test('default loads the embedded subset once per process (cached object) with a stable hash', () => {
  const a = loadDataset('default');
  assert.equal(a.name, 'default');
  assert.deepEqual([a.height, a.width, a.channels, a.numClasses], [28, 28, 1, 10]);
  assert.equal(a.classNames[0], 'T-shirt/top');
  assert.match(a.hash, /^[0-9a-f]{12}$/);
  assert.equal(loadDataset('default'), a, 'second call hits the cache');
  assert.deepEqual(a.train.norm, a.test.norm, 'test normalised with the train statistics');
  assert.ok(a.train.norm!.mean[0] > 0.2 && a.train.norm!.std[0] > 0.2);
});

test('the content hash ignores compression: a gunzipped copy of the default has the same hash', () => {
  const dir = join(tmp.dir, 'plain');
  mkdirSync(dir);
  for (const f of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte', 't10k-labels-idx1-ubyte']) {
    writeFileSync(join(dir, f), gunzipSync(readFileSync(join(defaultLocations.defaultDir, f + '.gz'))));
  }
  copyFileSync(join(defaultLocations.defaultDir, 'classes.txt'), join(dir, 'classes.txt'));
  const copy = loadDataset(dir);
  assert.equal(copy.hash, loadDataset('default').hash);
  assert.equal(copy.classNames[9], 'Ankle boot');
});

test('missing and unknown datasets are one-line UserErrors', () => {
  clearDatasetCache();
  const err = (name: string, loc?: DatasetLocations) => {
    try {
      loadDataset(name, loc);
    } catch (e) {
      assert.ok(e instanceof UserError, `${name}: ${e}`);
      assert.ok(!e.message.includes('\n'));
      return e.message;
    }
    assert.fail(`${name} loaded`);
  };
  assert.equal(err('fashion-mnist', nowhere), 'fashion-mnist: not installed; apt-get install dataset-fashion-mnist, or use --dataset default');
  assert.match(err('mnist', nowhere), /^mnist: not found in .*no-mnist/);
  assert.match(err('imagenet'), /^unknown dataset "imagenet": use default, fashion-mnist, mnist, cifar10:<dir>/);
  assert.match(err('./no/such/dir'), /no such directory/);
  assert.match(err(tmp.dir), /no dataset files found/);
  assert.match(err('default', nowhere), /embedded dataset is missing/);
});

test('fashion-mnist loads the full Debian set when installed', needs('dataset-fashion-mnist'), () => {
  const d = loadDataset('fashion-mnist');
  assert.equal(d.train.count, 60000);
  assert.equal(d.test.count, 10000);
  assert.notEqual(d.hash, loadDataset('default').hash);
});

