// Every layer's vectors as Plotly bars, one bar per unit, in the rows of the layer's heatmaps: the
// output against the target, the error e = t − y (in a hidden layer, the error sent back Wᵀδ_next),
// the slope f'(net), and delta, their product. Side by side they show delta as the error scaled
// unit by unit by the slope of the activation. This part of the live figure (live_figure.js) makes
// their traces and what stays put in the frame under it.
//
// A figure's cost a frame grows with its traces and subplots far more than with its bars, so the
// bars are two traces on the live figure's pair of pixel axes: 'bars', each bar coloured by its
// plot, with the targets' marks after the units' bars (a bar 2 px long at the target: as a
// scatter trace of their own, iris's frame took 5.1-6.6 ms in a loop against 4.6-4.7 without
// it, in one page), and 'negative', the same units' bars again in the negative colour. The live
// figure animates its traces, which keeps every bar's colour as made, so a delta or an error is
// drawn in 'bars' when it is positive and in 'negative' when it is negative (the other's x null).
// Each plot maps its range (fixed, only widening: see scale.js) onto its lane of pixels; its zero
// line and title are in the frame, the zero line moved only when a range that is not symmetric
// changes. A bar's hover label reads its numbers from its customdata: [value, unit, ...the
// numbers it is made of]. The values printed at the bars' ends and the ranges under the plots are
// in the values' figure (values.js), drawn on a slower beat: a frame's relayout draws all of it
// again, every title and name of the heatmaps too, and the deltas' ranges change every few frames
// as they narrow.

import { num } from './format.js';

const POSITIVE = '#2166ac';
const NEGATIVE = '#b2182b';
const COLOURS = { signed: POSITIVE, slope: '#5a7d3a', output: '#8c6bb1' };
const TARGET = '#1f2328';
const TARGET_PX = 2; // a target's mark: a bar this long, centred on the target
const TARGET_HOVER = 'target t[%{customdata[1]}] = %{customdata[0]:.6~g}<extra></extra>';
const ZERO_LINE = '#8c959f';
const RANGE_TEXT = '#1f2328';
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

