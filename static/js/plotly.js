// Plotly.js (served from the installed plotly package, never a CDN), the page's one renderer.

let loading = null;

/** Plotly.js, from the page's own async script `script`; resolves to `window.Plotly` once it has
 * run. */
export function loadPlotly(script) {
  loading ??= new Promise((resolve, reject) => {
    if (window.Plotly) {
      resolve(window.Plotly);
      return;
    }
    script.addEventListener('load', () => resolve(window.Plotly));
    script.addEventListener('error', () =>
      reject(new Error(`Plotly.js could not be loaded from ${script.src}`)),
    );
  });
  return loading;
}

/** Options shared by every Plotly figure of the page: no mode bar (in small plots it covers the
 * top-right cells), and nothing that would redraw a figure but our own calls. */
export const PLOT_CONFIG = Object.freeze({
  displayModeBar: false,
  responsive: false,
  doubleClick: false,
  scrollZoom: false,
});

/** The slow views' figures (curves, regions) are big enough for a mode bar: Plotly's PNG
 * download, shown while the pointer is over the figure. */
export const DOWNLOAD_CONFIG = Object.freeze({
  ...PLOT_CONFIG,
  displayModeBar: 'hover',
  modeBarButtons: [['toImage']],
  displaylogo: false,
  responsive: true,
});

/** A Plotly.animate that only moves what is animatable (bars, lines, markers, their text; the live
 * figure's heatmaps too, see animateHeatmaps) to its new data: no transition, no redraw of the
 * rest of the figure, and one asked for before Plotly paints the last one (on the next animation
 * frame) replaces it. */
export const NO_TRANSITION = Object.freeze({
  transition: { duration: 0 },
  frame: { duration: 0, redraw: false },
  mode: 'immediate',
});

/**
 * Lets Plotly.animate draw the heatmaps of the figure in `element` (made, with one at least) with
 * its other traces: a live frame is then one animate of every trace, without the redraw of the
 * figure's frame (axes, margins, drag boxes, layout styles) that a restyle of a heatmap's `z`
 * makes on every call. Plotly.js 4.1.1 marks its heatmap module not animatable only because a
 * heatmap cannot be tweened; its plot draws new data whatever the transition, and with none (the
 * live figure's NO_TRANSITION) there is nothing to tween. The flag is the module's own, for the
 * whole page; the page's other animates (curves, the regions' ring, the printed values) name no
 * heatmap. The browser tests check that the drawn heatmaps follow their data
 * (tests/browser/test_page.py).
 */
export function animateHeatmaps(element) {
  const heatmap = element._fullData.find((trace) => trace.type === 'heatmap');
  heatmap._module.animatable = true;
}

export const PLOT_FONT = Object.freeze({
  family: 'system-ui, -apple-system, "Segoe UI", sans-serif',
  size: 11,
  color: '#1f2328',
});

/** The layout a live figure and its frame start from: a fixed size, no margins, transparent,
 * no legend, hover on the nearest point, no dragging (zoom and pan would fight the updates). */
export function liveLayout(width, height) {
  return {
    width,
    height,
    font: PLOT_FONT,
    margin: { l: 0, r: 0, t: 0, b: 0 },
    paper_bgcolor: 'rgba(0,0,0,0)',
    plot_bgcolor: 'rgba(0,0,0,0)',
    showlegend: false,
    hovermode: 'closest',
    dragmode: false,
  };
}

/** A figure's one pair of axes in CSS pixels: x from its left edge, y down from its top, drawn
 * nowhere. A figure's cost grows with its subplots, so each live figure places all its plots on
 * these, by pixel, as grid.js lays them out. */
export function pixelAxes(width, height) {
  const axis = (range) => ({ range, visible: false, fixedrange: true });
  return { xaxis: axis([0, width]), yaxis: axis([height, 0]) };
}

/** Makes a figure that nothing reads until later (a live view's frame: titles, names, ranges)
 * after the current task, so that the live views' first draw does not wait for it; resolves
 * once it is made. Calls on it go through the promise. */
export function makeLater(Plotly, element, data, layout, config) {
  return new Promise((resolve) => {
    setTimeout(() => resolve(Plotly.newPlot(element, data, layout, config)), 0);
  });
}
