// Every weight matrix W and update ΔW = η δ [x;1]ᵀ of the net, as Plotly heatmaps: this part of the
// live figure (live_figure.js) makes their traces and what stays put in the frame under it.
//
// Rows are a layer's units, columns its inputs and the bias. The colour scale is diverging and
// centred at zero; its range only widens (see scale.js), so a colour change is a weight change.
// Each heatmap is one trace on the live figure's pair of pixel axes, placed by x0/dx, y0/dy as
// grid.js lays it out, with nothing else of its own there (no ticks, no colour bar, no name, no
// cell text): the plots' titles, the units' and inputs' names (annotations, relaid out only when
// they change) and the colour bars (of invisible markers, on a fixed range) are in the frame. The
// values printed in the cells where they fit and the colour bars' end values are in the values'
// figure (values.js), drawn on a slower beat: a heatmap's own cell text is measured again on every
// redraw, the most costly part of it. A cell's hover label names its unit and input from
// the trace's `text`, never drawn. No gaps between the cells: with them, Plotly paints every cell
// at the screen's resolution, not one pixel a cell, several times slower.

import { fixed, num } from './format.js';
import { LABELS_PX } from './grid.js';
import { DIVERGING } from './scale.js';

const CELL_TEXT = { width: 32, height: 16, charPx: 6.4 }; // to print a value in a cell
// Cells with their value printed, at most: every printed value is an SVG text drawn again with
// the values; the weights get them first, from the output layer down, then the updates.
const CELL_TEXT_BUDGET = 32;
const NAME_SIZE = 10;
const COLOUR_BAR_LEN = 0.84; // of the heatmap's width: room for the end labels between two
const COLOUR_BAR_PX = 6; // its thickness
const DARK_CELL = 0.55; // of the colour range's half-width: white text beyond, dark within
const TEXT_COLOURS = { dark: '#1f2328', light: '#ffffff' };

/** Decimals that a range of half-width `r` needs: 2 for weights up to ±10, more for updates. */
function decimalsFor(r) {
  return Math.max(1, 2 - Math.floor(Math.log10(r)));
}

