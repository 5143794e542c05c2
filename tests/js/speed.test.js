// The speed slider's positions (static/js/speed.js): 100 positions per factor of ten.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { clampSpeed, positionOf, speedAt } from '../../static/js/speed.js';

const SPEEDS = { min: 1, max: 20000 };

test('positions are 100 log10(speed), rounded', () => {
  assert.equal(positionOf(1), 0);
  assert.equal(positionOf(100), 200);
  assert.equal(positionOf(20000), 430); // 100 log10(20000) = 430.1
});

test('a position gives its speed in two significant digits', () => {
  assert.equal(speedAt(200, SPEEDS), 100);
  assert.equal(speedAt(8, SPEEDS), 1.2); // 10^0.08 = 1.202
  assert.equal(speedAt(330, SPEEDS), 2000); // 10^3.3 = 1995
  assert.equal(speedAt(430, SPEEDS), 20000); // 10^4.3 = 19953
});

test("a position's speed stays within the range", () => {
  assert.equal(speedAt(450, SPEEDS), 20000); // 10^4.5 = 31623
  assert.equal(speedAt(-50, SPEEDS), 1);
  assert.equal(clampSpeed(0.2, SPEEDS), 1);
  assert.equal(clampSpeed(150, SPEEDS), 150);
});

test('the speed grows as the slider moves right, from the slowest to the fastest', () => {
  const first = positionOf(SPEEDS.min);
  const last = positionOf(SPEEDS.max);
  assert.equal(speedAt(first, SPEEDS), SPEEDS.min);
  assert.equal(speedAt(last, SPEEDS), SPEEDS.max);
  for (let position = first; position < last; position++) {
    assert.ok(speedAt(position + 1, SPEEDS) >= speedAt(position, SPEEDS), `at ${position}`);
  }
});
