// Where the live views go, in CSS pixels from the live figure's left and top. Every heatmap and
// every bar chart is in that one Plotly figure (a figure per plot, per layer, or even one for the
// heatmaps and one for the bars, redraws slower): the heatmaps on the left, the bars on the
// right, sharing the layers' bands, output layer on top, so that a unit's row lines up from its
// weights to its bars, with the layer's heading (HTML) in the gap above its band.

const HEADING = 40; // the layer's heading and rule
const TITLE = 20; // the plots' titles, above the heatmaps' column names
const BELOW = 30; // the colour bars, the bars' ranges
const GAP = 10; // between two bands
const ROW_PX = { max: 28, min: 6 };
const PLOTS_PX = 320; // a layer's rows at most, before they get thinner than ROW_PX.max
export const LABELS_PX = 70; // the units' names, left of the heatmaps
const MATRIX = { column: 40, min: 110, share: 0.6 }; // px a column at most, px at least, share
const PLOT_GAP = 22;
const NAME = { charPx: 6, linePx: 12, minColumnPx: 10, maxPx: 60 };
const BAR_PLOTS = 4; // δ, e (or Wᵀδ), f'(net), y and t

/** How the names of columns `columnPx` wide are printed: across on up to two lines when each word
 * fits, else upright and cut to fit NAME.maxPx; none in columns too narrow for a letter. */
function columnNames(names, columnPx) {
  if (columnPx < NAME.minColumnPx) return { texts: null, angle: 0, height: 0 };
  const words = names.map((name) => name.split(/\s+/));
  const fits = (word) => word.length * NAME.charPx + 4 <= columnPx;
  if (words.every((w) => w.length <= 2 && w.every(fits))) {
    const lines = Math.max(...words.map((w) => w.length));
    return { texts: words.map((w) => w.join('<br>')), angle: 0, height: lines * NAME.linePx };
  }
  const most = Math.floor(NAME.maxPx / NAME.charPx);
  const texts = names.map((name) =>
    name.length > most ? `${name.slice(0, most - 1)}\u2026` : name,
  );
  const longest = Math.max(...texts.map((t) => t.length));
  return { texts, angle: -90, height: longest * NAME.charPx + 4 };
}

/**
 * The bands of `layers` ({rows, names} each, top to bottom, `names` of the heatmaps' columns)
 * across a `width` px wide column.
 * @returns {{width: number, height: number, heatmapsWidth: number, bands: object[],
 *   heatmapX: number[][], barX: number[][]}} x ranges in px from the figure's left (the bars
 *   right of `heatmapsWidth`); the bands' `top`, `plotTop`, `plotHeight`, `rowPx` and
 *   `columnPx` in px, and their `names`
 */
export function layout(layers, width) {
  const widest = Math.max(...layers.map((l) => l.names.length));
  const room = (width * MATRIX.share - LABELS_PX) / 2 - PLOT_GAP;
  const matrix = Math.max(MATRIX.min, Math.min(widest * MATRIX.column, room));
  let top = 0;
  const bands = layers.map(({ rows, names }) => {
    const rowPx = Math.max(ROW_PX.min, Math.min(ROW_PX.max, PLOTS_PX / rows));
    const columnPx = matrix / names.length;
    const shownNames = columnNames(names, columnPx);
    const plotTop = top + HEADING + TITLE + shownNames.height + 2;
    const band = { top, plotTop, plotHeight: rows * rowPx, rowPx, columnPx, names: shownNames };
    top = band.plotTop + band.plotHeight + BELOW + GAP;
    return band;
  });
  const heatmapX = [0, 1].map((i) => {
    const left = LABELS_PX + i * (matrix + PLOT_GAP);
    return [left, left + matrix];
  });
  const heatmapsWidth = heatmapX[1][1] + PLOT_GAP;
  const barsWidth = Math.max(BAR_PLOTS * 60, width - heatmapsWidth);
  const bar = (barsWidth - BAR_PLOTS * PLOT_GAP) / BAR_PLOTS;
  const barX = Array.from({ length: BAR_PLOTS }, (_, i) => {
    const left = heatmapsWidth + PLOT_GAP / 2 + i * (bar + PLOT_GAP);
    return [left, left + bar];
  });
  return { width: heatmapsWidth + barsWidth, height: top, heatmapsWidth, bands, heatmapX, barX };
}
