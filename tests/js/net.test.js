// The net as the page names it, and Wᵀδ, the error a hidden layer receives (static/js/net.js).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { classOf, layerMark, sentBack, unitNames } from '../../static/js/net.js';

const DATASET = { output_names: ['setosa', 'versicolor', 'virginica'] };

test('hidden units are h1, h2... with one hidden layer, h1.1, h2.1... with several', () => {
  assert.deepEqual(unitNames(DATASET, []), [['setosa', 'versicolor', 'virginica']]);
  assert.deepEqual(unitNames(DATASET, [2]), [['h1', 'h2'], DATASET.output_names]);
  assert.deepEqual(unitNames(DATASET, [2, 1]), [['h1.1', 'h1.2'], ['h2.1'], DATASET.output_names]);
});

test('the class of a target: one unit is 1 above one half; several, the hot one', () => {
  assert.equal(classOf([0.7]), 1);
  assert.equal(classOf([0.2]), 0);
  assert.equal(classOf([0, 1, 0]), 1);
  assert.equal(classOf([0.1, 0.2, 0.9]), 2);
});

test("layer marks are superscripts in a deep net, nothing in the tutorial's", () => {
  assert.equal(layerMark(0, 1), '');
  assert.equal(layerMark(0, 2), '\u00b9');
  assert.equal(layerMark(1, 3), '\u00b2');
  assert.equal(layerMark(7, 9), '^8');
});

test('sentBack is the transposed weights times the delta, the bias column left out', () => {
  // W = [[1, 2 | 9], [3, -1 | 9]], δ = [0.5, -0.25]:
  // (Wᵀδ)₁ = 1·0.5 + 3·(-0.25) = -0.25, (Wᵀδ)₂ = 2·0.5 + (-1)·(-0.25) = 1.25
  assert.deepEqual(
    sentBack(
      [
        [1, 2, 9],
        [3, -1, 9],
      ],
      [0.5, -0.25],
    ),
    [-0.25, 1.25],
  );
});

test('sentBack spreads a non-finite value (null) to what it touches only', () => {
  const weights = [
    [1, null, 0],
    [2, 3, 0],
  ];
  assert.deepEqual(sentBack(weights, [1, 1]), [3, null]);
  assert.deepEqual(sentBack(weights, [null, 1]), [null, null]);
});
