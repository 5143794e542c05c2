// Every weight matrix W and update ΔW = η δ [x;1]ᵀ of the net, as Plotly heatmaps in one figure.
//
// Rows are a layer's units, columns its inputs and the bias. The colour scale is diverging and
// centred at zero; its range only widens (see scale.js), so a colour change is a weight change.
// A frame is one Plotly.restyle of the traces' z (and their hover data), which redraws everything
// in the figure: so the heatmaps' figure holds nothing else (no ticks, no colour bars, no names),
// and what stays put is a second figure under it, of the same size: the plots' titles, the units'
// and inputs' names (annotations) and the colour bars (of invisible markers), redrawn only when
// a colour range changes. The values are printed in the cells only where they fit. No gaps
// between the cells: with them, Plotly paints every cell at the screen's resolution, not one
// pixel a cell, several times slower.

import { num } from './format.js';
import { LABELS_PX, xDomain, yDomain } from './grid.js';
import { PLOT_CONFIG, liveLayout } from './plotly.js';
import { DIVERGING } from './scale.js';

const CELL_TEXT = { width: 32, height: 16, charPx: 6.4 }; // to print a value in a cell
// Cells with their value printed, at most: every printed value is an SVG text drawn again on every
// frame, several times the cost of the cells' colours; the weights get them first, from the
// output layer down, then the updates.
const CELL_TEXT_BUDGET = 32;
const NAME_SIZE = 10;
const COLOUR_BAR_LEN = 0.84; // of the heatmap's width: room for the end labels between two

/** Decimals that a range of half-width `r` needs: 2 for weights up to ±10, more for updates. */
function decimalsFor(r) {
  return Math.max(1, 2 - Math.floor(Math.log10(r)));
}

export class HeatmapsFigure {
  /**
   * @param {{frame: HTMLElement, cells: HTMLElement}} elements the two figures' divs, the
   *   cells' on top of the frame's (it takes the pointer: hover)
   * @param {object} Plotly
   * @param {object} geometry from grid.js's layout
   * @param {object[]} plots one per heatmap: `band` (index), `column` (0: W, 1: ΔW), `name`,
   *   `title`, `rows` and `cols` (names), `range` (a symmetric WideningRange), `hover(hasTrace)`
   *   (the hovertemplate, with or without the last step's numbers in its customdata)
   */
  constructor({ frame, cells }, Plotly, geometry, plots) {
    this.element = cells;
    this.frame = frame;
    this.Plotly = Plotly;
    this.plots = plots;
    const width = geometry.heatmapsWidth;
    const { height } = geometry;
    this.textFits = [];
    const base = liveLayout(width, height);
    const layout = { ...base };
    const frameLayout = { ...base, hovermode: false, annotations: [] };
    const annotations = frameLayout.annotations;
    const scales = [];
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
      const { columnPx } = band;
      const above = (px) => 1 - (band.plotTop - px) / height;
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
      scales.push({
        type: 'scatter',
        mode: 'markers',
        x: [plot.cols[0]],
        y: [plot.rows[0]],
        opacity: 0,
        hoverinfo: 'skip',
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        marker: { color: [0], colorscale: DIVERGING, showscale: true },
        colorbar: {
          orientation: 'h',
          x: x[0] + bar / 2,
          xanchor: 'left',
          len: x[1] - x[0] - bar,
          y: 1 - (band.plotTop + band.plotHeight + 3) / height,
          yanchor: 'top',
          yref: 'paper',
          thickness: 6,
          outlinewidth: 0,
          tickmode: 'array',
          ticks: '',
          tickfont: { size: 10 },
          xpad: 0,
          ypad: 0,
        },
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
        textfont: { size: Math.min(11, band.rowPx - 5) },
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
    // what each trace has now of the attributes restyled only when they change
    this.attrs = plots.map((plot, k) => ({
      hasTrace: false,
      hovertemplate: plot.hover(false),
      ...this.rangeAttributes(k, plot.range.hi),
    }));
    traces.forEach((trace, k) => {
      const { zmin, zmax, texttemplate, hovertemplate } = this.attrs[k];
      Object.assign(trace, { zmin, zmax, texttemplate, hovertemplate });
      const { marker, colorbar } = scales[k];
      Object.assign(marker, { cmin: zmin, cmax: zmax, colorbar });
      Object.assign(colorbar, {
        tickvals: this.attrs[k].tickvals,
        ticktext: this.attrs[k].ticktext,
      });
      delete scales[k].colorbar;
    });
    Plotly.newPlot(frame, scales, frameLayout, { ...PLOT_CONFIG, staticPlot: true });
    Plotly.newPlot(cells, traces, layout, PLOT_CONFIG);
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

  /** The attributes of plot `k` that follow its colour range `r`. */
  rangeAttributes(k, r) {
    const decimals = decimalsFor(r);
    return {
      r,
      zmin: -r,
      zmax: r,
      tickvals: [-r, 0, r],
      ticktext: [-r, 0, r].map((v) => num(v, 2)),
      texttemplate: this.textFits[k]?.(decimals) ? `%{z:.${decimals}f}` : '',
    };
  }

  /**
   * Shows a new frame in one restyle: `zs[k]` and `customdata[k]` of plot `k` (null: no step
   * yet, an empty plot); the attributes that follow the colour ranges (the plots' WideningRanges,
   * fitted by the caller) and the hover text only when they change, the colour bars then too.
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
    if (rangeChanged) {
      Object.assign(update, {
        zmin: all('zmin'),
        zmax: all('zmax'),
        texttemplate: all('texttemplate'),
      });
      this.Plotly.restyle(this.frame, {
        'marker.cmin': all('zmin'),
        'marker.cmax': all('zmax'),
        'marker.colorbar.tickvals': all('tickvals'),
        'marker.colorbar.ticktext': all('ticktext'),
      });
    }
    this.Plotly.restyle(this.element, update);
  }
}
