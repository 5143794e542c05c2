// Bar charts of a layer's vectors, one bar per unit, in the rows of the layer's weight heatmap:
// output against target, the error e = t − y (or, in a hidden layer, the error sent back
// Wᵀδ_next), the slope f'(net), and delta, their product. Side by side they show delta as the
// error scaled unit by unit by the slope of the activation.
//
// Drawn on a <canvas> for the same reason as the heatmaps (see heatmap.js).

import { canvasFont, cellsCanvas, fitCanvas } from './canvas.js';
import { num } from './format.js';
import { hoverCells } from './tooltip.js';

const POSITIVE = '#2166ac';
const NEGATIVE = '#b2182b';
const SLOPE = '#5a7d3a';
const OUTPUT = '#8c6bb1';
const TARGET = '#1f2328';
const AXIS = '#8c959f';
const TEXT = '#1f2328';
const MIN_ROW_FOR_TEXT = 14; // CSS pixels, to print the value next to its bar

/** How the bars of a view are coloured: by sign, as a slope, or as outputs against targets. */
export const BarKind = Object.freeze({ SIGNED: 'signed', SLOPE: 'slope', OUTPUT: 'output' });

export class BarsView {
  /**
   * @param {HTMLElement} parent
   * @param {object} options
   * @param {string} options.id the canvas id
   * @param {string} options.title caption, e.g. "δ = e ∘ f'(net)"
   * @param {string} options.label the canvas's accessible name
   * @param {string} options.kind one of BarKind
   * @param {import('./scale.js').WideningRange} options.range the value axis
   * @param {(row: number) => string[] | null} options.describe tooltip lines
   */
  constructor(parent, { id, title, label, kind, range, describe }) {
    this.kind = kind;
    this.range = range;
    this.values = null;
    this.marks = null;
    const figure = document.createElement('figure');
    figure.className = 'bars';
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    caption.title = title;
    const header = document.createElement('div');
    header.className = 'col-labels';
    this.canvas = cellsCanvas(id, label);
    this.ctx = this.canvas.getContext('2d');
    this.ticks = document.createElement('div');
    this.ticks.className = 'ticks axis';
    figure.append(caption, header, this.canvas, this.ticks);
    parent.append(figure);
    this.shownRange = null;
    this.refreshTooltip = hoverCells(
      this.canvas,
      () => ({ rows: this.values ? this.values.length : 0, cols: 1 }),
      (row) => (this.values ? describe(row) : null),
    );
    fitCanvas(this.canvas, () => this.paint());
  }

  /** Draws `values` (one per unit, numbers or nulls) and, for outputs, the `marks` (targets). */
  draw(values, marks = null) {
    this.values = values;
    this.marks = marks;
    if (values) {
      this.range.fit(values);
      if (marks) this.range.fit(marks);
    }
    this.paint();
    this.refreshTooltip();
  }

  paint() {
    const { ctx, canvas, values, range } = this;
    const { width, height } = canvas;
    const ratio = window.devicePixelRatio || 1;
    ctx.clearRect(0, 0, width, height);
    this.showTicks();
    const x = (v) => range.fraction(v) * (width - 2 * ratio) + ratio;
    const zero = Math.round(x(0));
    ctx.fillStyle = AXIS;
    ctx.fillRect(zero - Math.floor(ratio / 2), 0, Math.max(1, Math.round(ratio)), height);
    if (!values || !values.length) return;
    const rows = values.length;
    const ch = height / rows;
    const pad = Math.min(ch * 0.18, 4 * ratio);
    const withText = ch >= MIN_ROW_FOR_TEXT * ratio;
    if (withText) {
      ctx.font = canvasFont(Math.min(11, ch / ratio - 4));
      ctx.textBaseline = 'middle';
    }
    for (let i = 0; i < rows; i++) {
      const v = values[i];
      const y0 = i * ch + pad;
      const h = ch - 2 * pad;
      if (v === null) {
        ctx.fillStyle = TEXT;
        if (withText) {
          ctx.textAlign = 'left';
          ctx.fillText('NaN', zero + 3 * ratio, y0 + h / 2);
        }
        continue;
      }
      const end = x(v);
      ctx.fillStyle = this.colour(v);
      ctx.fillRect(Math.min(zero, end), y0, Math.max(Math.abs(end - zero), ratio), h);
      const mark = this.marks ? this.marks[i] : null;
      if (mark !== null && mark !== undefined) {
        ctx.fillStyle = TARGET;
        const m = Math.round(x(mark));
        ctx.fillRect(m - ratio, i * ch + pad / 2, 2 * ratio, ch - pad);
      }
      if (withText) this.label(v, end, zero, y0 + h / 2 + ratio);
    }
  }

  /** Prints `v` beside its bar where it fits: across the zero line (signed bars), past the
   * bar's end, or inside the bar; nowhere when it fits nowhere (the tooltip has it). */
  label(v, end, zero, y) {
    const { ctx, canvas } = this;
    const ratio = window.devicePixelRatio || 1;
    const text = num(v, 2);
    const width = ctx.measureText(text).width;
    const gap = 3 * ratio;
    const right = end >= zero; // the bar grows to the right
    const places = [
      // [x where the text starts, colour]
      [right ? end + gap : end - gap - width, TEXT],
      [right ? end - gap - width : end + gap, '#ffffff'],
    ];
    if (this.kind === BarKind.SIGNED)
      places.unshift([right ? zero - gap - width : zero + gap, TEXT]);
    const barLeft = Math.min(zero, end);
    const barRight = Math.max(zero, end);
    for (const [x, colour] of places) {
      const inside = colour === '#ffffff';
      const fits = inside
        ? x >= barLeft && x + width <= barRight
        : x >= 0 && x + width <= canvas.width && (x + width <= barLeft || x >= barRight);
      if (fits) {
        ctx.fillStyle = colour;
        ctx.textAlign = 'left';
        ctx.fillText(text, x, y);
        return;
      }
    }
  }

  colour(v) {
    if (this.kind === BarKind.SLOPE) return SLOPE;
    if (this.kind === BarKind.OUTPUT) return OUTPUT;
    return v >= 0 ? POSITIVE : NEGATIVE;
  }

  showTicks() {
    const { lo, hi } = this.range;
    const key = `${lo}:${hi}`;
    if (this.shownRange === key) return;
    this.shownRange = key;
    const tick = (text, place) => {
      const span = document.createElement('span');
      span.textContent = text;
      span.className = place;
      return span;
    };
    // a symmetric axis (zero in the middle, where the line is): just ±r, at the end
    this.ticks.replaceChildren(
      ...(lo === -hi
        ? [tick(`\u00b1${num(hi, 2)}`, 'end')]
        : [tick(num(lo, 2), 'start'), tick(num(hi, 2), 'end')]),
    );
  }
}
