// Every layer's vectors as Plotly bars in one figure, one bar per unit, in the rows of the layer's
// heatmaps: the output against the target, the error e = t − y (in a hidden layer, the error sent
// back Wᵀδ_next), the slope f'(net), and delta, their product. Side by side they show delta as the
// error scaled unit by unit by the slope of the activation.
//
// A frame is one Plotly.animate without transition and without redraw, whose cost grows with the
// figure's traces and subplots far more than with its bars (12 bar plots of 2 traces each, on
// their own axes: 16 ms of the main thread a frame; the same bars as one trace on one pair of
// axes: 6 ms). So the whole figure is one pair of axes in CSS pixels (x from the figure's left,
// y from its top) and three traces: every bar ('bars', coloured when made: positive deltas and
// errors, slopes, outputs), the negative deltas and errors ('negative', in the other colour: an
// animate moves bars but does not colour them again), and the targets ('targets'). Each plot maps
// its range (fixed, only widening: see scale.js) onto its lane of pixels; its zero line, title and
// range are drawn in a figure of their own under the bars' (the frame), changed only when a range
// changes. A bar's hover label reads its numbers from its customdata: [value, unit, ...the
// numbers it is made of]. The values printed at the bars' ends are in the values' figure
// (values.js), drawn on the slow views' beat.

import { num } from './format.js';
import { NO_TRANSITION, PLOT_CONFIG, liveLayout, makeLater, pixelAxes } from './plotly.js';

const POSITIVE = '#2166ac';
const NEGATIVE = '#b2182b';
const COLOURS = { signed: POSITIVE, slope: '#5a7d3a', output: '#8c6bb1' };
const TARGET = '#1f2328';
const ZERO_LINE = '#8c959f';
const BAR_WIDTH = 0.64; // of a row
// a value's text: its size, and the px a character and its padding take
const BAR_TEXT = { budget: 16, minRowPx: 12, size: 9, charPx: 5.4, padPx: 4 };

/** How the bars of a plot are coloured: by sign, as a slope, or as outputs against targets. */
export const BarKind = Object.freeze({ SIGNED: 'signed', SLOPE: 'slope', OUTPUT: 'output' });

/** The range under an axis: ±r for a symmetric one, else its two ends. */
function rangeText({ lo, hi }) {
  return lo === -hi ? `\u00b1${num(hi, 2)}` : `${num(lo, 2)} \u2026 ${num(hi, 2)}`;
}

/** A plot's lane `[left, right]` (px) and range `{lo, hi}` as a map from a value to a px. */
function scaleOf([left, right], { lo, hi }) {
  const per = (right - left) / (hi - lo);
  return (v) => left + (Math.min(hi, Math.max(lo, v)) - lo) * per;
}

