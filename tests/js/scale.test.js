// The live views' ranges (static/js/scale.js): nice bounds that only widen, and narrow late.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { WideningRange, niceCeil } from '../../static/js/scale.js';

test('niceCeil is the smallest of 1, 1.5, 2, 3, 4, 5, 6, 8 times a power of ten at least value', () => {
  assert.equal(niceCeil(1), 1);
  assert.equal(niceCeil(1.2), 1.5);
  assert.equal(niceCeil(0.7), 0.8);
  assert.equal(niceCeil(250), 300);
  assert.equal(niceCeil(7000), 8000);
  assert.equal(niceCeil(9.5), 10);
  assert.ok(Math.abs(niceCeil(0.031) - 0.04) < 1e-15);
});

test('niceCeil with steps of its own: the smallest of them times a power of ten at least value', () => {
  const steps = [1, 2, 5, 10];
  assert.equal(niceCeil(101, steps), 200);
  assert.equal(niceCeil(201, steps), 500);
  assert.equal(niceCeil(501, steps), 1000);
  assert.equal(niceCeil(2500, steps), 5000);
  assert.equal(niceCeil(6000, steps), 10000);
  assert.ok(Math.abs(niceCeil(0.31, steps) - 0.5) < 1e-15);
});

test('niceCeil of what has no size is 1', () => {
  for (const value of [0, -3, NaN, Infinity]) assert.equal(niceCeil(value), 1);
});

test('a symmetric range widens to hold every value, nulls skipped, and never narrows', () => {
  const range = new WideningRange('symmetric', 1);
  assert.deepEqual([range.lo, range.hi], [-1, 1]);
  assert.equal(range.fit([[0.5, -2.5]]), true);
  assert.deepEqual([range.lo, range.hi], [-3, 3]);
  assert.equal(range.fit([[0.1, null]]), false);
  assert.deepEqual([range.lo, range.hi], [-3, 3]);
  range.fit([null, 5]);
  assert.deepEqual([range.lo, range.hi], [-5, 5]);
  range.reset();
  assert.deepEqual([range.lo, range.hi], [-1, 1]);
});

test('a range made afresh each step narrows only after that many fits in a row found it too wide', () => {
  const range = new WideningRange('symmetric', 0.001, { narrowAfter: 2 });
  range.fit([0.5]);
  assert.equal(range.hi, 0.5);
  assert.equal(range.fit([0.01]), false); // under a fifth of 0.5, once
  assert.equal(range.fit([0.2]), false); // not under a fifth: the count starts again
  assert.equal(range.fit([0.01]), false);
  assert.equal(range.fit([0.01]), true); // twice in a row
  assert.deepEqual([range.lo, range.hi], [-0.01, 0.01]);
});

test('a positive range starts at 0; a span holds 0, 1 and every value', () => {
  const slope = new WideningRange('positive', 0.5);
  assert.deepEqual([slope.lo, slope.hi], [0, 0.5]);
  slope.fit([0.7, -0.9]);
  assert.deepEqual([slope.lo, slope.hi], [0, 1]); // |-0.9| counts
  const output = new WideningRange('span', 1);
  assert.deepEqual([output.lo, output.hi], [0, 1]);
  output.fit([[-0.2, 1.3, null]]);
  assert.deepEqual([output.lo, output.hi], [-0.2, 1.5]);
});