export class BarPlots {
  /**
   * @param {object} geometry from grid.js's layout
   * @param {object[]} plots one per bar chart: `band`, `column`, `name`, `title`, `rows` (the
   *   units' names), `kind` (a BarKind), `range` (a WideningRange), `hovertemplate` (of a bar's
   *   customdata: [value, unit, ...what `frameData` is given for it])
   * @param {{annotations: object[], shapes: object[]}} frame the frame's layout, which this part
   *   adds its titles, ranges and zero lines to
   */
  constructor(geometry, plots, frame) {
    this.plots = plots;
    // per plot: its lane, its rows' y (px), its annotations and zero line in the frame
    this.lanes = [];
    const bars = { y: [], width: [], colour: [], ids: [], hovertemplate: [] };
    const targets = { y: [], width: [], colour: [], ids: [], hovertemplate: [] };
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
      frame.annotations.push(at(titleAt, plot.title, 'left', { size: 12, weight: 600 }, lane[0]));
      const zero = scaleOf(lane, plot.range)(0);
      const zeroShape = frame.shapes.length;
      frame.shapes.push({
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
        printed,
        // where its range's text goes, under the lane's right end (in the values' figure)
        rangeAt: { x: lane[1], y: band.plotTop + band.plotHeight + 16 },
        zeroShape,
        zero,
      });
      const barPx = BAR_WIDTH * band.rowPx;
      plot.rows.forEach((unit, row) => {
        bars.y.push(ys[row]);
        bars.width.push(barPx);
        bars.colour.push(COLOURS[plot.kind]);
        bars.ids.push(`${plot.name}:${row}`);
        bars.hovertemplate.push(plot.hovertemplate);
        if (plot.kind === BarKind.OUTPUT) {
          targets.y.push(ys[row]);
          targets.width.push(Math.max(6, band.rowPx * 0.8));
          targets.colour.push(TARGET);
          targets.ids.push(`${plot.name}-target:${row}`);
          targets.hovertemplate.push(TARGET_HOVER);
        }
      });
    });
    // the units' bars alone, before the targets' marks are added
    const units = Object.fromEntries(
      ['y', 'width', 'ids', 'hovertemplate'].map((key) => [key, [...bars[key]]]),
    );
    for (const [key, list] of Object.entries(targets)) bars[key].push(...list);
    const none = (list) => list.map(() => null);
    const { colour, ...points } = bars;
    const trace = (name, slots, color) => ({
      type: 'bar',
      orientation: 'h',
      name,
      ...slots,
      x: none(slots.y),
      base: none(slots.y),
      // a colour for every bar from the start: Plotly warns of a bar without one
      marker: { color },
      textposition: 'none',
    });
    this.traces = [trace('bars', points, colour), trace('negative', units, NEGATIVE)];
    this.shown = plots.map(() => null); // per plot: the values drawn last (null: none yet)
  }

  /** The frame's relayout where a plot's zero line moved (its range changed, and it is not
   * symmetric). */
  followRanges() {
    const update = {};
    this.plots.forEach((plot, k) => {
      const lane = this.lanes[k];
      const zero = scaleOf(lane.lane, plot.range)(0);
      if (zero === lane.zero) return;
      lane.zero = zero;
      update[`shapes[${lane.zeroShape}].x0`] = zero;
      update[`shapes[${lane.zeroShape}].x1`] = zero;
    });
    return update;
  }

  /**
   * This part's data for a new frame, an object per trace ('bars', 'negative'): per plot `k`,
   * `values[k]` (one per unit, or null before the first step) and `customdata[k]` (per unit, the
   * numbers its hover text shows besides its value and unit: a list, or null), and, for outputs,
   * `targets`. The ranges are fitted by the caller.
   */
  frameData(values, customdata, targets) {
    const bars = { x: [], base: [], customdata: [] };
    const negative = { x: [], base: [], customdata: [] };
    const marks = { x: [], base: [], customdata: [] }; // the targets', after the bars
    this.plots.forEach((plot, k) => {
      const scale = scaleOf(this.lanes[k].lane, plot.range);
      const zero = scale(0);
      const vs = values[k];
      this.shown[k] = vs;
      plot.rows.forEach((unit, row) => {
        const v = vs ? vs[row] : null;
        const x = v === null ? null : scale(v) - zero;
        const isNegative = plot.kind === BarKind.SIGNED && v < 0;
        const point = [v, unit, ...(customdata[k]?.[row] ?? [])];
        bars.x.push(isNegative ? null : x);
        negative.x.push(isNegative ? x : null);
        for (const slots of [bars, negative]) {
          slots.base.push(zero);
          slots.customdata.push(point);
        }
        if (plot.kind === BarKind.OUTPUT) {
          const t = vs ? targets[row] : null;
          marks.x.push(t === null ? null : TARGET_PX);
          marks.base.push(t === null ? null : scale(t) - TARGET_PX / 2);
          marks.customdata.push([t, unit]);
        }
      });
    });
    for (const [key, list] of Object.entries(marks)) bars[key].push(...list);
    return [bars, negative];
  }

  /** The plots' ranges and the values printed at the bars' ends, as text points in the live
   * figure's pixels. A range under its lane's right end; a value outside its bar where there is
   * room before its lane's edge, else inside it where it is long enough, else beside the zero
   * line on the other side (a short bar's row is empty there), only in rows tall enough and for
   * the first plots from the output layer down (see BAR_TEXT). */
  valueTexts() {
    const points = [];
    this.plots.forEach((plot, k) => {
      const lane = this.lanes[k];
      const range = rangeText(plot.range);
      points.push({
        ...lane.rangeAt,
        text: range,
        position: 'top left',
        size: 10,
        colour: RANGE_TEXT,
      });
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
