// Every layer's vectors as Plotly bar charts in one figure, one bar per unit, in the rows of the
// layer's heatmaps: the output against the target, the error e = t − y (in a hidden layer, the
// error sent back Wᵀδ_next), the slope f'(net), and delta, their product. Side by side they show
// delta as the error scaled unit by unit by the slope of the activation.
//
// A frame is one Plotly.animate without transition and without redraw: the bars move, nothing
// else is drawn again (nor styled: a bar keeps the colour it was made with, so positive and
// negative values are two traces, each null where the other has its bar). The values are printed
// at the bars' ends (a trace of text points a plot, moved with the bars: a bar's own text is not
// moved by an animate), outside a bar or, near the range's end, inside it, in rows tall enough
// and only for the first BAR_TEXT.budget bars from the output layer down. The value axes are fixed ranges that only widen
// (see scale.js), changed by a relayout, rarely. No ticks: each axis's range is printed under it,
// and the titles above, in a figure of their own under the bars' (as the heatmaps' names and
// colour bars, see heatmaps.js: each animate goes over the whole layout of its figure).

import { num } from './format.js';
import { xDomain, yDomain } from './grid.js';
import { NO_TRANSITION, PLOT_CONFIG, PLOT_FONT, liveLayout } from './plotly.js';

const POSITIVE = '#2166ac';
const NEGATIVE = '#b2182b';
const COLOURS = { slope: '#5a7d3a', output: '#8c6bb1' };
const TARGET = '#1f2328';
const BAR_TEXT = { budget: 16, minRowPx: 12, size: 9, inside: 0.6 }; // inside: of the range

/** How the bars of a plot are coloured: by sign, as a slope, or as outputs against targets. */
export const BarKind = Object.freeze({ SIGNED: 'signed', SLOPE: 'slope', OUTPUT: 'output' });

/** The range under an axis: ±r for a symmetric one, else its two ends. */
function rangeText({ lo, hi }) {
  return lo === -hi ? `\u00b1${num(hi, 2)}` : `${num(lo, 2)} \u2026 ${num(hi, 2)}`;
}

/** The text points of a plot's values `x` (nulls: none) on its range: at each bar's end, outside
 * it, or inside it where outside would leave the plot. */
function valueTexts(x, { lo, hi }) {
  const inside = (v) => (v >= 0 ? v > BAR_TEXT.inside * hi : v < BAR_TEXT.inside * lo);
  const outwards = (v) => v >= 0 !== inside(v);
  return {
    x: x.map((v) => v ?? 0),
    text: x.map((v) => (v === null ? '' : num(v, 2))),
    textposition: x.map((v) => (outwards(v) ? 'middle right' : 'middle left')),
    textfont: { color: x.map((v) => (v !== null && inside(v) ? '#ffffff' : '#57606a')) },
  };
}

