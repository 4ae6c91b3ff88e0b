import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corrcoef, logAbsDet, symmetricEigenvalues } from '../../src/estimators/linalg.js';

const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

test('logAbsDet: needs a row swap, negative determinant, singular', () => {
  // [[0, 2], [3, 1]]: det = 0·1 − 2·3 = −6 (the first pivot is 0, so rows swap).
  close(logAbsDet(Float64Array.from([0, 2, 3, 1]), 2), Math.log(6));
  // [[2, 1, 1], [4, 3, 3], [8, 7, 9]]: det = 2(27−21) − 1(36−24) + 1(28−24) = 12 − 12 + 4 = 4.
  close(logAbsDet(Float64Array.from([2, 1, 1, 4, 3, 3, 8, 7, 9]), 3), Math.log(4));
  assert.equal(logAbsDet(Float64Array.from([1, 2, 2, 4]), 2), -Infinity);
});

test('symmetricEigenvalues: the tridiagonal (2, 1) matrix has 2 − √2, 2, 2 + √2', () => {
  const v = [...symmetricEigenvalues(Float64Array.from([2, 1, 0, 1, 2, 1, 0, 1, 2]), 3)].sort((a, b) => a - b);
  [2 - Math.SQRT2, 2, 2 + Math.SQRT2].forEach((want, i) => close(v[i], want, 1e-12));
  assert.deepEqual([...symmetricEigenvalues(Float64Array.from([5]), 1)], [5]);
});

test('corrcoef: rows correlated, anti-correlated, constant', () => {
  const c = corrcoef([1, 2, 3, 2, 4, 6, 3, 2, 1], 3, 3);
  [1, 1, -1, 1, 1, -1, -1, -1, 1].forEach((want, i) => close(c[i], want));
  // [1, 2, 3] vs [1, 3, 2]: centred (−1, 0, 1) and (−1, 1, 0): 1 / (√2 · √2) = 0.5.
  close(corrcoef([1, 2, 3, 1, 3, 2], 2, 3)[1], 0.5);
  assert.ok(Number.isNaN(corrcoef([1, 1, 1, 1, 2, 3], 2, 3)[1]));
});
