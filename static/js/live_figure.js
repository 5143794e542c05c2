// The live views' one figure: every heatmap (W and ΔW, heatmaps.js) and every bar chart (δ, the
// error, f'(net), y and t, bars.js) of the net, on one pair of axes in CSS pixels as grid.js lays
// them out, and a frame under it: the titles, names, colour bars and zero lines, relaid out only
// when a title or a zero line moves.
//
// A frame is one Plotly.animate of every trace, without transition (the heatmaps made animatable:
// plotly.js's animateHeatmaps). Plotly's every call runs its defaults over the whole figure first,
// at a cost that hardly depends on how much changed, so one call a frame beats two (make
// layouts-bench: spiral 8,4's heatmaps and bars, 13.3 ms of the main thread a frame in one
// restyle against 16.9 for the heatmaps' restyle and the bars' animate in two figures); and an
// animate draws the traces alone, where a restyle of a heatmap's `z` also redraws the figure's
// frame (docs/benchmarks.md). An animate does not colour bars again: each bar keeps the colour
// of its trace's slot (bars.js).

import { BarPlots } from './bars.js';
import { HeatmapPlots } from './heatmaps.js';
import {
  NO_TRANSITION,
  PLOT_CONFIG,
  animateHeatmaps,
  liveLayout,
  makeLater,
  pixelAxes,
} from './plotly.js';

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
    const traces = [...this.heatmaps.traces, ...this.bars.traces];
    this.traceIndices = traces.map((_, k) => k);
    Plotly.newPlot(live, traces, { ...base, barmode: 'overlay' }, PLOT_CONFIG);
    animateHeatmaps(live);
    this.frameMade = makeLater(Plotly, frame, frameTraces, frameLayout, {
      ...PLOT_CONFIG,
      staticPlot: true,
    });
  }

  /**
   * Shows a new frame in one animate: the heatmaps' `zs` and `cells` (their customdata), the
   * bars' `values`, `customdata` and `targets` (see the parts' `frameData`), the titles for a
   * step whose update is `held` back or shown. The ranges are fitted by the caller.
   */
  draw({ zs, cells }, { values, customdata, targets }, held) {
    const data = [
      ...this.heatmaps.frameData(zs, cells),
      ...this.bars.frameData(values, customdata, targets),
    ];
    this.Plotly.animate(this.element, { data, traces: this.traceIndices }, NO_TRANSITION);
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
