// The check panel's pure helpers (static/js/exercise.js, static/js/predict.js): the exercise of a
// step, the numbers a learner types, and the frame "predict first" shows.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { numpySnippet, parseNumbers, problemOf } from '../../static/js/exercise.js';
import { PredictFirst, withoutPrediction } from '../../static/js/predict.js';

const FRAME = {
  step: 7,
  config: { activation: 'tanh01', loss: 'squared_error' },
  layers: [{ weights: [[0.5, 0.25, -0.125]] }],
  trace: {
    step: 7,
    learning_rate: 0.1,
    sample: { x: [1, 0], target: [1] },
    layers: [
      {
        input: [1, 0],
        delta: [0.5],
        weights_before: [[0.25, 0.25, -0.5]],
        weight_update: [[0.05, 0, 0.05]],
        weights: [[0.3, 0.25, -0.45]],
      },
    ],
  },
};

test('the exercise of a step is its start: weights before, sample, activation, loss, rate', () => {
  assert.deepEqual(problemOf(FRAME), {
    activation: 'tanh01',
    loss: 'squared_error',
    learning_rate: 0.1,
    x: [1, 0],
    target: [1],
    weights: [[[0.25, 0.25, -0.5]]],
  });
});

test('the NumPy snippet loads the exercise as JSON', () => {
  const problem = problemOf(FRAME);
  const snippet = numpySnippet(problem);
  const json = snippet.match(/json\.loads\('(.*)'\)/)[1];
  assert.deepEqual(JSON.parse(json), problem);
  assert.match(snippet, /weights = \[np\.array\(w\) for w in problem\["weights"\]\]/);
});

test('typed numbers: commas or spaces between entries, ";" or new lines between rows', () => {
  assert.deepEqual(parseNumbers('0.1, -0.2 3e-2', false), [0.1, -0.2, 0.03]);
  assert.deepEqual(parseNumbers('\u22120.5', false), [-0.5]);
  assert.deepEqual(parseNumbers('1, 2; 3 4\n5,6;', true), [
    [1, 2],
    [3, 4],
    [5, 6],
  ]);
  assert.throws(() => parseNumbers('0.1, x', false), /"x" is not a number/);
});

test('predict first hides every delta and update and shows the weights before the step', () => {
  const hidden = withoutPrediction(FRAME);
  assert.deepEqual(hidden.trace.layers[0].delta, [null]);
  assert.deepEqual(hidden.trace.layers[0].weight_update, [[null, null, null]]);
  assert.deepEqual(hidden.trace.layers[0].weights, [[0.25, 0.25, -0.5]]);
  assert.deepEqual(hidden.layers[0].weights, [[0.25, 0.25, -0.5]]);
  assert.deepEqual(FRAME.trace.layers[0].delta, [0.5]); // the frame itself unchanged
});

test('predict first holds a step back until it is revealed, then lets it pass', () => {
  const predict = new PredictFirst();
  assert.equal(predict.shown(FRAME), FRAME); // off
  predict.on = true;
  assert.deepEqual(predict.shown(FRAME).trace.layers[0].delta, [null]);
  assert.equal(predict.holding, true);
  assert.equal(predict.reveal(), FRAME);
  assert.equal(predict.holding, false);
  assert.equal(predict.shown(FRAME), FRAME); // the revealed step's frames pass
  const next = { ...FRAME, step: 8, trace: { ...FRAME.trace, step: 8 } };
  assert.deepEqual(predict.shown(next).trace.layers[0].delta, [null]);
  predict.restart();
  assert.equal(predict.holding, false);
  predict.playing = true; // the steps of a run that plays go by as they are
  assert.equal(predict.shown(next), next);
  assert.equal(predict.holding, false);
});