export class HeatmapPlots {
  /**
   * @param {object} geometry from grid.js's layout
   * @param {object[]} plots one per heatmap: `band` (index), `column` (0: W, 1: ΔW), `name`,
   *   `title` (and `heldTitle`, while a step's update is held back), `rows` and `cols` (names),
   *   `range` (a symmetric WideningRange), `hover(hasTrace)` (the hovertemplate, with or
   *   without the last step's numbers in its customdata; `%{text}` names the cell)
   * @param {{annotations: object[], traces: object[]}} frame the frame's layout, which this
   *   part adds its titles, names and colour bars to
   */
  constructor(geometry, plots, frame) {
    this.plots = plots;
    const { width, height } = geometry; // the frame's, where the colour bars are
    this.textFits = [];
    this.titles = []; // per plot: its title's annotation in the frame
    this.boxes = []; // per plot: its cells' left, top, column and row px
    this.held = false; // whether the titles say the step's update is held back
    const { annotations } = frame;
    this.traces = plots.map((plot, k) => {
      const band = geometry.bands[plot.band];
      const [left, right] = geometry.heatmapX[plot.column];
      const { columnPx, rowPx } = band;
      const box = { left, top: band.plotTop, columnPx, rowPx, band };
      this.boxes[k] = box;
      const above = band.plotTop; // px: the plot's top edge
      this.titles[k] = annotations.length;
      annotations.push({
        text: plot.title,
        x: left,
        y: above - band.names.height - 4,
        xanchor: 'left',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 12, weight: 600 },
      });
      const { texts, angle } = band.names;
      texts?.forEach((text, col) =>
        annotations.push({
          text,
          x: left + (col + 0.5) * columnPx,
          y: above - 2,
          yanchor: 'bottom',
          textangle: angle,
          showarrow: false,
          font: { size: NAME_SIZE, color: '#57606a' },
        }),
      );
      if (plot.column === 0 && rowPx >= NAME_SIZE) {
        plot.rows.forEach((name, row) =>
          annotations.push({
            text: name,
            x: LABELS_PX - 6,
            y: above + (row + 0.5) * rowPx,
            xanchor: 'right',
            showarrow: false,
            font: { size: 11 },
          }),
        );
      }
      this.textFits[k] =
        columnPx >= CELL_TEXT.width && rowPx >= CELL_TEXT.height
          ? (decimals) => columnPx >= (decimals + 3) * CELL_TEXT.charPx
          : null;
      const bar = (1 - COLOUR_BAR_LEN) * (right - left);
      frame.traces.push({
        type: 'scatter',
        mode: 'markers',
        x: [left],
        y: [above],
        opacity: 0,
        hoverinfo: 'skip',
        // the scale on a fixed range: a range that widens changes only the end values' text
        marker: {
          color: [0],
          colorscale: DIVERGING,
          cmin: -1,
          cmax: 1,
          showscale: true,
          colorbar: {
            orientation: 'h',
            x: (left + bar / 2) / width,
            xanchor: 'left',
            len: (right - left - bar) / width,
            y: 1 - (above + band.plotHeight + 3) / height,
            yanchor: 'top',
            yref: 'paper',
            thickness: COLOUR_BAR_PX,
            outlinewidth: 0,
            showticklabels: false,
            ticks: '',
            xpad: 0,
            ypad: 0,
          },
        },
      });
      return {
        type: 'heatmap',
        name: plot.name,
        x0: left + columnPx / 2,
        dx: columnPx,
        y0: above + rowPx / 2,
        dy: rowPx,
        z: [],
        text: plot.rows.map((row) => plot.cols.map((col) => `${row} \u2190 ${col}`)),
        colorscale: DIVERGING,
        showscale: false,
        hoverongaps: false,
      };
    });
    let budget = CELL_TEXT_BUDGET;
    for (const column of [0, 1]) {
      plots.forEach((plot, k) => {
        if (plot.column !== column || !this.textFits[k]) return;
        const cells = plot.rows.length * plot.cols.length;
        if (cells > budget) this.textFits[k] = null;
        else budget -= cells;
      });
    }
    // what each trace has now of the attributes sent only when they change
    this.attrs = plots.map((plot, k) => ({
      hasTrace: false,
      hovertemplate: plot.hover(false),
      ...this.rangeAttributes(k, plot.range.hi),
    }));
    this.traces.forEach((trace, k) => {
      const { zmin, zmax, hovertemplate } = this.attrs[k];
      Object.assign(trace, { zmin, zmax, hovertemplate });
    });
    this.shown = plots.map(() => null); // per plot: the matrix drawn last
  }

  /**
   * The shapes outlining blocks of cells, each `{name, rows: [first, last], cols: [first, last],
   * color}` (indices) in the heatmap `name`.
   */
  outlines(boxes) {
    return boxes.map(({ name, rows, cols, color }) => {
      const { left, top, columnPx, rowPx } =
        this.boxes[this.plots.findIndex((p) => p.name === name)];
      return {
        type: 'rect',
        x0: left + cols[0] * columnPx,
        x1: left + (cols[1] + 1) * columnPx,
        y0: top + rows[0] * rowPx,
        y1: top + (rows[1] + 1) * rowPx,
        line: { color, width: 2.5 },
        fillcolor: 'rgba(0,0,0,0)',
      };
    });
  }

  /** The frame's relayout that titles the plots for a step whose update is held back (`held`),
   * or shown; empty when the titles say so already. */
  heldTitles(held) {
    const titles = {};
    if (held === this.held) return titles;
    this.held = held;
    this.plots.forEach((plot, k) => {
      if (plot.heldTitle) {
        titles[`annotations[${this.titles[k]}].text`] = held ? plot.heldTitle : plot.title;
      }
    });
    return titles;
  }

  /** The attributes of plot `k` that follow its colour range `r`. */
  rangeAttributes(k, r) {
    const decimals = decimalsFor(r);
    return {
      r,
      zmin: -r,
      zmax: r,
      ends: [num(-r, 2), num(r, 2)],
      decimals: this.textFits[k]?.(decimals) ? decimals : null,
    };
  }

  /**
   * This part's data for a new frame, an object per trace: `zs[k]` and `customdata[k]` of plot
   * `k` (null: no step yet, an empty plot); the attributes that follow its colour range (its
   * WideningRange, fitted by the caller) and its hover text only when they change.
   */
  frameData(zs, customdata) {
    this.shown = zs;
    return this.plots.map((plot, k) => {
      const attrs = this.attrs[k];
      const data = { z: zs[k] ?? [], customdata: customdata[k] ?? [] };
      const hasTrace = customdata[k] !== null;
      if (hasTrace !== attrs.hasTrace) {
        attrs.hasTrace = hasTrace;
        attrs.hovertemplate = plot.hover(hasTrace);
        data.hovertemplate = attrs.hovertemplate;
      }
      if (plot.range.hi !== attrs.r) {
        Object.assign(attrs, this.rangeAttributes(k, plot.range.hi));
        Object.assign(data, { zmin: attrs.zmin, zmax: attrs.zmax });
      }
      return data;
    });
  }

  /** The values printed in the cells of the plots where they fit (coloured to read on theirs)
   * and the colour bars' end values, as text points in this figure's pixels. */
  valueTexts() {
    const points = [];
    this.attrs.forEach(({ decimals, r, ends }, k) => {
      const { left, top, columnPx, rowPx, band } = this.boxes[k];
      const z = this.shown[k];
      if (z && decimals !== null) {
        const size = Math.min(11, rowPx - 5);
        z.forEach((row, i) =>
          row.forEach((v, j) =>
            points.push({
              x: left + (j + 0.5) * columnPx,
              y: top + (i + 0.5) * rowPx,
              text: fixed(v, decimals),
              position: 'middle center',
              colour: Math.abs(v) > DARK_CELL * r ? TEXT_COLOURS.light : TEXT_COLOURS.dark,
              size,
            }),
          ),
        );
      }
      // under the colour bar's ends
      const right = left + this.plots[k].cols.length * columnPx;
      const inset = ((1 - COLOUR_BAR_LEN) / 2) * (right - left);
      const under = top + band.plotHeight + 3 + COLOUR_BAR_PX + 1;
      [left + inset, right - inset].forEach((x, end) =>
        points.push({
          x,
          y: under,
          text: ends[end],
          position: 'bottom center',
          colour: TEXT_COLOURS.dark,
          size: NAME_SIZE,
        }),
      );
    });
    return points;
  }
}
