// Where the live views go (static/js/grid.js): the layers' bands in the one live figure,
// worked out by hand for a net of two layers in an 860 px column.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { layout } from '../../static/js/grid.js';

const TWO_LAYERS = [
  { rows: 1, names: ['h1', 'h2', 'bias'] }, // the output layer, on top
  { rows: 8, names: ['x1', 'x2', 'bias'] },
];

test('the heatmaps get 40 px a column, the bars the rest of the width in four plots', () => {
  const g = layout(TWO_LAYERS, 860);
  assert.deepEqual(g.heatmapX, [
    [70, 190], // the units' names first, 70 px; 3 columns of 40 px
    [212, 332], // 22 px between the plots
  ]);
  assert.equal(g.heatmapsWidth, 354);
  assert.equal(g.width, 354 + 506);
  // right of the heatmaps: (506 - 4 × 22) / 4 = 104.5 px each
  assert.deepEqual(g.barX[0], [354 + 11, 354 + 115.5]);
  assert.deepEqual(g.barX[3], [354 + 390.5, 354 + 495]);
});

test('each band: the heading, the titles and names, then a row per unit, then the colour bars', () => {
  const g = layout(TWO_LAYERS, 860);
  const [output, hidden] = g.bands;
  // 40 px heading + 20 px title + 12 px of names + 2
  assert.deepEqual([output.top, output.plotTop, output.plotHeight], [0, 74, 28]);
  // after 30 px of colour bars and a 10 px gap; 8 rows of 28 px (under 320 px in all)
  assert.deepEqual([hidden.top, hidden.plotTop, hidden.plotHeight], [142, 216, 224]);
  assert.equal(g.height, 216 + 224 + 40);
});

test('rows get thinner when a layer has many units, down to 6 px', () => {
  const [band] = layout([{ rows: 64, names: ['a', 'bias'] }], 860).bands;
  assert.equal(band.rowPx, 6);
  assert.equal(layout([{ rows: 16, names: ['a', 'bias'] }], 860).bands[0].rowPx, 20);
});

test('column names go across on two lines when their words fit, else upright and cut', () => {
  const iris = ['sepal length', 'sepal width', 'petal length', 'petal width', 'bias'];
  const [band] = layout([{ rows: 3, names: iris }], 860).bands; // 200 px / 5 = 40 px columns
  assert.deepEqual(band.names.texts.slice(0, 2), ['sepal<br>length', 'sepal<br>width']);
  assert.equal(band.names.angle, 0);
  assert.equal(band.names.height, 24);
  const hidden = Array.from({ length: 8 }, (_, k) => `h1.${k + 1}`).concat('bias');
  const [narrow] = layout([{ rows: 4, names: hidden }], 600).bands; // 123 px / 9: 14 px columns
  assert.equal(narrow.names.angle, -90);
  assert.equal(narrow.names.texts[0], 'h1.1');
  const [none] = layout([{ rows: 4, names: Array(65).fill('x') }], 860).bands; // 3 px columns
  assert.equal(none.names.texts, null);
});
