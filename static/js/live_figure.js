// The live views' one figure: every heatmap (W and ΔW, heatmaps.js) and every bar chart (δ, the
// error, f'(net), y and t, bars.js) of the net, on one pair of axes in CSS pixels as grid.js lays
// them out, and a frame under it: the titles, names, colour bars and zero lines, relaid out only
// when a title or a zero line moves.
//
// A frame is one Plotly.restyle of the whole figure. Plotly's every call, a restyle or an
// animate, runs its defaults over the whole figure first, at a cost that hardly depends on how
// much changed, so one call a frame beats two: on spiral 8,4's heatmaps and bars, 13.3 ms of the
// main thread a frame against 16.9 for the heatmaps' restyle and the bars' animate in two figures
// (make layouts-bench; on iris's few bars the two cost the same). A restyle also colours the bars
// again, which an animate does not.

import { BarPlots } from './bars.js';
import { HeatmapPlots } from './heatmaps.js';
import { PLOT_CONFIG, liveLayout, makeLater, pixelAxes } from './plotly.js';

export class LiveFigure {
  /**
   * @param {{frame: HTMLElement, live: HTMLElement}} elements the two figures' divs, bottom to
   *   top: the frame, the heatmaps' cells and the bars (they take the pointer: hover, click)
   * @param {object} Plotly
   * @param {object} geometry from grid.js's layout
   * @param {{heatmaps: object[], bars: object[]}} plots as HeatmapPlots and BarPlots take them
   */
  constructor({ frame, live }, Plotly, geometry, plots) {
    this.element = live;
    this.frame = frame;
    this.Plotly = Plotly;
    const { width, height } = geometry;
    const base = { ...liveLayout(width, height), ...pixelAxes(width, height) };
    const frameLayout = { ...base, hovermode: false, annotations: [], shapes: [] };
    const frameTraces = [];
    const parts = { ...frameLayout, traces: frameTraces };
    this.heatmaps = new HeatmapPlots(geometry, plots.heatmaps, parts);
    this.bars = new BarPlots(geometry, plots.bars, parts);
    this.traceCount = this.heatmaps.traces.length + this.bars.traces.length;
    Plotly.newPlot(
      live,
      [...this.heatmaps.traces, ...this.bars.traces],
      { ...base, barmode: 'overlay' },
      PLOT_CONFIG,
    );
    this.frameMade = makeLater(Plotly, frame, frameTraces, frameLayout, {
      ...PLOT_CONFIG,
      staticPlot: true,
    });
  }

  /**
   * Shows a new frame in one restyle: the heatmaps' `zs` and `cells` (their customdata), the
   * bars' `values`, `customdata` and `targets` (see the parts' `restyle`), the titles for a step
   * whose update is `held` back or shown. The ranges are fitted by the caller.
   */
  draw({ zs, cells }, { values, customdata, targets }, held) {
    const update = {};
    const parts = [
      [this.heatmaps, this.heatmaps.restyle(zs, cells)],
      [this.bars, this.bars.restyle(values, customdata, targets)],
    ];
    let first = 0; // the part's first trace
    for (const [part, restyle] of parts) {
      for (const [key, list] of Object.entries(restyle)) {
        // restyle's form for different values: a list with an entry per trace, undefined for
        // a trace that keeps what it has
        update[key] ??= Array.from({ length: this.traceCount });
        list.forEach((value, k) => {
          update[key][first + k] = value;
        });
      }
      first += part.traces.length;
    }
    this.Plotly.restyle(this.element, update);
    const relayout = { ...this.heatmaps.heldTitles(held), ...this.bars.followRanges() };
    if (Object.keys(relayout).length) {
      this.frameMade.then(() => this.Plotly.relayout(this.frame, relayout));
    }
  }

  /** Outlines blocks of cells of the heatmaps (see HeatmapPlots.outlines); an empty list takes
   * every outline away. */
  outline(boxes) {
    this.Plotly.relayout(this.element, { shapes: this.heatmaps.outlines(boxes) });
  }

  /** Calls `onPick(name, row, col)` when a heatmap's cell is clicked. */
  onClick(onPick) {
    this.element.on('plotly_click', (event) => {
      const point = event.points.find((p) => p.data.type === 'heatmap');
      if (point) onPick(point.data.name, point.pointNumber[0], point.pointNumber[1]);
    });
  }

  /** The values printed on the figure (see values.js), in its pixels. */
  valueTexts() {
    return [...this.heatmaps.valueTexts(), ...this.bars.valueTexts()];
  }
}