export class BarsFigure {
  /**
   * @param {{frame: HTMLElement, bars: HTMLElement}} elements the two figures' divs, the bars'
   *   on top of the frame's (the titles, zero lines and ranges)
   * @param {object} Plotly
   * @param {object} geometry from grid.js's layout
   * @param {object[]} plots one per bar chart: `band`, `column`, `name`, `title`, `rows` (the
   *   units' names), `kind` (a BarKind), `range` (a WideningRange), `hovertemplate` (of a bar's
   *   customdata: [value, unit, ...what `draw` is given for it])
   */
  constructor({ frame, bars: element }, Plotly, geometry, plots) {
    this.element = element;
    this.frame = frame;
    this.Plotly = Plotly;
    this.plots = plots;
    const width = geometry.barsWidth;
    const { height } = geometry;
    const axes = pixelAxes(width, height);
    const layout = { ...liveLayout(width, height), ...axes, barmode: 'overlay' };
    const frameLayout = { ...liveLayout(width, height), ...axes, annotations: [], shapes: [] };
    // per plot: its lane, its rows' y (px), its first point in 'bars' (and in 'negative', for a
    // signed plot; in 'targets', for outputs), its annotations and zero line in the frame
    this.lanes = [];
    const bars = { y: [], width: [], color: [], ids: [], hovertemplate: [] };
    const negative = { y: [], width: [], ids: [], hovertemplate: [] };
    const targets = { y: [], ids: [], size: 6 };
    let budget = BAR_TEXT.budget;
    plots.forEach((plot) => {
      const band = geometry.bands[plot.band];
      const lane = geometry.barX[plot.column];
      const ys = plot.rows.map((_, row) => band.plotTop + (row + 0.5) * band.rowPx);
      const printed = band.rowPx >= BAR_TEXT.minRowPx && plot.rows.length <= budget;
      if (printed) budget -= plot.rows.length;
      const at = (px, text, anchor, size, x) => ({
        text,
        x,
        y: px,
        xanchor: anchor,
        yanchor: 'bottom',
        showarrow: false,
        font: size,
      });
      const titleAt = band.plotTop - band.names.height - 4; // level with the heatmaps' titles
      frameLayout.annotations.push(
        at(titleAt, plot.title, 'left', { size: 12, weight: 600 }, lane[0]),
      );
      const rangeAnnotation = frameLayout.annotations.length;
      frameLayout.annotations.push(
        at(
          band.plotTop + band.plotHeight + 16,
          rangeText(plot.range),
          'right',
          { size: 10 },
          lane[1],
        ),
      );
      const zero = scaleOf(lane, plot.range)(0);
      const zeroShape = frameLayout.shapes.length;
      frameLayout.shapes.push({
        type: 'line',
        x0: zero,
        x1: zero,
        y0: band.plotTop,
        y1: band.plotTop + band.plotHeight,
        line: { color: ZERO_LINE, width: 1 },
      });
      this.lanes.push({
        lane,
        ys,
        first: bars.y.length,
        firstNegative: plot.kind === BarKind.SIGNED ? negative.y.length : null,
        firstTarget: plot.kind === BarKind.OUTPUT ? targets.y.length : null,
        printed,
        rangeAnnotation,
        zeroShape,
        shown: [plot.range.lo, plot.range.hi],
      });
      const barPx = BAR_WIDTH * band.rowPx;
      plot.rows.forEach((unit, row) => {
        bars.y.push(ys[row]);
        bars.width.push(barPx);
        bars.color.push(COLOURS[plot.kind]);
        bars.ids.push(`${plot.name}:${row}`);
        bars.hovertemplate.push(plot.hovertemplate);
        if (plot.kind === BarKind.SIGNED) {
          negative.y.push(ys[row]);
          negative.width.push(barPx);
          negative.ids.push(`${plot.name}:${row}`);
          negative.hovertemplate.push(plot.hovertemplate);
        }
        if (plot.kind === BarKind.OUTPUT) {
          targets.y.push(ys[row]);
          targets.ids.push(`${plot.name}-target:${row}`);
          targets.size = Math.max(6, band.rowPx * 0.8);
        }
      });
    });
    const none = (list) => list.map(() => null);
    const { color, ...barPoints } = bars;
    const traces = [
      {
        type: 'bar',
        orientation: 'h',
        name: 'bars',
        ...barPoints,
        marker: { color },
        x: none(bars.y),
        base: none(bars.y),
        textposition: 'none',
      },
      {
        type: 'bar',
        orientation: 'h',
        name: 'negative',
        ...negative,
        marker: { color: NEGATIVE },
        x: none(negative.y),
        base: none(negative.y),
        textposition: 'none',
      },
      {
        type: 'scatter',
        mode: 'markers',
        name: 'targets',
        y: targets.y,
        ids: targets.ids,
        x: none(targets.y),
        marker: { symbol: 'line-ns', size: targets.size, line: { width: 2, color: TARGET } },
        cliponaxis: false,
        hovertemplate: 'target t[%{customdata[1]}] = %{customdata[0]:.6~g}<extra></extra>',
      },
    ];
    Plotly.newPlot(element, traces, layout, PLOT_CONFIG);
    this.frameMade = makeLater(Plotly, frame, [], frameLayout, {
      ...PLOT_CONFIG,
      staticPlot: true,
    });
    this.shown = plots.map(() => null); // per plot: the values drawn last (null: none yet)
  }

