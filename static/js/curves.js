// Learning curves, as in the tutorial's graphs: the network error and the classification error of
// the training, validation and test sets against the step count, in one figure sharing the steps
// axis.
//
// The history (GET /history, thinned by the server to a bounded number of points) is fetched a few
// times a second; the newest point comes with every frame (its `metrics`), so the curves' ends move
// live in between. Drawn with Plotly: created once, then the lines are moved by a Plotly.animate
// without transition and without redraw (a restyle would draw the whole figure again, ticks and
// legend, several times the cost), at most MAX_POINTS a trace. The axes' ranges only widen, to 1,
// 2 or 5 times a power of ten (AXIS_STEPS), each time by a relayout of the ranges alone. While
// playing, the steps axis widens to hold the steps of the next LOOKAHEAD_S seconds too, so that it
// widens at most that often whatever the speed: an axis that rescales every few tenths of a
// second is hard to follow (without it, it widened 6-7 times in the first 2.5 s of playing iris at
// 20,000 steps/s), and each widening redraws the axes. Drawn on the slow views' beat. A regression
// set has no classes: its classification error is null, and the figure shows the network error
// alone.

import { DOWNLOAD_CONFIG, NO_TRANSITION, PLOT_FONT } from './plotly.js';
import { niceCeil } from './scale.js';

const SETS = [
  { key: 'train', name: 'training', colour: '#1f77b4' },
  { key: 'validation', name: 'validation', colour: '#e6820e' },
  { key: 'test', name: 'test', colour: '#2ca02c' },
];
const MAX_POINTS = 120;
const AXIS_STEPS = [1, 2, 5, 10]; // an axis's bounds: 1, 2 or 5 times a power of ten
const INITIAL_STEPS = 100;
const LOOKAHEAD_S = 2; // while playing, the steps axis holds this many seconds' steps ahead

/** At most `max` evenly spread indices of `n` points, always keeping the last. */
function thin(n, max) {
  if (n <= max) return null;
  const stride = Math.ceil(n / max);
  const keep = [];
  for (let i = 0; i < n - 1; i += stride) keep.push(i);
  keep.push(n - 1);
  return keep;
}

export class CurvesView {
  /**
   * @param {HTMLElement} element
   * @param {() => number} [pace] the training's steps a second while playing, 0 while paused
   *   (steps then come by hand)
   */
  constructor(element, pace = () => 0) {
    this.element = element;
    this.pace = pace;
    this.Plotly = null;
    this.history = null;
    this.created = false;
    this.errorsOnly = false; // what the figure shows now: true for a regression set
    this.reset();
  }

  reset() {
    this.xMax = INITIAL_STEPS;
    this.yMax = 0;
    this.shown = { xMax: null, yMax: null }; // the ranges the figure has now
  }

  /** Plotly.js is there: the figure is made on the first draw (after the live views'). */
  attach(Plotly) {
    this.Plotly = Plotly;
  }

  /** Makes the (empty) figure. */
  create() {
    this.created = true;
    const traces = [];
    for (const [metric, axis, format] of [
      ['error', 'y', '.4f'],
      ['classification_error', 'y2', '.1%'],
    ]) {
      for (const set of SETS) {
        traces.push({
          type: 'scatter',
          mode: 'lines',
          x: [],
          y: [],
          name: set.name,
          legendgroup: set.key,
          showlegend: metric === 'error',
          line: { color: set.colour, width: 1.6 },
          yaxis: axis,
          hovertemplate: `${set.name}: %{y:${format}} at step %{x}<extra></extra>`,
        });
      }
    }
    const layout = {
      font: PLOT_FONT,
      margin: { l: 58, r: 10, t: 22, b: 30 },
      showlegend: true,
      legend: { orientation: 'h', x: 1, xanchor: 'right', y: 1.01, yanchor: 'bottom' },
      hovermode: 'closest',
      xaxis: {
        range: [0, this.xMax],
        fixedrange: true,
        anchor: 'y2',
        title: { text: 'steps', standoff: 2 },
      },
      yaxis: {
        domain: [0.54, 1],
        range: [0, 0.5],
        fixedrange: true,
        title: { text: 'network<br>error', standoff: 10 },
      },
      yaxis2: {
        domain: [0, 0.42],
        range: [0, 1],
        fixedrange: true,
        tickformat: '.0%',
        title: { text: 'classification<br>error', standoff: 10 },
      },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: '#ffffff',
    };
    this.Plotly.newPlot(this.element, traces, layout, DOWNLOAD_CONFIG);
  }

  /** The history of the current run (null after a reset: nothing recorded yet). */
  setHistory(history) {
    this.history = history;
    if (history === null) this.reset();
  }

  draw(frame) {
    if (!this.Plotly) return false;
    if (!this.created) this.create();
    const xs = [];
    const ys = [];
    let yMax = 0;
    for (const metric of ['error', 'classification_error']) {
      for (const set of SETS) {
        const curve = this.history?.[set.key];
        let x = curve ? curve.step : [];
        let y = curve ? curve[metric] : [];
        const keep = thin(x.length, MAX_POINTS);
        if (keep) {
          x = keep.map((i) => x[i]);
          y = keep.map((i) => y[i]);
        }
        if (!x.length || frame.step > x[x.length - 1]) {
          x = [...x, frame.step];
          y = [...y, frame.metrics[set.key][metric]];
        }
        if (metric === 'error') {
          for (const value of y) if (value !== null && value > yMax) yMax = value;
        }
        xs.push(x);
        ys.push(y);
      }
    }
    if (frame.step > this.xMax) {
      this.xMax = niceCeil(frame.step + this.pace() * LOOKAHEAD_S, AXIS_STEPS);
    }
    if (yMax > this.yMax) this.yMax = niceCeil(yMax, AXIS_STEPS);
    const layout = {};
    const errorsOnly = frame.metrics.train.classification_error === null;
    if (errorsOnly !== this.errorsOnly) {
      // a regression set has no classes: the network error takes the whole height
      this.errorsOnly = errorsOnly;
      layout['yaxis.domain'] = errorsOnly ? [0, 1] : [0.54, 1];
      layout['yaxis2.visible'] = !errorsOnly;
      layout['xaxis.anchor'] = errorsOnly ? 'y' : 'y2';
      this.Plotly.restyle(
        this.element,
        { visible: SETS.map(() => !errorsOnly) },
        SETS.map((_, k) => SETS.length + k),
      );
    }
    const ranges = {};
    if (this.shown.xMax !== this.xMax) ranges['xaxis.range'] = [0, this.xMax];
    if (this.shown.yMax !== this.yMax && this.yMax > 0) ranges['yaxis.range'] = [0, this.yMax];
    const first = this.shown.xMax === null;
    this.shown = { xMax: this.xMax, yMax: this.yMax };
    if (first || Object.keys(layout).length) {
      // the first draw (whose traces Plotly then puts in the legend), or the axes laid out
      // again for a set with or without classes: a whole redraw
      this.Plotly.update(this.element, { x: xs, y: ys }, { ...layout, ...ranges });
      return true;
    }
    const data = xs.map((x, k) => ({ x, y: ys[k] }));
    this.Plotly.animate(this.element, { data, traces: data.map((_, k) => k) }, NO_TRANSITION);
    // a range that widened: the axes' ticks and the lines redrawn, not the whole figure (an
    // update of the data and ranges cost 33.8 ms of the main thread here, the animate and this
    // relayout 18.2)
    if (Object.keys(ranges).length) this.Plotly.relayout(this.element, ranges);
    return true;
  }
}
