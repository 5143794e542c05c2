// The learning curves (static/js/curves.js) drawn on a stand-in for Plotly that keeps what it is
// given: how a long history is thinned, and where the newest point comes from.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { CurvesView } from '../../static/js/curves.js';

const SETS = ['train', 'validation', 'test'];

/** Records the data of every redraw: x and y of the six traces (error, then classification),
 * the layout changed with them and how: a whole redraw ('update'), the lines moved ('animate'),
 * then maybe the ranges alone relaid out ('animate+relayout'). */
class FakePlotly {
  constructor() {
    this.drawn = [];
  }
  newPlot(element, traces) {
    this.traces = traces;
  }
  update(element, data, layout) {
    this.drawn.push({ ...data, layout, how: 'update' });
  }
  animate(element, { data, traces }, options) {
    assert.deepEqual(traces, [0, 1, 2, 3, 4, 5]);
    assert.equal(options.frame.redraw, false); // the lines move, nothing else is drawn again
    this.drawn.push({
      x: data.map((d) => d.x),
      y: data.map((d) => d.y),
      layout: {},
      how: 'animate',
    });
  }
  relayout(element, layout) {
    const last = this.drawn.at(-1);
    assert.equal(last.how, 'animate'); // after the lines' animate of the same draw
    last.layout = layout;
    last.how = 'animate+relayout';
  }
}

/** A history of `n` points a set, every 10 steps: error 1/(i+1), classification error i/n. */
function history(n) {
  const curve = () => ({
    step: Array.from({ length: n }, (_, i) => 10 * i),
    error: Array.from({ length: n }, (_, i) => 1 / (i + 1)),
    classification_error: Array.from({ length: n }, (_, i) => i / n),
  });
  return Object.fromEntries(SETS.map((set) => [set, curve()]));
}

function frame(step, error = 0.01, classification = 0.05) {
  const set = { error, classification_error: classification };
  return { step, metrics: { train: set, validation: set, test: set } };
}

function view(pace) {
  const plotly = new FakePlotly();
  const curves = new CurvesView({}, pace);
  curves.attach(plotly);
  return { curves, plotly };
}

test('a short history is drawn whole, with the frame as its newest point', () => {
  const { curves, plotly } = view();
  curves.setHistory(history(3)); // steps 0, 10, 20
  assert.equal(curves.draw(frame(25, 0.2, 0.4)), true);
  const { x, y } = plotly.drawn.at(-1);
  assert.equal(x.length, 6);
  assert.deepEqual(x[0], [0, 10, 20, 25]);
  assert.deepEqual(y[0], [1, 1 / 2, 1 / 3, 0.2]); // network error
  assert.deepEqual(y[3], [0, 1 / 3, 2 / 3, 0.4]); // classification error
});

test('a long history is thinned to evenly spread points, the last one kept', () => {
  const { curves, plotly } = view();
  curves.setHistory(history(300)); // steps 0 to 2990
  curves.draw(frame(2990)); // the history's last step: no point added
  const { x, y } = plotly.drawn.at(-1);
  // 300 points over at most 120: every third (ceil(300 / 120) = 3), then the last
  const kept = [...Array.from({ length: 100 }, (_, k) => 3 * k), 299];
  for (let trace = 0; trace < 6; trace++) {
    assert.deepEqual(
      x[trace],
      kept.map((i) => 10 * i),
    );
  }
  assert.deepEqual(
    y[0],
    kept.map((i) => 1 / (i + 1)),
  );
});

test('without a history (a new run) the curves are the frame alone', () => {
  const { curves, plotly } = view();
  curves.setHistory(null);
  curves.draw(frame(0, 0.3, 0.5));
  const { x, y } = plotly.drawn.at(-1);
  assert.deepEqual(x, [[0], [0], [0], [0], [0], [0]]);
  assert.deepEqual(y, [[0.3], [0.3], [0.3], [0.5], [0.5], [0.5]]);
});

test('the axes widen to nice bounds and are relaid out only when they change', () => {
  const { curves, plotly } = view();
  curves.setHistory(history(3));
  curves.draw(frame(25));
  assert.deepEqual(plotly.drawn.at(-1).layout, { 'xaxis.range': [0, 100], 'yaxis.range': [0, 1] });
  curves.draw(frame(26));
  assert.deepEqual(plotly.drawn.at(-1).layout, {}); // the same ranges: an animate only
  assert.equal(plotly.drawn.at(-1).how, 'animate');
  curves.draw(frame(2500));
  // a wider range (1, 2 or 5 times a power of ten): the lines moved, then the range alone
  // relaid out, no whole redraw
  assert.deepEqual(plotly.drawn.at(-1).layout, { 'xaxis.range': [0, 5000] });
  assert.equal(plotly.drawn.at(-1).how, 'animate+relayout');
  curves.draw(frame(2600, 3)); // a network error above the range
  assert.deepEqual(plotly.drawn.at(-1).layout, { 'yaxis.range': [0, 5] });
  assert.equal(plotly.drawn.at(-1).how, 'animate+relayout');
});

test('while playing, the steps axis holds two seconds of steps ahead, so it widens seldom', () => {
  let pace = 20_000; // steps a second, playing
  const { curves, plotly } = view(() => pace);
  curves.setHistory(history(3));
  curves.draw(frame(25)); // within the first range: the pace does not widen it
  assert.deepEqual(plotly.drawn.at(-1).layout['xaxis.range'], [0, 100]);
  curves.draw(frame(400)); // past it: 400 + 2 s at 20,000 steps/s = 40,400, up to 50,000
  assert.deepEqual(plotly.drawn.at(-1).layout, { 'xaxis.range': [0, 50_000] });
  let widenings = 0;
  for (let step = 400; step <= 400 + 4 * 20_000; step += 20_000 / 11) {
    curves.draw(frame(Math.round(step))); // 4 s at 20,000 steps/s, 11 draws a second
    if (plotly.drawn.at(-1).layout['xaxis.range']) widenings += 1;
  }
  assert.equal(widenings, 1); // to niceCeil(50,000 + 40,000) = 100,000
  assert.equal(curves.shown.xMax, 100_000);
  pace = 0; // paused: steps by hand widen to hold themselves alone
  curves.draw(frame(100_001));
  assert.deepEqual(plotly.drawn.at(-1).layout, { 'xaxis.range': [0, 200_000] });
});

test('the figure is made on the first draw, which is a whole redraw (for the legend)', () => {
  const { curves, plotly } = view();
  assert.equal(plotly.traces, undefined); // not before: the live views' first draws come first
  curves.setHistory(history(3));
  curves.draw(frame(25));
  curves.draw(frame(26));
  curves.draw(frame(27));
  assert.equal(plotly.drawn.filter((d) => d.how === 'update').length, 1);
  assert.equal(plotly.traces.length, 6);
});

test('nothing is drawn before Plotly is loaded', () => {
  const curves = new CurvesView({});
  assert.equal(curves.draw(frame(1)), false);
});
