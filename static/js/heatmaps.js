// Every weight matrix W and update ΔW = η δ [x;1]ᵀ of the net, as Plotly heatmaps in one figure.
//
// Rows are a layer's units, columns its inputs and the bias. The colour scale is diverging and
// centred at zero; its range only widens (see scale.js), so a colour change is a weight change.
// A frame is one Plotly.restyle of the traces' z (and their hover data), which redraws everything
// in the figure: so the heatmaps' figure holds nothing else (no ticks, no colour bars, no names,
// no cell text). What stays put is a second figure under it, of the same size: the plots' titles,
// the units' and inputs' names and the colour bars' end values (annotations, relaid out one by
// one when a range changes) and the colour bars themselves (of invisible markers, on a fixed
// range). The values printed in the cells, where they fit, and the colour bars' end values are a
// third figure over the cells, of text points moved by Plotly.animate (a heatmap's own cell text
// is measured again on every restyle, the most costly part of its redraw, and a relayout of an
// annotation redraws all of them); it lets the pointer through, and fades while a hover label is
// up, which it would cover. No gaps between the cells:
// with them, Plotly paints every cell at the screen's resolution, not one pixel a cell, several
// times slower.

import { fixed, num } from './format.js';
import { LABELS_PX, xDomain, yDomain } from './grid.js';
import { NO_TRANSITION, PLOT_CONFIG, liveLayout } from './plotly.js';
import { DIVERGING } from './scale.js';

const CELL_TEXT = { width: 32, height: 16, charPx: 6.4 }; // to print a value in a cell
// Cells with their value printed, at most: every printed value is an SVG text moved on every
// frame; the weights get them first, from the output layer down, then the updates.
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