export class BarsFigure {
  /**
   * @param {{frame: HTMLElement, bars: HTMLElement}} elements the two figures' divs, the bars'
   *   on top of the frame's (the titles and ranges)
   * @param {object} Plotly
   * @param {object} geometry from grid.js's layout
   * @param {object[]} plots one per bar chart: `band`, `column`, `name`, `title`, `rows` (the
   *   units' names), `kind` (a BarKind), `range` (a WideningRange), `hovertemplate` (its
   *   customdata: the numbers the value is made of)
   */
  constructor({ frame, bars: element }, Plotly, geometry, plots) {
    this.element = element;
    this.frame = frame;
    this.Plotly = Plotly;
    this.plots = plots;
    const width = geometry.barsWidth;
    const { height } = geometry;
    const layout = { ...liveLayout(width, height), barmode: 'overlay' };
    const frameLayout = { width, height, margin: layout.margin, font: PLOT_FONT, annotations: [] };
    Object.assign(frameLayout, {
      paper_bgcolor: layout.paper_bgcolor,
      plot_bgcolor: layout.plot_bgcolor,
      showlegend: false,
      xaxis: { visible: false },
      yaxis: { visible: false },
    });
    const traces = [];
    this.axes = []; // per plot: its x axis's layout name and its range annotation's index
    this.traceOf = []; // per plot: its first trace's index (the negative bars, or the targets,
    // follow it)
    this.shownRange = [];
    this.valuesOf = []; // per plot: the index of its values' text trace, or null
    let budget = BAR_TEXT.budget;
    plots.forEach((plot, k) => {
      const band = geometry.bands[plot.band];
      const axis = k ? String(k + 1) : '';
      const x = xDomain(geometry.barX[plot.column], width);
      const y = yDomain(band, height);
      const hidden = { showticklabels: false, ticks: '', showgrid: false, fixedrange: true };
      layout[`xaxis${axis}`] = {
        ...hidden,
        domain: x,
        anchor: `y${axis}`,
        range: [plot.range.lo, plot.range.hi],
        zeroline: true,
        zerolinecolor: '#8c959f',
        showline: false,
      };
      layout[`yaxis${axis}`] = {
        ...hidden,
        domain: y,
        anchor: `x${axis}`,
        type: 'category',
        range: [plot.rows.length - 0.5, -0.5],
        zeroline: false,
      };
      const at = (px, text, anchor, size, xAt = x[0]) => ({
        text,
        xref: 'paper',
        yref: 'paper',
        x: xAt,
        y: 1 - px / height,
        xanchor: anchor,
        yanchor: 'bottom',
        showarrow: false,
        font: size,
      });
      const titleAt = band.plotTop - band.names.height - 4; // level with the heatmaps' titles
      const { annotations } = frameLayout;
      annotations.push(at(titleAt, plot.title, 'left', { size: 12, weight: 600 }));
      this.axes.push({ axis: `xaxis${axis}`, annotation: annotations.length });
      annotations.push({
        ...at(band.plotTop + band.plotHeight + 16, rangeText(plot.range), 'right', { size: 10 }),
        x: x[1],
      });
      this.shownRange.push([plot.range.lo, plot.range.hi]);
      // bars made at once (null: no bar yet), so that Plotly styles them; animate only moves them
      const none = plot.rows.map(() => null);
      const printed = band.rowPx >= BAR_TEXT.minRowPx && plot.rows.length <= budget;
      if (printed) budget -= plot.rows.length;
      const bars = (name, color) => ({
        type: 'bar',
        orientation: 'h',
        name,
        y: plot.rows,
        x: none,
        xaxis: `x${axis}`,
        yaxis: `y${axis}`,
        width: 0.64,
        marker: { color },
        hovertemplate: plot.hovertemplate,
      });
      this.traceOf.push(traces.length);
      if (plot.kind === BarKind.SIGNED) {
        traces.push(bars(`${plot.name}+`, POSITIVE), bars(`${plot.name}-`, NEGATIVE));
      } else {
        traces.push(bars(plot.name, COLOURS[plot.kind]));
      }
      this.valuesOf.push(printed ? traces.length + (plot.kind === BarKind.OUTPUT ? 1 : 0) : null);
      if (plot.kind === BarKind.OUTPUT) {
        traces.push({
          type: 'scatter',
          mode: 'markers',
          name: `${plot.name}-target`,
          y: plot.rows,
          x: none,
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
          marker: {
            symbol: 'line-ns',
            size: Math.max(6, band.rowPx * 0.8),
            line: { width: 2, color: TARGET },
          },
          cliponaxis: false,
          hovertemplate: 'target t[%{y}] = %{x:.6~g}<extra></extra>',
        });
      }
      if (printed) {
        traces.push({
          type: 'scatter',
          mode: 'text',
          name: `${plot.name}-values`,
          y: plot.rows,
          x: none,
          text: plot.rows.map(() => ''),
          xaxis: `x${axis}`,
          yaxis: `y${axis}`,
          hoverinfo: 'skip',
          cliponaxis: false,
          textfont: { size: BAR_TEXT.size, color: [] },
        });
      }
    });
    Plotly.newPlot(frame, [], frameLayout, { ...PLOT_CONFIG, staticPlot: true });
    Plotly.newPlot(element, traces, layout, PLOT_CONFIG);
  }

  /**
   * Shows a new frame: per plot `k`, `values[k]` (one per unit, or null before the first step),
   * `customdata[k]` (what its hover text shows besides) and, for outputs, `targets`. The
   * ranges (fitted by the caller) are relaid out first where they changed.
   */
  draw(values, customdata, targets) {
    const relayout = {};
    const labels = {};
    this.plots.forEach((plot, k) => {
      const { lo, hi } = plot.range;
      const [shownLo, shownHi] = this.shownRange[k];
      if (lo === shownLo && hi === shownHi) return;
      this.shownRange[k] = [lo, hi];
      const { axis, annotation } = this.axes[k];
      relayout[`${axis}.range`] = [lo, hi];
      labels[`annotations[${annotation}].text`] = rangeText(plot.range);
    });
    if (Object.keys(relayout).length) {
      this.Plotly.relayout(this.element, relayout);
      this.Plotly.relayout(this.frame, labels);
    }
    const data = [];
    const traces = [];
    this.plots.forEach((plot, k) => {
      const x = values[k] ?? plot.rows.map(() => null);
      const first = this.traceOf[k];
      const cd = customdata[k] ?? [];
      if (plot.kind === BarKind.SIGNED) {
        data.push(
          { x: x.map((v) => (v >= 0 ? v : null)), customdata: cd },
          { x: x.map((v) => (v < 0 ? v : null)), customdata: cd },
        );
        traces.push(first, first + 1);
      } else {
        data.push({ x, customdata: cd });
        traces.push(first);
      }
      if (plot.kind === BarKind.OUTPUT) {
        data.push({ x: values[k] ? targets : x });
        traces.push(first + 1);
      }
      if (this.valuesOf[k] !== null) {
        data.push(valueTexts(x, plot.range));
        traces.push(this.valuesOf[k]);
      }
    });
    this.Plotly.animate(this.element, { data, traces }, NO_TRANSITION);
  }
}
