// How numbers read on the page (static/js/format.js), against values worked out by hand.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { count, num, signed, vector } from '../../static/js/format.js';

const MINUS = '\u2212';

test('num keeps three significant digits and writes a real minus sign', () => {
  assert.equal(num(0.123456), '0.123');
  assert.equal(num(-1.5), `${MINUS}1.5`);
  assert.equal(num(1234.5), '1230');
  assert.equal(num(2.5, 1), '3');
  assert.equal(num(0), '0');
});

test('num writes very large and very small numbers with an exponent, minus signs included', () => {
  assert.equal(num(123456), '1.23e+5');
  assert.equal(num(100000), '1e+5');
  assert.equal(num(0.00001234), `1.23e${MINUS}5`);
  assert.equal(num(-0.00001234), `${MINUS}1.23e${MINUS}5`);
});

test('num says NaN for what is not a finite number (JSON null included)', () => {
  for (const value of [null, undefined, NaN, Infinity, -Infinity]) {
    assert.equal(num(value), 'NaN');
  }
});

test('signed puts a plus before a positive number only', () => {
  assert.equal(signed(0.012), '+0.012');
  assert.equal(signed(-0.3), `${MINUS}0.3`);
  assert.equal(signed(0), '0');
});

test('vector cuts after max entries and counts the rest', () => {
  assert.equal(vector([1, 2, 3]), '[1, 2, 3]');
  assert.equal(vector([1, 2, 3, 4, 5, 6, 7, 8], 3, 6), '[1, 2, 3, 4, 5, 6, \u2026 2 more]');
  assert.equal(vector([0.5, null], 2), '[0.5, NaN]');
});

test('count rounds to a whole number with thousands separators', () => {
  assert.equal(count(20000), '20,000');
  assert.equal(count(1234.6), '1,235');
  assert.equal(count(0), '0');
});