export class HeatmapsFigure {
  /**
   * @param {{frame: HTMLElement, cells: HTMLElement, values: HTMLElement}} elements the three
   *   figures' divs, bottom to top: the frame, the cells (they take the pointer: hover), the
   *   values printed in the cells
   * @param {object} Plotly
   * @param {object} geometry from grid.js's layout
   * @param {object[]} plots one per heatmap: `band` (index), `column` (0: W, 1: ΔW), `name`,
   *   `title` (and `heldTitle`, while a step's update is held back), `rows` and `cols` (names), `range` (a symmetric WideningRange), `hover(hasTrace)`
   *   (the hovertemplate, with or without the last step's numbers in its customdata)
   */
  constructor({ frame, cells, values }, Plotly, geometry, plots) {
    this.element = cells;
    this.frame = frame;
    this.values = values;
    this.Plotly = Plotly;
    this.plots = plots;
    const width = geometry.heatmapsWidth;
    const { height } = geometry;
    this.textFits = [];
    this.titles = []; // per plot: its title's annotation in the frame
    this.held = false; // whether the titles say the step's update is held back
    const base = liveLayout(width, height);
    const layout = { ...base };
    const frameLayout = { ...base, hovermode: false, annotations: [] };
    const valuesLayout = { ...base, hovermode: false };
    const annotations = frameLayout.annotations;
    const scales = [];
    const printed = []; // the text points, a trace per plot: its cells where they fit, then the
    // colour bar's two end values
    const ends = [];
    const traces = plots.map((plot, k) => {
      const band = geometry.bands[plot.band];
      const [left, right] = geometry.heatmapX[plot.column];
      const axis = k ? String(k + 1) : '';
      const x = xDomain([left, right], width);
      const y = yDomain(band, height);
      const hidden = { showticklabels: false, ticks: '', showgrid: false, zeroline: false };
      layout[`xaxis${axis}`] = frameLayout[`xaxis${axis}`] = {
        ...hidden,
        domain: x,
        anchor: `y${axis}`,
        type: 'category',
        range: [-0.5, plot.cols.length - 0.5],
        fixedrange: true,
      };
      layout[`yaxis${axis}`] = frameLayout[`yaxis${axis}`] = {
        ...hidden,
        domain: y,
        anchor: `x${axis}`,
        type: 'category',
        range: [plot.rows.length - 0.5, -0.5], // first unit on top
        fixedrange: true,
      };
      // the values' figure places its text by cell index (and below the cells: the colour bar's)
      valuesLayout[`xaxis${axis}`] = { ...layout[`xaxis${axis}`], type: 'linear' };
      // (its y axis reaches down to the colour bar: Plotly hides unclipped text points beyond
      // an axis's range)
      const reach = 3 + COLOUR_BAR_PX + 2; // px below the cells: to the end values' tops
      valuesLayout[`yaxis${axis}`] = {
        ...layout[`yaxis${axis}`],
        type: 'linear',
        domain: [y[0] - reach / height, y[1]],
        range: [plot.rows.length - 0.5 + reach / band.rowPx, -0.5],
      };
      const { columnPx } = band;
      const above = (px) => 1 - (band.plotTop - px) / height;
      this.titles[k] = annotations.length;
      annotations.push({
        text: plot.title,
        xref: 'paper',
        yref: 'paper',
        x: x[0],
        y: above(band.names.height + 4),
        xanchor: 'left',
        yanchor: 'bottom',
        showarrow: false,
        font: { size: 12, weight: 600 },
      });
      const { texts, angle } = band.names;
      texts?.forEach((text, col) =>
        annotations.push({
          text,
          xref: `x${axis}`,
          yref: 'paper',
          x: col,
          y: above(2),
          yanchor: 'bottom',
          textangle: angle,
          showarrow: false,
          font: { size: NAME_SIZE, color: '#57606a' },
        }),
      );
      if (plot.column === 0 && band.rowPx >= NAME_SIZE) {
        plot.rows.forEach((name, row) =>
          annotations.push({
            text: name,
            xref: 'paper',
            yref: `y${axis}`,
            x: (LABELS_PX - 6) / width,
            y: row,
            xanchor: 'right',
            showarrow: false,
            font: { size: 11 },
          }),
        );
      }
      this.textFits[k] =
        columnPx >= CELL_TEXT.width && band.rowPx >= CELL_TEXT.height
          ? (decimals) => columnPx >= (decimals + 3) * CELL_TEXT.charPx
          : null;
      const bar = (1 - COLOUR_BAR_LEN) * (x[1] - x[0]);
      const barY = 1 - (band.plotTop + band.plotHeight + 3) / height;
      scales.push({
        type: 'scatter',
        mode: 'markers',
        x: [plot.cols[0]],
        y: [plot.rows[0]],
        opacity: 0,
        hoverinfo: 'skip',
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        // the scale on a fixed range: a range that widens changes only the end values' text
        marker: {
          color: [0],
          colorscale: DIVERGING,
          cmin: -1,
          cmax: 1,
          showscale: true,
          colorbar: {
            orientation: 'h',
            x: x[0] + bar / 2,
            xanchor: 'left',
            len: x[1] - x[0] - bar,
            y: barY,
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
      printed.push({
        type: 'scatter',
        mode: 'text',
        name: plot.name,
        x: [],
        y: [],
        text: [],
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        hoverinfo: 'skip',
        cliponaxis: false,
        textfont: { size: Math.min(11, band.rowPx - 5), color: [] },
      });
      // the colour bar's end values, under its ends
      const cols = plot.cols.length;
      const barEnd = (COLOUR_BAR_LEN + (1 - COLOUR_BAR_LEN) / 2) * cols - 0.5;
      const under = plot.rows.length - 0.5 + (3 + COLOUR_BAR_PX + 1) / band.rowPx;
      ends.push({
        x: [cols - 1 - barEnd, barEnd],
        y: [under, under],
        textposition: ['bottom center', 'bottom center'],
      });
      return {
        type: 'heatmap',
        name: plot.name,
        x: plot.cols,
        y: plot.rows,
        z: [],
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
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
    // the cells whose value is printed: every cell of a plot whose values fit, else none
    const valueTraces = printed.map((trace, k) => {
      const { rows, cols } = plots[k];
      const cells = this.textFits[k]
        ? rows.flatMap((_, row) => cols.map((__, col) => [row, col]))
        : [];
      return {
        ...trace,
        x: [...cells.map(([, col]) => col), ...ends[k].x],
        y: [...cells.map(([row]) => row), ...ends[k].y],
        textposition: [...cells.map(() => 'middle center'), ...ends[k].textposition],
      };
    });
    this.cellCount = valueTraces.map((trace) => trace.x.length - 2);
    // what each trace has now of the attributes restyled only when they change
    this.attrs = plots.map((plot, k) => ({
      hasTrace: false,
      hovertemplate: plot.hover(false),
      ...this.rangeAttributes(k, plot.range.hi),
    }));
    traces.forEach((trace, k) => {
      const { zmin, zmax, hovertemplate } = this.attrs[k];
      Object.assign(trace, { zmin, zmax, hovertemplate });
    });
    Plotly.newPlot(frame, scales, frameLayout, { ...PLOT_CONFIG, staticPlot: true });
    Plotly.newPlot(cells, traces, layout, PLOT_CONFIG);
    Plotly.newPlot(values, valueTraces, valuesLayout, { ...PLOT_CONFIG, staticPlot: true });
    this.drawValues(plots.map(() => null));
    // a hover label is drawn in the cells' figure, under the values: they fade while it is up
    cells.on('plotly_hover', () => values.classList.add('faded'));
    cells.on('plotly_unhover', () => values.classList.remove('faded'));
  }

  /**
   * Outlines blocks of cells, each `{name, rows: [first, last], cols: [first, last], color}`
   * (indices) in the heatmap `name`; an empty list takes every outline away.
   */
  outline(boxes) {
    const shapes = boxes.map(({ name, rows, cols, color }) => {
      const k = this.plots.findIndex((plot) => plot.name === name);
      const axis = k ? String(k + 1) : '';
      return {
        type: 'rect',
        xref: `x${axis}`,
        yref: `y${axis}`,
        x0: cols[0] - 0.5,
        x1: cols[1] + 0.5,
        y0: rows[0] - 0.5,
        y1: rows[1] + 0.5,
        line: { color, width: 2.5 },
        fillcolor: 'rgba(0,0,0,0)',
      };
    });
    this.Plotly.relayout(this.element, { shapes });
  }

  /** Calls `onPick(name, row, col)` when a cell is clicked. */
  onClick(onPick) {
    this.element.on('plotly_click', (event) => {
      const point = event.points.find((p) => p.data.type === 'heatmap');
      if (point) onPick(point.data.name, point.pointNumber[0], point.pointNumber[1]);
    });
  }

  /** Titles the plots for a step whose update is held back (`held`), or shown. */
  showHeld(held) {
    if (held === this.held) return;
    this.held = held;
    const titles = {};
    this.plots.forEach((plot, k) => {
      if (plot.heldTitle) {
        titles[`annotations[${this.titles[k]}].text`] = held ? plot.heldTitle : plot.title;
      }
    });
    this.Plotly.relayout(this.frame, titles);
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
   * Shows a new frame in one restyle: `zs[k]` and `customdata[k]` of plot `k` (null: no step
   * yet, an empty plot); the attributes that follow the colour ranges (the plots' WideningRanges,
   * fitted by the caller) and the hover text only when they change; the values in the cells
   * where they fit and the colour bars' end values.
   */
  draw(zs, customdata) {
    const update = { z: zs.map((z) => z ?? []), customdata: customdata.map((c) => c ?? []) };
    let hoverChanged = false;
    let rangeChanged = false;
    this.plots.forEach((plot, k) => {
      const attrs = this.attrs[k];
      const hasTrace = customdata[k] !== null;
      if (hasTrace !== attrs.hasTrace) {
        attrs.hasTrace = hasTrace;
        attrs.hovertemplate = plot.hover(hasTrace);
        hoverChanged = true;
      }
      if (plot.range.hi !== attrs.r) {
        Object.assign(attrs, this.rangeAttributes(k, plot.range.hi));
        rangeChanged = true;
      }
    });
    // one list per attribute, an entry per trace (restyle's form for different values)
    const all = (key) => this.attrs.map((attrs) => attrs[key]);
    if (hoverChanged) update.hovertemplate = all('hovertemplate');
    if (rangeChanged) Object.assign(update, { zmin: all('zmin'), zmax: all('zmax') });
    this.Plotly.restyle(this.element, update);
    this.drawValues(zs);
  }

  /** The values printed in the cells of the plots where they fit (coloured to read on theirs),
   * and the colour bars' end values. */
  drawValues(zs) {
    const data = this.attrs.map(({ decimals, r, ends }, k) => {
      const cells = this.cellCount[k] && zs[k] && decimals !== null ? zs[k].flat() : [];
      const blank = this.cellCount[k] - cells.length;
      const colour = (v) => (Math.abs(v) > DARK_CELL * r ? TEXT_COLOURS.light : TEXT_COLOURS.dark);
      return {
        text: [...cells.map((v) => fixed(v, decimals)), ...Array(blank).fill(''), ...ends],
        textfont: {
          color: [...cells.map(colour), ...Array(blank + 2).fill(TEXT_COLOURS.dark)],
        },
      };
    });
    this.Plotly.animate(this.values, { data, traces: data.map((_, k) => k) }, NO_TRANSITION);
  }
}
