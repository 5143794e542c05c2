// Every weight matrix W and update ΔW = η δ [x;1]ᵀ of the net, as Plotly heatmaps in one figure.
//
// Rows are a layer's units, columns its inputs and the bias. The colour scale is diverging and
// centred at zero; its range only widens (see scale.js), so a colour change is a weight change.
// A frame is one Plotly.restyle of the traces' z (and their hover data); the layout is built once
// per net. The axes have no ticks: the units' and inputs' names are annotations (Plotly's tick
// labels on every small plot would halve the redraw rate), and the values are printed in the
// cells only where they fit.

import { num } from './format.js';
import { LABELS_PX, xDomain, yDomain } from './grid.js';
import { PLOT_CONFIG, PLOT_FONT } from './plotly.js';
import { DIVERGING } from './scale.js';

const CELL_TEXT = { width: 32, height: 16, charPx: 6.4 }; // to print a value in a cell
const NAME_SIZE = 10;

/** Decimals that a range of half-width `r` needs: 2 for weights up to ±10, more for updates. */
function decimalsFor(r) {
  return Math.max(1, 2 - Math.floor(Math.log10(r)));
}

export class HeatmapsFigure {
  /**
   * @param {HTMLElement} element the figure's div
   * @param {object} Plotly
   * @param {object} geometry from grid.js's layout
   * @param {object[]} plots one per heatmap: `band` (index), `column` (0: W, 1: ΔW), `title`,
   *   `rows` and `cols` (names), `range` (a symmetric WideningRange), `hover(hasTrace)` (the
   *   hovertemplate, with or without the last step's numbers in its customdata)
   */
  constructor(element, Plotly, geometry, plots) {
    this.element = element;
    this.Plotly = Plotly;
    this.plots = plots;
    const width = geometry.heatmapsWidth;
    const { height } = geometry;
    this.textFits = [];
    const layout = {
      width,
      height,
      font: PLOT_FONT,
      margin: { l: 0, r: 0, t: 0, b: 0 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: 'rgba(0,0,0,0)',
      showlegend: false,
      hovermode: 'closest',
      dragmode: false,
      annotations: [],
    };
    const traces = plots.map((plot, k) => {
      const band = geometry.bands[plot.band];
      const [left, right] = geometry.heatmapX[plot.column];
      const axis = k ? String(k + 1) : '';
      const x = xDomain([left, right], width);
      const y = yDomain(band, height);
      const hidden = { showticklabels: false, ticks: '', showgrid: false, zeroline: false };
      layout[`xaxis${axis}`] = {
        ...hidden,
        domain: x,
        anchor: `y${axis}`,
        type: 'category',
        range: [-0.5, plot.cols.length - 0.5],
        fixedrange: true,
      };
      layout[`yaxis${axis}`] = {
        ...hidden,
        domain: y,
        anchor: `x${axis}`,
        type: 'category',
        range: [plot.rows.length - 0.5, -0.5], // first unit on top
        fixedrange: true,
      };
      const { columnPx } = band;
      const above = (px) => 1 - (band.plotTop - px) / height;
      layout.annotations.push({
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
        layout.annotations.push({
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
          layout.annotations.push({
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
          : () => false;
      return {
        type: 'heatmap',
        name: plot.name,
        x: plot.cols,
        y: plot.rows,
        z: [],
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        colorscale: DIVERGING,
        xgap: band.rowPx > 6 && columnPx > 6 ? 1 : 0,
        ygap: band.rowPx > 6 && columnPx > 6 ? 1 : 0,
        hoverongaps: false,
        textfont: { size: Math.min(11, band.rowPx - 5) },
        colorbar: {
          orientation: 'h',
          x: x[0],
          xanchor: 'left',
          len: x[1] - x[0],
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
      };
    });
    // what each trace has now of the attributes restyled only when they change
    this.attrs = plots.map((plot, k) => ({
      hasTrace: false,
      hovertemplate: plot.hover(false),
      ...this.rangeAttributes(k, plot.range.hi),
    }));
    traces.forEach((trace, k) => {
      const { zmin, zmax, texttemplate, hovertemplate } = this.attrs[k];
      Object.assign(trace, { zmin, zmax, texttemplate, hovertemplate });
      trace.colorbar.tickvals = this.attrs[k]['colorbar.tickvals'];
      trace.colorbar.ticktext = this.attrs[k]['colorbar.ticktext'];
    });
    this.ready = this.Plotly.newPlot(element, traces, layout, PLOT_CONFIG);
  }

  /** The attributes of plot `k` that follow its colour range `r`. */
  rangeAttributes(k, r) {
    const decimals = decimalsFor(r);
    return {
      r,
      zmin: -r,
      zmax: r,
      'colorbar.tickvals': [-r, 0, r],
      'colorbar.ticktext': [-r, 0, r].map((v) => num(v, 2)),
      texttemplate: this.textFits[k](decimals) ? `%{z:.${decimals}f}` : '',
    };
  }

  /**
   * Shows a new frame in one restyle: `zs[k]` and `customdata[k]` of plot `k` (null: no step
   * yet, an empty plot); the attributes that follow the colour ranges (the plots' WideningRanges,
   * fitted by the caller) and the hover text only when they change.
   */
  draw(zs, customdata) {
    const update = { z: zs.map((z) => z ?? []), customdata: customdata.map((c) => c ?? []) };
    const changed = new Set();
    this.plots.forEach((plot, k) => {
      const attrs = this.attrs[k];
      const hasTrace = customdata[k] !== null;
      if (hasTrace !== attrs.hasTrace) {
        attrs.hasTrace = hasTrace;
        attrs.hovertemplate = plot.hover(hasTrace);
        changed.add('hovertemplate');
      }
      if (plot.range.hi !== attrs.r) {
        const ranged = this.rangeAttributes(k, plot.range.hi);
        Object.assign(attrs, ranged);
        for (const key of Object.keys(ranged)) if (key !== 'r') changed.add(key);
      }
    });
    // one list per attribute, an entry per trace (restyle's form for different values)
    for (const key of changed) update[key] = this.attrs.map((attrs) => attrs[key]);
    this.Plotly.restyle(this.element, update);
  }
}


