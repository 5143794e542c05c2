// The numbers printed on the live views: the values in the heatmaps' cells where they fit, the
// colour bars' end values and the values at the bars' ends, as one trace of Plotly text points in
// a figure over both, in CSS pixels from the figures' left and top (see grid.js).
//
// They are drawn on the slow views' beat, not on every animation frame: at a display's rate the
// numbers change faster than anyone reads them, and an SVG text is measured and placed again on
// every redraw (on a three-layer net, printing them in every frame halved the live views' rate).
// The figure lets the pointer through, and fades while a hover label is up, which it would cover.

import { PLOT_CONFIG, liveLayout, pixelAxes } from './plotly.js';

export class ValuesFigure {
  /**
   * @param {HTMLElement} element the figure's div, over the heatmaps' and bars' figures
   * @param {object} Plotly
   * @param {number} width px, of both figures side by side
   * @param {number} height px
   */
  constructor(element, Plotly, width, height) {
    this.element = element;
    this.Plotly = Plotly;
    const layout = { ...liveLayout(width, height), ...pixelAxes(width, height), hovermode: false };
    const trace = {
      type: 'scatter',
      mode: 'text',
      name: 'values',
      x: [],
      y: [],
      text: [],
      hoverinfo: 'skip',
      cliponaxis: false,
      textfont: { color: [], size: [] },
    };
    Plotly.newPlot(element, [trace], layout, { ...PLOT_CONFIG, staticPlot: true });
  }

  /** Draws `points` ({x, y, text, position, colour, size} each: px, its text, Plotly's
   * textposition, colour and size) in one restyle. */
  draw(points) {
    const of = (key) => [points.map((p) => p[key])];
    this.Plotly.restyle(this.element, {
      x: of('x'),
      y: of('y'),
      text: of('text'),
      textposition: of('position'),
      'textfont.color': of('colour'),
      'textfont.size': of('size'),
    });
  }

  /** Fades while a hover label is up in `figure` (the values would cover it). */
  fadeOnHover(figure) {
    figure.on('plotly_hover', () => this.element.classList.add('faded'));
    figure.on('plotly_unhover', () => this.element.classList.remove('faded'));
  }
}
