// A run's settings as text (static/js/fields.js): the form's and the URL's text, parsed and written.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  FIELDS,
  InputError,
  formatField,
  parseField,
  readQuery,
  writeQuery,
} from '../../static/js/fields.js';

const DEFAULTS = {
  dataset: 'iris',
  activation: 'tanh01',
  loss: 'cross_entropy',
  hidden: [],
  learning_rate: 0.1,
  max_weight: 0.5,
  seed: 0,
  sampling: 'random',
  features: ['x1', 'x2'],
  noise: 0,
};
const SPEEDS = { min: 1, max: 20000 };

function refused(field, text, message) {
  assert.throws(
    () => parseField(field, text),
    (error) => error instanceof InputError && error.field === field && error.message === message,
  );
}

test('hidden layers are read from whole numbers separated by commas, semicolons or spaces', () => {
  assert.deepEqual(parseField('hidden', '8, 4'), [8, 4]);
  assert.deepEqual(parseField('hidden', '8;4 2'), [8, 4, 2]);
  assert.deepEqual(parseField('hidden', ''), []);
  refused(
    'hidden',
    '8,x',
    'hidden layers "8,x" is not a list of whole numbers such as 8,4 (empty for none)',
  );
  refused(
    'hidden',
    '2.5',
    'hidden layers "2.5" is not a list of whole numbers such as 8,4 (empty for none)',
  );
});

test('numbers must be finite, and a seed whole; the field is named in words', () => {
  assert.equal(parseField('learning_rate', '0.5'), 0.5);
  assert.equal(parseField('max_weight', '1e-3'), 0.001);
  assert.equal(parseField('seed', '42'), 42);
  refused('learning_rate', '', 'learning rate "" is not a number');
  refused('learning_rate', 'abc', 'learning rate "abc" is not a number');
  refused('max_weight', 'Infinity', 'max weight "Infinity" is not a number');
  refused('seed', '1.5', 'seed "1.5" is not a whole number');
});

test("a 2-D set's features are a comma-separated list, its noise a number", () => {
  assert.deepEqual(parseField('features', 'x1,x2,x1*x2'), ['x1', 'x2', 'x1*x2']);
  assert.deepEqual(parseField('features', 'sin(x1)'), ['sin(x1)']);
  assert.equal(parseField('noise', '0.25'), 0.25);
  refused('noise', 'much', 'noise "much" is not a number');
});

test('names are left to the server to judge', () => {
  assert.equal(parseField('dataset', 'no such set'), 'no such set');
  assert.equal(parseField('sampling', 'epoch'), 'epoch');
});

test('formatField writes what parseField reads back', () => {
  const config = { ...DEFAULTS, hidden: [8, 4], learning_rate: 0.25, seed: 7 };
  assert.equal(formatField(config, 'hidden'), '8,4');
  assert.equal(formatField(config, 'learning_rate'), '0.25');
  for (const field of FIELDS) {
    assert.deepEqual(parseField(field, formatField(config, field)), config[field]);
  }
});

test('a query string gives the fields it can read and says why not the others', () => {
  const read = readQuery('?dataset=xor&hidden=8,4&seed=abc&speed=300', DEFAULTS, SPEEDS);
  assert.deepEqual(read.config, { dataset: 'xor', hidden: [8, 4] });
  assert.deepEqual(read.problems, ['seed "abc" is not a number, so 0 is used']);
  assert.equal(read.speed, 300);
});

test("a query string's speed is held within the slider's range, or left out", () => {
  const speed = (query) => readQuery(query, DEFAULTS, SPEEDS).speed;
  assert.equal(speed('?speed=50000'), 20000);
  assert.equal(speed('?speed=1'), 1);
  assert.equal(speed('?speed=0.5'), null);
  assert.equal(speed('?speed=fast'), null);
  assert.equal(speed(''), null);
});

test('writeQuery and readQuery round-trip a config and its speed', () => {
  const config = {
    ...DEFAULTS,
    dataset: 'circle',
    hidden: [8, 4],
    learning_rate: 0.03,
    features: ['x1^2', 'x1*x2'],
    noise: 0.15,
  };
  const read = readQuery(writeQuery(config, 1200), DEFAULTS, SPEEDS);
  assert.deepEqual(read, { config, speed: 1200, problems: [] });
});
