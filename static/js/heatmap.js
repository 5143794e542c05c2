// Heatmaps of a layer's weight matrix W and of its last update ΔW = η δ [x;1]ᵀ.
//
// Rows are the layer's units, columns its inputs and the bias. The colour scale is diverging and
// centred at zero; its range only widens (see scale.js), so a colour change is a weight change.
//
// These are drawn on a <canvas>, not with Plotly: a Plotly.restyle of one heatmap re-runs its whole
// plot (about 6 ms bare and 9 to 15 ms with labels on this machine), which cannot keep several
// layers at 30+ frames/s; a canvas redraw of a 64 × 65 matrix takes well under a millisecond.
// Labels are HTML around the canvas; hovering a cell shows its exact numbers.

import { canvasFont, cellsCanvas, fitCanvas } from './canvas.js';
import { fixed, num } from './format.js';
import { DIVERGING_GRADIENT, NOT_FINITE, divergingColour } from './scale.js';
import { hoverCells } from './tooltip.js';

const MIN_CELL_FOR_TEXT = { width: 32, height: 16 }; // CSS pixels, to print the value in a cell

export class MatrixView {
  /**
   * @param {HTMLElement} parent where the figure goes
   * @param {object} options
   * @param {string} options.id the canvas id (tests find the plots by it)
   * @param {string} options.title the caption, e.g. "W² (after the step)"
   * @param {string} options.label the canvas's accessible name
   * @param {string[]} options.colLabels column names (inputs, then "bias")
   * @param {import('./scale.js').WideningRange} options.range the colour range (symmetric)
   * @param {(row: number, col: number) => string[] | null} options.describe tooltip lines
   */
  constructor(parent, { id, title, label, colLabels, range, describe }) {
    this.range = range;
    this.z = null;
    this.rows = 0;
    this.cols = colLabels.length;

    const figure = document.createElement('figure');
    figure.className = 'matrix';
    const caption = document.createElement('figcaption');
    caption.textContent = title;
    this.header = document.createElement('div');
    this.header.className = 'col-labels';
    for (const name of colLabels) {
      const span = document.createElement('span');
      span.textContent = name;
      span.title = name;
      this.header.append(span);
    }
    this.canvas = cellsCanvas(id, label);
    this.ctx = this.canvas.getContext('2d');
    const bar = document.createElement('div');
    bar.className = 'colourbar';
    const gradient = document.createElement('div');
    gradient.className = 'gradient';
    gradient.style.backgroundImage = DIVERGING_GRADIENT;
    this.ticks = document.createElement('div');
    this.ticks.className = 'ticks';
    bar.append(gradient, this.ticks);
    figure.append(caption, this.header, this.canvas, bar);
    parent.append(figure);

    this.shownRange = null;
    this.refreshTooltip = hoverCells(
      this.canvas,
      () => ({ rows: this.rows, cols: this.cols }),
      (row, col) => (this.z ? describe(row, col) : null),
    );
    // labels wrap between words; they turn vertical when a word does not fit its column
    const longestWord = Math.max(
      ...colLabels.flatMap((name) => name.split(/\s+/)).map((w) => w.length),
    );
    fitCanvas(this.canvas, () => {
      const columnWidth = this.canvas.clientWidth / this.cols;
      // about 5.6 CSS pixels a character at the labels' size
      this.header.classList.toggle('vertical', columnWidth < 5.6 * longestWord + 4);
      this.header.classList.toggle('sparse', columnWidth < 10);
      this.paint();
    });
  }

  /** Draws matrix `z` (rows of numbers or nulls), or a blank when `z` is null. */
  draw(z) {
    this.z = z;
    if (z) {
      this.rows = z.length;
      this.range.fit(z);
    }
    this.paint();
    this.refreshTooltip();
  }

  paint() {
    const { ctx, canvas, z } = this;
    const { width, height } = canvas;
    ctx.clearRect(0, 0, width, height);
    this.showTicks();
    if (!z || !z.length) return;
    const rows = z.length;
    const cols = z[0].length;
    const cw = width / cols;
    const ch = height / rows;
    const ratio = window.devicePixelRatio || 1;
    const gap = cw > 6 && ch > 6 ? Math.max(1, Math.round(ratio)) : 0;
    let texts = null;
    if (cw >= MIN_CELL_FOR_TEXT.width * ratio && ch >= MIN_CELL_FOR_TEXT.height * ratio) {
      ctx.textAlign = 'center';
      ctx.textBaseline = 'middle';
      // as many decimals as the colour range needs: 2 for weights up to ±10, more for updates;
      // weights under ±1 (3 decimals) with 2 when 3 do not fit, rather than no numbers at all
      const decimals = Math.max(1, 2 - Math.floor(Math.log10(this.range.hi)));
      // numbers only when every one of them fits its cell, at 12 or else at 10 pixels
      const fits = (candidate, size) => {
        ctx.font = canvasFont(Math.min(size, ch / ratio - 5));
        const widest = Math.max(...candidate.flat().map((t) => ctx.measureText(t).width));
        return widest <= cw - gap - 2 * ratio;
      };
      for (const d of decimals === 3 ? [3, 2] : [decimals]) {
        const candidate = z.map((row) => row.map((v) => fixed(v, d)));
        if (fits(candidate, 12) || fits(candidate, 10)) {
          texts = candidate;
          break;
        }
      }
    }
    const r = this.range.hi;
    for (let i = 0; i < rows; i++) {
      const row = z[i];
      const y0 = Math.round(i * ch);
      const y1 = Math.round((i + 1) * ch) - gap;
      for (let j = 0; j < cols; j++) {
        const v = row[j];
        const colour = v === null ? NOT_FINITE : divergingColour(v, r);
        const x0 = Math.round(j * cw);
        ctx.fillStyle = colour.fill;
        ctx.fillRect(x0, y0, Math.round((j + 1) * cw) - gap - x0, y1 - y0);
        if (texts) {
          ctx.fillStyle = colour.ink;
          ctx.fillText(texts[i][j], x0 + (cw - gap) / 2, y0 + (ch - gap) / 2 + 1);
        }
      }
    }
  }

  showTicks() {
    const { lo, hi } = this.range;
    if (this.shownRange === hi) return;
    this.shownRange = hi;
    this.ticks.replaceChildren(
      ...[lo, 0, hi].map((v) => {
        const span = document.createElement('span');
        span.textContent = num(v, 2);
        return span;
      }),
    );
  }
}