  /** Relays out the frame where a plot's range changed: its range's text and its zero line. */
  followRanges() {
    const update = {};
    this.plots.forEach((plot, k) => {
      const { lo, hi } = plot.range;
      const lane = this.lanes[k];
      if (lo === lane.shown[0] && hi === lane.shown[1]) return;
      lane.shown = [lo, hi];
      const zero = scaleOf(lane.lane, plot.range)(0);
      update[`annotations[${lane.rangeAnnotation}].text`] = rangeText(plot.range);
      update[`shapes[${lane.zeroShape}].x0`] = zero;
      update[`shapes[${lane.zeroShape}].x1`] = zero;
    });
    if (Object.keys(update).length) {
      this.frameMade.then(() => this.Plotly.relayout(this.frame, update));
    }
  }

  /**
   * Shows a new frame: per plot `k`, `values[k]` (one per unit, or null before the first step)
   * and `customdata[k]` (per unit, the numbers its hover text shows besides its value and unit:
   * a list, or null), and, for outputs, `targets`. The ranges are fitted by the caller.
   */
  draw(values, customdata, targets) {
    this.followRanges();
    const data = [
      { x: [], base: [], customdata: [] },
      { x: [], base: [], customdata: [] },
      { x: [], customdata: [] },
    ];
    const [bars, negative, marks] = data;
    this.plots.forEach((plot, k) => {
      const scale = scaleOf(this.lanes[k].lane, plot.range);
      const zero = scale(0);
      const vs = values[k];
      this.shown[k] = vs;
      plot.rows.forEach((unit, row) => {
        const v = vs ? vs[row] : null;
        const cd = [v, unit, ...(customdata[k]?.[row] ?? [])];
        const length = v === null ? null : scale(v) - zero;
        const signed = plot.kind === BarKind.SIGNED;
        bars.x.push(signed && v < 0 ? null : length);
        bars.base.push(zero);
        bars.customdata.push(cd);
        if (signed) {
          negative.x.push(v !== null && v < 0 ? length : null);
          negative.base.push(zero);
          negative.customdata.push(cd);
        }
        if (plot.kind === BarKind.OUTPUT) {
          const t = vs ? targets[row] : null;
          marks.x.push(t === null ? null : scale(t));
          marks.customdata.push([t, unit]);
        }
      });
    });
    this.Plotly.animate(this.element, { data, traces: [0, 1, 2] }, NO_TRANSITION);
  }

  /** The values printed at the bars' ends, as text points in this figure's pixels: outside a
   * bar where there is room before its lane's edge, else inside it where it is long enough, else
   * beside the zero line on the other side (a short bar's row is empty there); only in rows tall
   * enough and for the first plots from the output layer down (see BAR_TEXT). */
  valueTexts() {
    const points = [];
    this.plots.forEach((plot, k) => {
      const lane = this.lanes[k];
      const vs = this.shown[k];
      if (!lane.printed || !vs) return;
      const scale = scaleOf(lane.lane, plot.range);
      const [left, right] = lane.lane;
      const zero = scale(0);
      vs.forEach((v, row) => {
        const text = num(v, 2);
        const needs = text.length * BAR_TEXT.charPx + BAR_TEXT.padPx;
        const end = scale(v);
        const rightwards = v >= 0;
        const side = (on) => (on ? 'middle right' : 'middle left');
        const point = { y: lane.ys[row], text, size: BAR_TEXT.size, colour: '#57606a' };
        if ((rightwards ? right - end : end - left) >= needs) {
          Object.assign(point, { x: end, position: side(rightwards) });
        } else if (Math.abs(end - zero) >= needs) {
          Object.assign(point, { x: end, position: side(!rightwards), colour: '#ffffff' });
        } else {
          Object.assign(point, { x: zero, position: side(!rightwards) });
        }
        points.push(point);
      });
    });
    return points;
  }
}
